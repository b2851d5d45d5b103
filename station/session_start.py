"""The state a pack session starts from: read back as its last committed input left it."""

from __future__ import annotations

from sqlmodel import Session

from station import history, queries
from station.models import Order, Packer
from station.station_state import LastVerdict, last_verdict, pending_labels, stored_state
from station.verdicts import Awaiting
from station.workflow import Bench, WorkflowState, plan_for


def load_state(db: Session, bench: Bench) -> tuple[WorkflowState, LastVerdict | None]:
    """The station's state and last verdict as its last committed input left them.

    A bounded number of indexed reads: the station's state row, then the open
    order's own lines, boxes and events. A store without a row that agrees with
    its history (written before the row existed) is rebuilt from the history.
    """
    row = stored_state(db, bench.station)
    if row is None:
        return history.rebuild_state(db, bench), None
    packer = db.get(Packer, row.packer_id) if row.packer_id else None
    order = db.get(Order, row.order_id) if row.order_id else None
    awaiting = Awaiting(row.awaiting)
    pending = pending_labels(row)
    if bench.settings.labels.scan_back == "off":
        pending = ()  # switched off since: nothing waits to be scanned back
    if awaiting is Awaiting.LABEL_SCAN and not pending:
        awaiting = Awaiting.NOTHING
    if order is None:
        state = WorkflowState(packer=packer, awaiting=awaiting, pending_labels=pending)
        return state, last_verdict(row)
    lines = tuple(queries.line_counts(db, order.id))
    state = WorkflowState(
        packer,
        order,
        lines,
        awaiting,
        row.short_reason,
        plan_for(bench, order, lines),
        row.weight_g,
        boxed=tuple(queries.boxed_units(db, order.id).items()),
        boxes_closed=queries.parcel_count(db, order.id),
        closing_box=row.closing_box,
        pending_labels=pending,
    )
    return state, last_verdict(row)
