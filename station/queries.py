"""Read-side queries of the station store used by the pack session.

Each one is bounded and indexed (tests/station/test_query_plans.py checks the
plans): a single row is read with `first` (LIMIT 1, so the ORM loads one row,
not every match), and a newest row is found by walking a (station, seq) or
(order, ...) index backwards, never by sorting a table.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from station.handoff.tables import HandoffClose, HandoffLoad, HandoffScan
from station.line_counts import LineCount
from station.models import (
    Barcode,
    Order,
    OrderEvent,
    OrderLabelDocument,
    OrderLine,
    Packer,
    Parcel,
    ParcelItem,
    PrintAttempt,
    PrintJob,
    Product,
    ScanEvent,
)
from station.ports import SuppliedFormat, SuppliedLabel
from station.verdicts import Awaiting, VerdictKind

_ORDER_STATE_VERDICTS = [
    VerdictKind.ORDER_OPENED,
    VerdictKind.ORDER_PARKED,
    VerdictKind.ORDER_COMPLETE,
    VerdictKind.EXCEPTION_FLAGGED,
    VerdictKind.ORDER_CLAIMED_ELSEWHERE,  # the order left: another station holds it
    VerdictKind.OVERRIDE,
    VerdictKind.LABEL_BLOCKED,
    VerdictKind.WEIGHT_OK,
    VerdictKind.WEIGHT_MISMATCH,
]
# An order stays open while its parcel waits for the scale or for its label.
_STILL_OPEN = {Awaiting.WEIGHT.value, Awaiting.SEAL.value}
_EXCEPTION_KINDS = ["exception_flagged", "exception_released"]
T = TypeVar("T")


def first(session: Session, query: SelectOfScalar[T]) -> T | None:
    """The first row of `query` only: without LIMIT the ORM fetches every matching row."""
    return session.exec(query.limit(1)).first()


def packer_by_badge(session: Session, badge: str) -> Packer | None:
    return first(session, select(Packer).where(Packer.badge == badge))


def order_by_number(session: Session, number: str) -> Order | None:
    return first(session, select(Order).where(Order.number == number))


def product_by_code(session: Session, code: str) -> tuple[Product, int] | None:
    """The product a normalised barcode belongs to, and the units it is worth."""
    row = session.exec(
        select(Product, Barcode.units)
        .join(Barcode, col(Barcode.product_id) == col(Product.id))
        .where(Barcode.code == code)
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def is_packed(session: Session, order_id: uuid.UUID) -> bool:
    """Sealed: its labels exist. Boxes closed before the order was sealed do not count."""
    labelled = (
        select(Parcel.id)
        .join(PrintJob, col(PrintJob.parcel_id) == col(Parcel.id))
        .where(Parcel.order_id == order_id)
    )
    return first(session, labelled) is not None


def boxed_units(session: Session, order_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Units per order line already in closed boxes of the order."""
    rows = session.exec(
        select(ParcelItem.line_id, func.sum(ParcelItem.units))
        .join(Parcel, col(Parcel.id) == col(ParcelItem.parcel_id))
        .where(Parcel.order_id == order_id)
        .group_by(col(ParcelItem.line_id))
    ).all()
    return {line_id: int(units) for line_id, units in rows}


def short_approved(session: Session, order_id: uuid.UUID) -> bool:
    found = first(
        session,
        select(OrderEvent.id).where(
            OrderEvent.order_id == order_id, OrderEvent.kind == "short_override"
        ),
    )
    return found is not None


def parcel_by_tracking(session: Session, tracking: str) -> Parcel | None:
    return first(session, select(Parcel).where(Parcel.tracking == tracking))


def labels_to_scan_back(session: Session, station: str) -> tuple[str, ...]:
    """Tracking numbers of this station's last sealed order whose label was not scanned back."""
    last_job = session.exec(
        select(Parcel.order_id, PrintJob.seq)
        .join(PrintJob, col(PrintJob.parcel_id) == col(Parcel.id))
        .where(PrintJob.station == station, PrintJob.kind == "label")
        .order_by(col(PrintJob.seq).desc())
        .limit(1)
    ).first()
    if last_job is None:
        return ()
    order_id, sealed_seq = last_job
    trackings = session.exec(
        select(Parcel.tracking).where(Parcel.order_id == order_id).order_by(col(Parcel.parcel_no))
    ).all()
    # Labels are scanned back after their seal: only the scans since are read.
    verified = set(
        session.exec(
            select(ScanEvent.code).where(
                ScanEvent.station == station,
                ScanEvent.seq > sealed_seq,
                ScanEvent.verdict == VerdictKind.LABEL_VERIFIED,
                col(ScanEvent.code).in_(list(trackings)),
            )
        ).all()
    )
    return tuple(t for t in trackings if t not in verified)


def in_exception(session: Session, order_id: uuid.UUID) -> bool:
    last = first(
        session,
        select(OrderEvent.kind)
        .where(OrderEvent.order_id == order_id, col(OrderEvent.kind).in_(_EXCEPTION_KINDS))
        .order_by(col(OrderEvent.created_at).desc(), col(OrderEvent.seq).desc()),
    )
    return last == "exception_flagged"


def line_counts(session: Session, order_id: uuid.UUID) -> list[LineCount]:
    """The order's lines with every unit counted for them, at any station."""
    counted = dict(
        session.exec(
            select(ScanEvent.line_id, func.sum(ScanEvent.units_counted))
            .where(ScanEvent.order_id == order_id, ScanEvent.units_counted > 0)
            .group_by(col(ScanEvent.line_id))
        ).all()
    )
    rows = session.exec(
        select(OrderLine, Product)
        .join(Product, col(Product.sku) == col(OrderLine.sku), isouter=True)
        .where(OrderLine.order_id == order_id)
        .order_by(col(OrderLine.line_no))
    ).all()
    return [
        LineCount(
            line_id=line.id,
            line_no=line.line_no,
            sku=line.sku,
            name=product.name if product else line.sku,
            image=product.image if product else None,
            expected=line.qty,
            scanned=int(counted.get(line.id, 0) or 0),
            weight_g=product.weight_g if product else 0,
        )
        for line, product in rows
    ]


def last_scan(
    session: Session, station: str, verdicts: Iterable[str] | None = None
) -> ScanEvent | None:
    query = select(ScanEvent).where(ScanEvent.station == station)
    if verdicts is not None:
        query = query.where(col(ScanEvent.verdict).in_(list(verdicts)))
    return first(session, query.order_by(col(ScanEvent.seq).desc()))


def logged_in_packer(session: Session, station: str) -> Packer | None:
    event = last_scan(session, station, [VerdictKind.LOGIN, VerdictKind.LOGOUT])
    if event is None or event.verdict != VerdictKind.LOGIN or event.packer_id is None:
        return None
    return session.get(Packer, event.packer_id)


def open_order(session: Session, station: str) -> Order | None:
    event = last_scan(session, station, _ORDER_STATE_VERDICTS)
    if event is None or event.order_id is None:
        return None
    if event.verdict != VerdictKind.ORDER_OPENED and event.awaiting not in _STILL_OPEN:
        return None
    return session.get(Order, event.order_id)


def pending_short_reason(session: Session, order_id: uuid.UUID) -> str:
    event = first(
        session,
        select(OrderEvent)
        .where(OrderEvent.order_id == order_id, OrderEvent.kind == "short_requested")
        .order_by(col(OrderEvent.seq).desc()),
    )
    return event.reason if event else ""


# The dock's events share the station's one sequence with the bench's.
HANDOFF_TABLES = (HandoffLoad, HandoffScan, HandoffClose)


def next_seq(session: Session, station: str) -> int:
    """One past the highest sequence number this station has written anywhere."""
    highest = 0
    for table in (ScanEvent, OrderEvent, Parcel, PrintJob, PrintAttempt, *HANDOFF_TABLES):
        value = session.exec(select(func.max(table.seq)).where(table.station == station)).one()
        highest = max(highest, int(value or 0))
    return highest + 1


def parcel_count(session: Session, order_id: uuid.UUID) -> int:
    return int(
        session.exec(
            select(func.count()).select_from(Parcel).where(Parcel.order_id == order_id)
        ).one()
    )


def last_label_job(session: Session, station: str) -> PrintJob | None:
    """The newest label this station stored (an original or a reprint).

    Bulk reprints (station.bulk_print) do not count: "the last label" is the
    last one of the bench, not the last of a pile printed for the back office.
    Packing slips are documents, not labels.
    """
    return first(
        session,
        select(PrintJob)
        .where(PrintJob.station == station, col(PrintJob.kind).not_in(["bulk", "slip"]))
        .order_by(col(PrintJob.seq).desc()),
    )


def label_job_of(session: Session, tracking: str) -> PrintJob | None:
    """The newest label job of the parcel with this tracking number."""
    return first(
        session,
        select(PrintJob)
        .join(Parcel, col(Parcel.id) == col(PrintJob.parcel_id))
        .where(Parcel.tracking == tracking)
        .order_by(col(PrintJob.seq).desc()),
    )


def has_supplied_label(session: Session, order_id: uuid.UUID) -> bool:
    found = first(
        session, select(OrderLabelDocument.id).where(OrderLabelDocument.order_id == order_id)
    )
    return found is not None


def supplied_label(session: Session, order_number: str) -> SuppliedLabel | None:
    """The courier's own label document imported with the order, if it brought one."""
    row = first(
        session,
        select(OrderLabelDocument)
        .join(Order, col(Order.id) == col(OrderLabelDocument.order_id))
        .where(Order.number == order_number),
    )
    return SuppliedLabel(SuppliedFormat(row.format), row.data) if row else None


def last_sealed_order(session: Session, station: str) -> Order | None:
    """The order of this station's newest label (bulk reprints do not count, as above)."""
    order_id = first(
        session,
        select(Parcel.order_id)
        .join(PrintJob, col(PrintJob.parcel_id) == col(Parcel.id))
        .where(PrintJob.station == station, PrintJob.kind != "bulk")
        .order_by(col(PrintJob.seq).desc()),
    )
    return session.get(Order, order_id) if order_id else None
