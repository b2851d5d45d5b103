"""What a pack session shows: a committed step's verdict, its label's fate, the station.

Plain functions of the session's state, so the words the packer reads are
built in one place whatever asks for them (the screen, `main.py replay`).
"""

from __future__ import annotations

from dataclasses import replace

from station.parcels import Sealed
from station.print_outcomes import LabelOutcome
from station.verdicts import OrderView, StationView, Verdict
from station.workflow import Request, Step, WorkflowState


def to_verdict(request: Request, step: Step, sealed: Sealed) -> Verdict:
    """What the packer is answered for a committed step; `sealed`: the labels it printed."""
    line = step.line
    last = sealed[-1] if sealed else None
    return Verdict(
        kind=step.kind,
        scan=request.parsed.raw,
        message=step.message,
        order=step.order_number,
        sku=line.sku if line else step.sku,
        scanned=line.scanned if line else None,
        expected=line.expected if line else None,
        tracking=last[1].tracking if last else None,
        job_id=str(last[0].id) if last else None,
        parcels=tuple((label.tracking, str(job.id), None) for job, label in sealed)
        if len(sealed) > 1
        else (),
        needs_pin=step.needs_pin,
    )


def with_label_outcome(verdict: Verdict, outcome: LabelOutcome | None) -> Verdict:
    """`verdict` saying where its label went; `outcome` None: the printer has not answered."""
    if outcome is None:
        return replace(verdict, message=f"{verdict.message} The label is still queued.")
    if outcome.in_doubt:  # the packer is asked: never "not printed", never "printed"
        doubt = f"LABEL MAY HAVE PRINTED: {outcome.error}"
        return replace(verdict, message=f"{verdict.message} {doubt}")
    if outcome.error:
        what_next = (
            "It cannot print as it is: fix the order, then reprint the label."
            if outcome.set_aside
            else "It is kept and prints by itself when the printer is back."
        )
        return replace(
            verdict, message=f"{verdict.message} LABEL NOT PRINTED: {outcome.error} {what_next}"
        )
    return replace(verdict, label=outcome.location, message=f"{verdict.message} Label printed.")


def station_view(station: str, state: WorkflowState, last_label: str | None) -> StationView:
    """What the pack screen shows of the station: who packs, the open order, what it awaits."""
    order = None
    if state.order is not None:
        plan = state.plan
        order = OrderView(
            number=state.order.number,
            courier=plan.courier if plan else state.order.courier,
            service=plan.service if plan else state.order.service,
            courier_reason=(plan.problem or plan.reason) if plan else "",
            ship_to_name=state.order.ship_to_name,
            lines=tuple(line.view() for line in state.lines),
        )
    packer = state.packer
    return StationView(
        station=station,
        packer_name=packer.name if packer else None,
        packer_role=packer.role if packer else None,
        order=order,
        awaiting=state.awaiting,
        last_label=last_label,
        packer_badge=packer.badge if packer else None,
    )
