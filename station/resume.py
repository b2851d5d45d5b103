"""What the pack screen showed when the station stopped, read back at a start.

The state (packer, order, counts, what the station waits for) comes back from
the store by itself; this is the rest of the picture the packer saw: the last
verdict with its words (for a scan refused while an error waited, that error
and then the refusal), the line the last counted scan was on, and the
station's last label. A few indexed reads, newest first, whatever the age of
the station.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from sqlmodel import Session, col, select

from station.models import Order, OrderLine, PrintAttempt, PrintJob, Product, ScanEvent
from station.verdicts import Verdict, VerdictKind

# Never what the screen showed: a double read leaves the verdict before it on screen.
_NOT_SHOWN = (VerdictKind.DUPLICATE_READ.value,)
# A scan refused while an error waited is shown under that error.
_UNDER_THE_ERROR = (VerdictKind.NEEDS_ACKNOWLEDGEMENT.value, *_NOT_SHOWN)
# Verdicts that seal a parcel: their label's job is part of what was shown.
_SEALING = frozenset(
    {
        VerdictKind.ORDER_COMPLETE,
        VerdictKind.OVERRIDE,
        VerdictKind.WEIGHT_OK,
        VerdictKind.WEIGHT_MISMATCH,
    }
)


@dataclass(frozen=True)
class ScreenAtStop:
    """What the pack screen showed after the station's last stored input.

    Attributes:
        verdicts: the verdicts to show again, in order (an error, then a scan it refused).
        active_sku: the SKU of the line the last counted scan of the open order was on.
        label_job: the station's last label (print job id), for the label panel.
        labels: how many labels came with the sealing verdict (several boxes).
    """

    verdicts: tuple[Verdict, ...] = ()
    active_sku: str | None = None
    label_job: str | None = None
    labels: int = 1


def screen_at_stop(db: Session, station: str) -> ScreenAtStop:
    """Read back what the station's screen showed after its last stored input."""
    last = _last_event(db, station, _NOT_SHOWN)
    if last is None:
        return ScreenAtStop()
    events = [last]
    if last.verdict == VerdictKind.NEEDS_ACKNOWLEDGEMENT:
        error = _last_event(db, station, _UNDER_THE_ERROR)
        if error is not None:
            events.insert(0, error)
    verdicts = [_verdict(db, event) for event in events]
    job = _last_label_job(db, station)
    labels = 1
    first = events[0]
    if job is not None and verdicts[0].kind in _SEALING and job.seq > first.seq:
        labels = _labels_since(db, station, first.seq)
        verdicts[0] = replace(verdicts[0], job_id=str(job.id), label=_delivered_to(db, job.id))
    return ScreenAtStop(
        verdicts=tuple(verdicts),
        active_sku=_last_counted_sku(db, station, last.order_id),
        label_job=None if job is None else str(job.id),
        labels=labels,
    )


def _last_event(db: Session, station: str, skipped: tuple[str, ...]) -> ScanEvent | None:
    query = (
        select(ScanEvent)
        .where(ScanEvent.station == station, col(ScanEvent.verdict).not_in(skipped))
        .order_by(col(ScanEvent.seq).desc())
        .limit(1)
    )
    return db.exec(query).first()


def _verdict(db: Session, event: ScanEvent) -> Verdict:
    order = db.get(Order, event.order_id) if event.order_id else None
    product = db.get(Product, event.product_id) if event.product_id else None
    return Verdict(
        kind=VerdictKind(event.verdict),
        scan=event.raw,
        message=event.message,
        order=order.number if order else None,
        sku=product.sku if product else None,
    )


def _last_counted_sku(db: Session, station: str, order_id: uuid.UUID | None) -> str | None:
    if order_id is None:
        return None
    query = (
        select(ScanEvent.line_id)
        .where(
            ScanEvent.station == station,
            ScanEvent.order_id == order_id,
            col(ScanEvent.line_id).is_not(None),
        )
        .order_by(col(ScanEvent.seq).desc())
        .limit(1)
    )
    line_id = db.exec(query).first()
    line = db.get(OrderLine, line_id) if line_id else None
    return line.sku if line else None


def _last_label_job(db: Session, station: str) -> PrintJob | None:
    query = (
        select(PrintJob)
        .where(PrintJob.station == station, PrintJob.kind != "slip")
        .order_by(col(PrintJob.seq).desc())
        .limit(1)
    )
    return db.exec(query).first()


def _labels_since(db: Session, station: str, seq: int) -> int:
    query = select(PrintJob.id).where(
        PrintJob.station == station, PrintJob.kind != "slip", PrintJob.seq > seq
    )
    return max(1, len(db.exec(query).all()))


def _delivered_to(db: Session, job_id: uuid.UUID) -> str | None:
    query = (
        select(PrintAttempt.location)
        .where(PrintAttempt.job_id == job_id, PrintAttempt.status == "delivered")
        .limit(1)
    )
    return db.exec(query).first()
