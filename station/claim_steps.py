"""The bench's steps for order claims (station/claims.py), when a central database is set.

Steps of the decision in progress (station.workflow's decider, passed in as a
`DeciderBase`): decided at once from the claims mirror and the link.
"""

from __future__ import annotations

from dataclasses import replace

from station import claims
from station.models import Order
from station.verdicts import Awaiting, VerdictKind
from station.workflow_types import DeciderBase, Step, order_event

V = VerdictKind


def claim_refusal(decision: DeciderBase, order: Order) -> Step | None:
    """Decided at once from the claims mirror and the link (never the network)."""
    central = decision.bench.central
    if central is None:
        return None
    refusal = claims.open_refusal(
        decision.db,
        decision.bench.station,
        order.id,
        order.number,
        central.online(),
        decision.settings.central.offline_open,
    )
    if refusal is None:
        return None
    return replace(decision.step(refusal.kind, refusal.message), subject=order)


def claim_lost(decision: DeciderBase) -> Step | None:
    """The open order is held by another station now (its central claim was refused,
    or a sync showed it): it leaves this bench, loudly; its scans stay recorded."""
    order = decision.state.order
    if decision.bench.central is None or order is None:
        return None
    holder = claims.held_elsewhere(decision.db, decision.bench.station, order.id)
    if holder is None:
        return None
    event = order_event(
        order, "claimed_elsewhere", note=f"claimed by {holder.station}", fence=holder.fence
    )
    left = decision.cleared(
        V.ORDER_CLAIMED_ELSEWHERE,
        f"ORDER {order.number} {claims.where(holder)}: it leaves this bench. "
        "Take its items out of the box and put the tote aside for a supervisor; "
        "its scans here stay recorded. Acknowledge to carry on.",
    )
    after = replace(left.after, awaiting=Awaiting.ACKNOWLEDGEMENT)
    return replace(left, after=after, subject=order, order_events=(event,))
