"""A station's state rebuilt from its history, for a store without a state row.

Only a store last written by a version before the state row (station.station_state)
comes here, once: its next scan writes the row. Each read is indexed and stops
at the newest matching event.
"""

from __future__ import annotations

from sqlmodel import Session

from station import queries
from station.line_counts import order_complete
from station.verdicts import Awaiting
from station.workflow_types import Bench, WorkflowState, plan_for


def rebuild_state(db: Session, bench: Bench) -> WorkflowState:
    """The station's state as its stored events left it."""
    station = bench.station
    packer = queries.logged_in_packer(db, station)
    order = queries.open_order(db, station)
    last = queries.last_scan(db, station)
    awaiting = Awaiting(last.awaiting) if last is not None else Awaiting.NOTHING
    if order is None:
        pending: tuple[str, ...] = ()
        if bench.settings.labels.scan_back != "off":
            pending = queries.labels_to_scan_back(db, station)
        if awaiting is not Awaiting.LABEL_SCAN or not pending:
            awaiting = Awaiting.NOTHING
        return WorkflowState(packer=packer, awaiting=awaiting, pending_labels=pending)
    lines = tuple(queries.line_counts(db, order.id))
    short_reason = ""
    if awaiting is Awaiting.SUPERVISOR:
        short_reason = queries.pending_short_reason(db, order.id)
    weight_g = last.weight_g if awaiting is Awaiting.WEIGHT and last is not None else None
    closing_box = (
        awaiting is Awaiting.WEIGHT
        and not order_complete(list(lines))
        and not queries.short_approved(db, order.id)
    )
    return WorkflowState(
        packer,
        order,
        lines,
        awaiting,
        short_reason,
        plan_for(bench, order, lines),
        weight_g,
        boxed=tuple(queries.boxed_units(db, order.id).items()),
        boxes_closed=queries.parcel_count(db, order.id),
        closing_box=closing_box,
    )
