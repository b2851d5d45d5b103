"""What a supervisor asks of a station's store: scans, mistakes, accuracy and pace.

Plain queries over a time window, each answered from an index on the event's
time (scan events: time, packer and verdict, so the counts never read the
table itself), so a year of history costs no more than the window asked for.
Times are UTC in the store; `utc_offset` shifts days and hours to the local
clock of whoever reads them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from station.models import Packer, Parcel, ScanEvent
from station.verdicts import COUNTED_VERDICTS, VerdictKind

# A scan that caught a packing mistake: the wrong item, one too many, a
# barcode nobody knows, the wrong label on a box, a box that weighs wrong.
MISTAKE_VERDICTS = frozenset(
    {
        VerdictKind.WRONG_ITEM,
        VerdictKind.OVER_SCAN,
        VerdictKind.UNKNOWN_BARCODE,
        VerdictKind.WRONG_LABEL,
        VerdictKind.WEIGHT_MISMATCH,
    }
)


@dataclass(frozen=True)
class PackerDay:
    """One packer's inputs on one day."""

    day: str  # YYYY-MM-DD, local to `utc_offset`
    packer_id: uuid.UUID
    inputs: int  # every scan, typed entry and button
    counted: int  # scans that counted a unit
    mistakes: int  # scans that caught a mistake (MISTAKE_VERDICTS)


@dataclass(frozen=True)
class PackerAccuracy:
    packer_id: uuid.UUID
    name: str
    counted: int
    mistakes: int

    @property
    def accuracy(self) -> float:
        """Share of item scans that were right (1.0 with no scans at all)."""
        total = self.counted + self.mistakes
        return self.counted / total if total else 1.0


@dataclass(frozen=True)
class HourlyOrders:
    hour: str  # YYYY-MM-DD HH:00, local to `utc_offset`
    packer_id: uuid.UUID | None
    orders: int  # orders sealed (their last box closed) in that hour


def scans_per_packer_per_day(
    db: Session, since: datetime, until: datetime, utc_offset: timedelta = timedelta(0)
) -> list[PackerDay]:
    """Inputs, counted scans and mistakes per packer and day in [since, until)."""
    day = func.date(ScanEvent.created_at, _modifier(utc_offset))
    # Five columns: more than sqlmodel's select is typed for.
    rows = db.execute(
        select_columns(
            day,
            col(ScanEvent.packer_id),
            func.count(),
            func.sum(_is_in(COUNTED_VERDICTS)),
            func.sum(_is_in(MISTAKE_VERDICTS)),
        )
        .where(*_window(since, until), col(ScanEvent.packer_id).is_not(None))
        .group_by(day, col(ScanEvent.packer_id))
        .order_by(day, col(ScanEvent.packer_id))
    ).all()
    return [
        PackerDay(str(d), packer_id, int(inputs), int(counted or 0), int(mistakes or 0))
        for d, packer_id, inputs, counted, mistakes in rows
        if packer_id is not None
    ]


def accuracy_per_packer(db: Session, since: datetime, until: datetime) -> list[PackerAccuracy]:
    """Counted scans against mistakes per packer in [since, until), best first."""
    rows = db.exec(
        select(
            ScanEvent.packer_id,
            func.sum(_is_in(COUNTED_VERDICTS)),
            func.sum(_is_in(MISTAKE_VERDICTS)),
        )
        .where(*_window(since, until), col(ScanEvent.packer_id).is_not(None))
        .group_by(col(ScanEvent.packer_id))
    ).all()
    names = _packer_names(db, [packer_id for packer_id, _, _ in rows if packer_id is not None])
    found = [
        PackerAccuracy(packer_id, names.get(packer_id, "?"), int(counted or 0), int(wrong or 0))
        for packer_id, counted, wrong in rows
        if packer_id is not None
    ]
    return sorted(found, key=lambda row: (-row.accuracy, row.name))


def orders_per_hour(
    db: Session, since: datetime, until: datetime, utc_offset: timedelta = timedelta(0)
) -> list[HourlyOrders]:
    """Orders sealed per hour and packer in [since, until).

    An order counts once, in the hour its last box closed (the box whose
    number is the order's box count).
    """
    hour = func.strftime("%Y-%m-%d %H:00", Parcel.created_at, _modifier(utc_offset))
    rows = db.exec(
        select(hour, Parcel.packer_id, func.count())
        .where(
            col(Parcel.created_at) >= since,
            col(Parcel.created_at) < until,
            col(Parcel.parcel_no) == col(Parcel.parcel_count),
        )
        .group_by(hour, col(Parcel.packer_id))
        .order_by(hour, col(Parcel.packer_id))
    ).all()
    return [HourlyOrders(str(h), packer_id, int(orders)) for h, packer_id, orders in rows]


def _window(since: datetime, until: datetime) -> tuple[ColumnElement[bool], ...]:
    return (col(ScanEvent.created_at) >= since, col(ScanEvent.created_at) < until)


def _is_in(verdicts: frozenset[VerdictKind]) -> ColumnElement[int]:
    return case((col(ScanEvent.verdict).in_([v.value for v in verdicts]), 1), else_=0)


def _modifier(offset: timedelta) -> str:
    return f"{int(offset.total_seconds() // 60):+d} minutes"


def _packer_names(db: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = db.exec(select(Packer.id, Packer.name).where(col(Packer.id).in_(list(ids)))).all()
    return dict(rows)
