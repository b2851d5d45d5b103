"""The bench's commands that need no parcel: errands, log out, park, flag, ship short.

Steps of the decision in progress (station.workflow's decider, passed in as a
`DeciderBase`): each reads the input and the state and returns a `Step`;
none writes anything.
"""

from __future__ import annotations

from dataclasses import replace

from station import queries
from station.verdicts import Awaiting, VerdictKind
from station.workflow_types import DeciderBase, ExceptionReason, Step, order_event

V = VerdictKind


def nothing_to_choose(decision: DeciderBase) -> Step:
    return decision.step(
        V.NOTHING_TO_CHOOSE,
        f"{decision.text!r} chooses in a dialog, and none is open: nothing done.",
    )


def errand(decision: DeciderBase) -> Step:
    """A label errand by scan: stored here, done by the window (see ERRAND)."""
    c = decision.commands
    if decision.text in (c.label_printed, c.label_reprint):
        # Asked at a start, perhaps before anyone logs in: no packer needed.
        answer = "printed" if decision.text == c.label_printed else "not printed: it prints again"
        return decision.step(V.ERRAND, f"The label that may have printed: {answer}.")
    if decision.state.packer is None:
        return decision.step(V.NOT_LOGGED_IN, "Nobody is logged in: scan your badge first.")
    if decision.text != c.bulk:
        message = {
            c.reprint: "Reprint: the last label prints again.",
            c.void: "Void a label: a supervisor's badge (and PIN) first, then scan the "
            "label on the box and choose why.",
            c.slip: "Packing slip: the last packed order's slip prints.",
            c.dashboard: "Dashboard: it opens for a supervisor (as F9 does).",
        }[decision.text]
        return decision.step(V.ERRAND, message)
    order = decision.state.order or queries.last_sealed_order(decision.db, decision.bench.station)
    if order is None:
        return decision.step(V.NO_ORDER_OPEN, "No order was packed here yet: no label to print.")
    return replace(
        decision.step(
            V.ERRAND,
            f"Bulk print: a supervisor's badge (and PIN) first, then the labels of order "
            f"{order.number} again. Choose why, then OK.",
        ),
        subject=order,
    )


def logout(decision: DeciderBase) -> Step:
    if decision.state.packer is None:
        return decision.step(V.NOT_LOGGED_IN, "Nobody is logged in.")
    kept = f" Order {decision.state.order.number} stays open here." if decision.state.order else ""
    return decision.step(V.LOGOUT, f"Goodbye, {decision.state.packer.name}.{kept}", packer=None)


def park(decision: DeciderBase) -> Step:
    refused = decision.needs_open_order()
    if refused:
        return refused
    number = decision.state.order.number  # type: ignore[union-attr]
    return replace(
        decision.cleared(V.ORDER_PARKED, f"Order {number} parked; its scans are kept."),
        subject=decision.state.order,
    )


def flag_exception(
    decision: DeciderBase, chosen: tuple[ExceptionReason, str] | None = None
) -> Step:
    refused = decision.needs_open_order()
    if refused:
        return refused
    order = decision.state.order
    assert order is not None
    chosen = chosen or decision.request.exception
    reason, note = chosen or (ExceptionReason.OTHER, "flagged by scan")
    event = order_event(
        order,
        "exception_flagged",
        reason=reason.value,
        note=note,
    )
    message = (
        f"Order {order.number} flagged as an exception ({reason.value.replace('_', ' ')}): "
        "put the tote aside for a supervisor."
    )
    return replace(
        decision.cleared(V.EXCEPTION_FLAGGED, message), subject=order, order_events=(event,)
    )


def request_short(decision: DeciderBase, chosen: str | None = None) -> Step:
    refused = decision.needs_open_order()
    if refused:
        return refused
    order = decision.state.order
    assert order is not None
    reason = chosen or decision.request.short_reason or "short shipped at the bench"
    event = order_event(order, "short_requested", reason=reason)
    return replace(
        decision.step(
            V.SUPERVISOR_REQUIRED,
            "Ship short: a supervisor scans their badge to approve (ACKNOWLEDGE cancels).",
            awaiting=Awaiting.SUPERVISOR,
            short_reason=reason,
        ),
        order_events=(event,),
    )
