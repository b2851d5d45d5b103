"""Parcels and their labels: stored as a print job first, then sent to the printer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from station import queries
from station.labels import Address, LabelContent
from station.models import Order, Packer, Parcel, PrintAttempt, PrintJob
from station.ports import LabelPrinter, PrintError
from station.settings import Sender
from station.store import Store
from station.verify import LineCount

log = logging.getLogger(__name__)
SeqSource = Callable[[], int]


@dataclass(frozen=True)
class SealedParcel:
    parcel: Parcel
    job: PrintJob
    label: LabelContent


@dataclass(frozen=True)
class LabelOutcome:
    tracking: str
    location: str | None
    error: str | None = None


def station_tracking(parcel: Parcel) -> str:
    """A tracking number for orders that bring none: unique by construction.

    Courier number ranges replace this; until then the parcel's own UUID
    guarantees no two parcels anywhere share a number, even across a crash.
    """
    return "PS" + parcel.id.hex[:14].upper()


class LabelService:
    def __init__(self, store: Store, printer: LabelPrinter, station: str, sender: Sender):
        self._store = store
        self._printer = printer
        self._station = station
        self._sender = Address(
            sender.name, sender.street, sender.city, sender.postcode, sender.country
        )

    def store_parcel(
        self,
        db: Session,
        order: Order,
        packer: Packer | None,
        lines: tuple[LineCount, ...],
        short: bool,
        take_seq: SeqSource,
    ) -> SealedParcel:
        """Add the parcel and its print job to the caller's transaction."""
        parcel_no = queries.parcel_count(db, order.id) + 1
        parcel = Parcel(
            station=self._station, seq=take_seq(), order_id=order.id,
            packer_id=packer.id if packer else None, parcel_no=parcel_no,
            parcel_count=parcel_no, tracking="", courier=order.courier,
            service=order.service, short=short,
        )
        parcel.tracking = order.tracking or station_tracking(parcel)
        label = LabelContent(
            sender=self._sender,
            ship_to=Address(
                order.ship_to_name, order.ship_to_street, order.ship_to_city,
                order.ship_to_postcode, order.ship_to_country, order.ship_to_phone,
            ),
            order_number=order.number,
            courier=order.courier,
            service=order.service,
            tracking=parcel.tracking,
            parcel_no=parcel.parcel_no,
            parcel_count=parcel.parcel_count,
        )
        job = PrintJob(
            station=self._station, seq=take_seq(), parcel_id=parcel.id,
            content_json=label.to_json(),
        )
        db.add(parcel)
        db.add(job)
        return SealedParcel(parcel, job, label)

    def deliver(self, sealed: SealedParcel, take_seq: SeqSource) -> LabelOutcome:
        return self._send(sealed.job, sealed.label, take_seq)

    def retry_pending(self, take_seq: SeqSource) -> list[str]:
        with self._store.session() as db:
            jobs = queries.undelivered_jobs(db, self._station)
        delivered = []
        for job in jobs:
            outcome = self._send(job, LabelContent.from_json(job.content_json), take_seq)
            if outcome.location:
                delivered.append(outcome.location)
        return delivered

    def _send(self, job: PrintJob, label: LabelContent, take_seq: SeqSource) -> LabelOutcome:
        try:
            result = self._printer.print_label(str(job.id), label)
        except PrintError as exc:
            log.warning("label job %s not delivered: %s", job.id, exc)
            self._record(job, take_seq(), "failed", "", str(exc))
            return LabelOutcome(
                label.tracking, None, f"LABEL NOT PRINTED: {exc} It is kept and will print again."
            )
        self._record(job, take_seq(), "delivered", result.location, "")
        return LabelOutcome(label.tracking, result.location)

    def _record(self, job: PrintJob, seq: int, status: str, location: str, detail: str) -> None:
        with self._store.session() as db:
            db.add(
                PrintAttempt(
                    station=self._station, seq=seq, job_id=job.id, status=status,
                    location=location, detail=detail,
                )
            )
            db.commit()
