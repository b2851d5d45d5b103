"""Bulk printing: the labels of many sealed parcels again, in one run, with progress and cancel.

Who asked and why is stored first, in one transaction with a new print job
(kind "bulk") per parcel, carrying the parcel's current label (its newest
label job: the original, or the replacement of a voided one); then the
labels go to the printer one by one on the caller's thread. As with Reprint,
a parcel sealed with the courier's own label document gets our label.

What a run guarantees:
- Each label is marked "sending" before its bytes go out and its outcome is
  committed before the next label is sent, by the same rules as the print
  queue (station.print_attempt.attempt_label). A crash mid-run leaves at most
  the label in flight "sending": the next start asks the printer (or the
  packer) whether it printed, and never sends it again blindly.
- Cancel is checked between labels: the label in hand finishes, the rest get
  a "cancelled" attempt, which a restart's print queue does not resend.
- A label the printer can never print (PermanentPrintError) is recorded as
  rejected and the run goes on.
- A printer that cannot take labels now (PrintError) stops the run: that
  label and the rest are marked cancelled, with the error, and the summary
  names their parcels so they can be printed again once the printer is
  fixed. They are not left queued: the station's print queue would only
  print them at its next start, hours later, among the bench's own labels.
- If the process is killed mid-run, the jobs not sent yet were never
  cancelled: like any stored label, they print at the next start.

Speed: rendering is most of a label's time. A printer that can render apart
from sending (RendersAhead) gets the next labels rendered in the background
while the current one is sent and recorded; nothing is ever sent ahead.
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Protocol, runtime_checkable

from sqlalchemy import insert
from sqlmodel import Session, col, select

from station.errors import UserError
from station.event_sequence import SeqCounter
from station.labels import LabelContent
from station.models import (
    Order,
    OrderEvent,
    Packer,
    Parcel,
    PrintAttempt,
    PrintJob,
    new_id,
    utc_now,
)
from station.ports import LabelPrinter, PrintResult
from station.print_attempt import attempt_label
from station.print_outcomes import LabelOutcome
from station.store import Store
from station.supervisor_auth import SUPERVISOR_ROLES

BULK_KIND = "bulk"
BULK_EVENT = "label_bulk_printed"
CANCELLED = "cancelled"
# The jobs a seal stores: our own label, or the courier's supplied one.
SEAL_KINDS = ("label", "supplied")
# Labels rendered ahead of the one being sent: enough to keep two render
# processes busy, few enough that a cancel throws little work away.
RENDER_AHEAD = 4
RENDER_THREADS = 2
_IN_CHUNK = 500  # ids per IN (...) clause, well under SQLite's parameter limit

Progress = Callable[[int, int, str | None], None]  # done, total, last error


@runtime_checkable
class RendersAhead(Protocol):
    """A label printer that can make a label's bytes apart from sending them."""

    def render_label(self, label: LabelContent) -> bytes:
        """The label as the printer takes it; raises PermanentPrintError if it cannot be made."""
        ...

    def send_rendered(self, job_id: str, label: LabelContent, data: bytes) -> PrintResult:
        """Deliver bytes from render_label, as print_label would have."""
        ...


@dataclass(frozen=True)
class Wave:
    """The parcels sealed at `station` from `since` up to `until`, of `orders` if any given.

    A parcel is sealed when its label job is stored (the moment its order is
    sealed); times are timezone-aware.
    """

    station: str
    since: datetime
    until: datetime
    orders: tuple[str, ...] = ()

    @classmethod
    def today(cls, station: str, now: datetime | None = None) -> Wave:
        """Since local midnight, up to the next one."""
        day = (now or datetime.now(UTC)).astimezone().date()
        # Naive local midnights made aware one by one: a day with a clock change
        # has a different offset at each end.
        start = datetime.combine(day, time()).astimezone()
        end = datetime.combine(day + timedelta(days=1), time()).astimezone()
        return cls(station, start, end)


@dataclass(frozen=True)
class SealedParcel:
    """A parcel whose label can be printed again: one row of a bulk print list."""

    parcel_id: uuid.UUID
    order_number: str
    tracking: str
    courier: str
    parcel_no: int
    parcel_count: int
    sealed_at: datetime  # UTC


@dataclass(frozen=True)
class BulkJob:
    job_id: uuid.UUID
    parcel_id: uuid.UUID
    label: LabelContent


@dataclass(frozen=True)
class BulkRun:
    """The stored jobs of one bulk print, in the order their parcels were sealed."""

    run_id: uuid.UUID
    jobs: tuple[BulkJob, ...]


@dataclass(frozen=True)
class BulkSummary:
    total: int
    delivered: int
    rejected: int
    cancelled: int
    first_error: str | None
    stopped_by: str | None  # the printer error that stopped the run (None: finished or cancelled)
    not_printed: tuple[uuid.UUID, ...]  # parcels rejected or cancelled, in run order


@dataclass
class _Tally:
    delivered: int = 0
    rejected: int = 0
    asked: int = 0
    first_error: str | None = None
    stopped_by: str | None = None
    not_printed: list[uuid.UUID] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.delivered + self.rejected + self.asked

    def add(self, job: BulkJob, outcome: LabelOutcome) -> None:
        if outcome.error is not None and self.first_error is None:
            self.first_error = outcome.error
        if outcome.location is not None:
            self.delivered += 1
        elif outcome.in_doubt:  # the packer is asked about it: stop, but never cancel it
            self.asked += 1
            self.stopped_by = outcome.error
        elif outcome.set_aside:
            self.rejected += 1
            self.not_printed.append(job.parcel_id)
        else:
            self.stopped_by = outcome.error


class BulkPrinter:
    """Bulk runs of one station, on its store, label printer and event sequence."""

    def __init__(self, store: Store, printer: LabelPrinter, station: str, seq: SeqCounter):
        self._store = store
        self._printer = printer
        self._station = station
        self._seq = seq

    @property
    def station(self) -> str:
        return self._station

    def sealed(self, wave: Wave) -> list[SealedParcel]:
        """The parcels of `wave`, in the order they were sealed."""
        with self._store.session() as db:
            return sealed_parcels(db, wave)

    def print_parcels(
        self,
        parcel_ids: Sequence[uuid.UUID],
        requested_by: uuid.UUID | None,
        reason: str,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> BulkSummary:
        """store_run, then deliver: the whole bulk print, on the caller's thread."""
        run = self.store_run(parcel_ids, requested_by, reason)
        return self.deliver(run, progress, cancel)

    def store_run(
        self, parcel_ids: Sequence[uuid.UUID], requested_by: uuid.UUID | None, reason: str
    ) -> BulkRun:
        """Store one job per parcel and who asked and why, in one transaction.

        `requested_by` is the supervisor (or admin) who unlocked the bulk print at
        station.supervisor_auth. Raises UserError, storing nothing, without a
        reason, a supervisor or a parcel, or when a parcel has no label to print again.
        """
        if not reason.strip():
            raise UserError("A bulk print needs a reason (e.g. labels lost, printer jammed).")
        if requested_by is None:
            raise UserError("A supervisor's badge (and PIN) unlocks printing labels in bulk.")
        if not parcel_ids:
            raise UserError("Choose at least one parcel whose label should print.")
        run_id = uuid.uuid4()
        with self._store.write_lock, self._store.session() as db:
            asker = db.get(Packer, requested_by)
            if asker is None or asker.role not in SUPERVISOR_ROLES:
                # A packer's id never prints in bulk, whoever passes it.
                raise UserError("A supervisor's badge (and PIN) unlocks printing labels in bulk.")
            current = _current_labels(db, parcel_ids)
            jobs = self._add_jobs(db, run_id, current, requested_by, reason.strip())
            db.commit()
        return BulkRun(run_id, tuple(jobs))

    def deliver(
        self,
        run: BulkRun,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> BulkSummary:
        """Send the run's labels one by one; see the module's docstring for what is kept."""
        tally = _Tally()
        total = len(run.jobs)
        if progress is not None:
            progress(0, total, None)
        with self._sender(run) as send:
            for index, job in enumerate(run.jobs):
                if cancel is not None and cancel.is_set():
                    break
                outcome = attempt_label(
                    self._store,
                    self._station,
                    self._seq,
                    str(job.job_id),
                    job.label.tracking,
                    functools.partial(send, index, job),
                    self._printer,  # its checkpoint goes with "sending"
                )
                tally.add(job, outcome)
                if progress is not None:
                    progress(tally.done, total, outcome.error)
                if tally.stopped_by is not None:
                    break
        rest = run.jobs[tally.done :]
        if rest:
            why = (
                f"bulk run stopped: {tally.stopped_by}"
                if tally.stopped_by
                else "bulk run cancelled"
            )
            self._cancel(rest, why)
        return BulkSummary(
            total=total,
            delivered=tally.delivered,
            rejected=tally.rejected,
            cancelled=len(rest),
            first_error=tally.first_error,
            stopped_by=tally.stopped_by,
            not_printed=(*tally.not_printed, *(job.parcel_id for job in rest)),
        )

    def _add_jobs(
        self,
        db: Session,
        run_id: uuid.UUID,
        current: Sequence[_Current],
        packer: uuid.UUID,
        reason: str,
    ) -> list[BulkJob]:
        """One job and one event (who, why, which run) per parcel, not committed."""
        # Core inserts: a run of a thousand parcels would spend seconds building
        # validated model objects and flushing them one by one.
        now = utc_now()
        jobs: list[BulkJob] = []
        job_rows: list[dict[str, object]] = []
        event_rows: list[dict[str, object]] = []
        for parcel in current:
            job_id = new_id()
            job_rows.append(
                {
                    "id": job_id,
                    "station": self._station,
                    "seq": self._seq(),
                    "parcel_id": parcel.parcel_id,
                    "kind": BULK_KIND,
                    "content_json": parcel.content_json,
                    "created_at": now,
                }
            )
            event_rows.append(
                {
                    "id": new_id(),
                    "station": self._station,
                    "seq": self._seq(),
                    "order_id": parcel.order_id,
                    "packer_id": packer,
                    "kind": BULK_EVENT,
                    "reason": reason,
                    "note": f"bulk run {run_id}: job {job_id}, reprint of job {parcel.job_id}",
                    "created_at": now,
                }
            )
            label = LabelContent.from_json(parcel.content_json)
            jobs.append(BulkJob(job_id, parcel.parcel_id, label))
        db.execute(insert(PrintJob), job_rows)
        db.execute(insert(OrderEvent), event_rows)
        return jobs

    @contextmanager
    def _sender(self, run: BulkRun) -> Iterator[Callable[[int, BulkJob], PrintResult]]:
        printer = self._printer
        if not isinstance(printer, RendersAhead):
            yield lambda _index, job: printer.print_label(str(job.job_id), job.label)
            return
        ahead = _RenderAhead(printer, run.jobs)
        try:
            yield ahead.send
        finally:
            ahead.close()

    def _cancel(self, jobs: Sequence[BulkJob], why: str) -> None:
        now = utc_now()
        rows = [
            {
                "id": new_id(),
                "station": self._station,
                "seq": self._seq(),
                "job_id": job.job_id,
                "status": CANCELLED,
                "location": "",
                "detail": why,
                "created_at": now,
            }
            for job in jobs
        ]
        with self._store.write_lock, self._store.session() as db:
            db.execute(insert(PrintAttempt), rows)
            db.commit()


class _RenderAhead:
    """Labels rendered on background threads ahead of time, sent strictly in order."""

    def __init__(self, printer: RendersAhead, jobs: Sequence[BulkJob]) -> None:
        self._printer = printer
        self._jobs = jobs
        self._pool = ThreadPoolExecutor(RENDER_THREADS, thread_name_prefix="bulk-render")
        self._rendered: dict[int, Future[bytes]] = {}
        self._queued = 0

    def send(self, index: int, job: BulkJob) -> PrintResult:
        """Send job `index`; its render's PermanentPrintError comes out of here."""
        while self._queued < min(index + 1 + RENDER_AHEAD, len(self._jobs)):
            label = self._jobs[self._queued].label
            self._rendered[self._queued] = self._pool.submit(self._printer.render_label, label)
            self._queued += 1
        data = self._rendered.pop(index).result()
        return self._printer.send_rendered(str(job.job_id), job.label, data)

    def close(self) -> None:
        # Renders not started are dropped; the at most RENDER_THREADS running finish here.
        self._pool.shutdown(wait=True, cancel_futures=True)


def sealed_parcels(db: Session, wave: Wave) -> list[SealedParcel]:
    """The parcels of `wave`, in the order they were sealed."""
    query = (
        select(Parcel, Order.number, PrintJob.created_at)
        .join(PrintJob, col(PrintJob.parcel_id) == col(Parcel.id))
        .join(Order, col(Order.id) == col(Parcel.order_id))
        .where(
            col(PrintJob.kind).in_(SEAL_KINDS),
            PrintJob.station == wave.station,
            col(PrintJob.created_at) >= wave.since,
            col(PrintJob.created_at) < wave.until,
        )
        .order_by(col(PrintJob.created_at), col(PrintJob.seq))
    )
    if wave.orders:
        query = query.where(col(Order.number).in_(list(wave.orders)))
    found: dict[uuid.UUID, SealedParcel] = {}
    for parcel, number, sealed_at in db.exec(query).all():
        found.setdefault(
            parcel.id,
            SealedParcel(
                parcel_id=parcel.id,
                order_number=number,
                tracking=parcel.tracking,
                courier=parcel.courier,
                parcel_no=parcel.parcel_no,
                parcel_count=parcel.parcel_count,
                sealed_at=sealed_at,
            ),
        )
    return list(found.values())


@dataclass(frozen=True)
class _Current:
    """A parcel's label as it is now (after any void), and where it sorts."""

    parcel_id: uuid.UUID
    order_id: uuid.UUID
    job_id: uuid.UUID
    content_json: str
    sealed: tuple[datetime, int]


def _current_labels(db: Session, parcel_ids: Sequence[uuid.UUID]) -> list[_Current]:
    """Each parcel's newest label job, in sealing order; UserError if one has none.

    The newest, not the first: a voided label's parcel has a new tracking
    number, which only its replacement job carries.
    """
    wanted = list(dict.fromkeys(parcel_ids))
    found: dict[uuid.UUID, _Current] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        rows = db.exec(
            select(PrintJob, Parcel.order_id)
            .join(Parcel, col(Parcel.id) == col(PrintJob.parcel_id))
            .where(col(PrintJob.parcel_id).in_(wanted[start : start + _IN_CHUNK]))
            .order_by(col(PrintJob.created_at), col(PrintJob.seq))
        ).all()
        for job, order_id in rows:
            parcel_id = job.parcel_id
            assert parcel_id is not None  # joined on it
            first = found.get(parcel_id)
            sealed = first.sealed if first else (job.created_at, job.seq)
            found[parcel_id] = _Current(parcel_id, order_id, job.id, job.content_json, sealed)
    missing = [str(parcel_id) for parcel_id in wanted if parcel_id not in found]
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise UserError(
            f"Chosen parcels with no label to print again (not sealed, or not in this "
            f"station's records): {shown}. Refresh the list and choose again."
        )
    return sorted(found.values(), key=lambda current: current.sealed)
