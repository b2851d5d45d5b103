"""The station's state row: written with every scan, read once at start.

A start reads this one row (and the open order's own few rows) instead of the
station's history, so it costs the same on the first day and after a year.
The row is written in the transaction of the scan event whose `seq` it keeps;
a start whose row disagrees with the newest scan event (a store written by a
version without the row) rebuilds from the history once instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.dialects.sqlite import insert
from sqlmodel import Session, select

from station.models import ScanEvent, StationState, utc_now
from station.verdicts import Verdict, VerdictKind
from station.workflow_types import WorkflowState


@dataclass(frozen=True)
class LastVerdict:
    """What the screen showed after the last committed input."""

    kind: VerdictKind
    scan: str
    message: str
    order: str | None

    def verdict(self) -> Verdict:
        return Verdict(kind=self.kind, scan=self.scan, message=self.message, order=self.order)


_TABLE = StationState.__table__  # type: ignore[attr-defined]
_INSERT = insert(_TABLE)
# The table's own insert (the ORM's bulk path costs several times more), built
# once, so that the scan path only binds its values.
_UPSERT = _INSERT.on_conflict_do_update(
    index_elements=["station"],
    set_={column.name: getattr(_INSERT.excluded, column.name) for column in _TABLE.columns},
)


def save_state(
    db: Session, station: str, seq: int, state: WorkflowState, last: LastVerdict
) -> None:
    """Write where the station stands after scan event `seq`, in the caller's transaction."""
    values = {
        "station": station,
        "seq": seq,
        "packer_id": state.packer.id if state.packer else None,
        "order_id": state.order.id if state.order else None,
        "awaiting": state.awaiting.value,
        "short_reason": state.short_reason,
        "weight_g": state.weight_g,
        "closing_box": state.closing_box,
        "pending_labels": json.dumps(list(state.pending_labels)),
        "verdict": last.kind.value,
        "scan": last.scan,
        "message": last.message,
        "order_number": last.order,
        "updated_at": utc_now(),
    }
    db.execute(_UPSERT, [values])


def save_pending_labels(db: Session, station: str, pending: tuple[str, ...]) -> None:
    """Change only the labels to scan back (a void gives a box a new tracking number)."""
    row = db.get(StationState, station)
    if row is not None:
        row.pending_labels = json.dumps(list(pending))
        row.updated_at = utc_now()
        db.add(row)


def stored_state(db: Session, station: str) -> StationState | None:
    """The station's row, if it agrees with the newest scan event (two indexed reads)."""
    row = db.get(StationState, station)
    newest = db.exec(select(func.max(ScanEvent.seq)).where(ScanEvent.station == station)).one()
    if row is None or newest is None or row.seq != newest:
        return None
    return row


def last_verdict(row: StationState) -> LastVerdict | None:
    if not row.verdict:
        return None
    return LastVerdict(VerdictKind(row.verdict), row.scan, row.message, row.order_number)


def pending_labels(row: StationState) -> tuple[str, ...]:
    return tuple(json.loads(row.pending_labels or "[]"))
