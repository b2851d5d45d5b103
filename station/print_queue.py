"""Delivers stored print jobs on their own thread, in order, retrying with backoff.

A job reaches this queue only after it is committed, so the packer's verdict
never waits for a printer, and a job the printer refuses is kept and tried
again until it is delivered. A delivered job is recorded at once, so no retry
or restart ever prints it twice.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import insert

from station import queries
from station.labels import LabelContent
from station.models import PrintAttempt, PrintJob, new_id, utc_now
from station.ports import (
    DocumentPrinter,
    LabelPrinter,
    PermanentPrintError,
    PrintError,
    PrintResult,
)
from station.slips import SlipContent
from station.store import Store

log = logging.getLogger(__name__)
BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)


@dataclass(frozen=True)
class LabelOutcome:
    job_id: str
    tracking: str  # for a packing slip: its order number
    location: str | None
    error: str | None = None
    # True when retrying cannot help: the job was set aside, not queued again.
    set_aside: bool = False
    kind: str = "label"  # "label" (any label job) or "slip" (a packing slip)


@dataclass(frozen=True)
class _Queued:
    job_id: str
    tracking: str
    kind: str
    send: Callable[[], PrintResult]


Listener = Callable[[LabelOutcome], None]


class SeqCounter:
    """The station's event sequence, shared by the session and the print thread."""

    def __init__(self, first: int) -> None:
        self._next = first
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            value = self._next
            self._next += 1
            return value


class PrintQueue:
    """Labels go to the label printer, packing slips to the document printer, in order."""

    def __init__(
        self,
        store: Store,
        printer: LabelPrinter,
        station: str,
        seq: SeqCounter,
        documents: DocumentPrinter | None = None,
    ):
        self._store = store
        self._printer = printer
        self._documents = documents
        self._station = station
        self._seq = seq
        self._pending: list[_Queued] = []
        self._outcomes: dict[str, LabelOutcome] = {}
        self._listeners: list[Listener] = []
        self._changed = threading.Condition()
        self._stopping = False
        self._failures = 0
        self._thread = threading.Thread(target=self._loop, name="print-queue", daemon=True)
        self._thread.start()

    def subscribe(self, listener: Listener) -> None:
        """Called on the print thread after every attempt."""
        self._listeners.append(listener)

    def submit(self, job_id: uuid.UUID, label: LabelContent) -> None:
        key = str(job_id)
        self._queue(
            _Queued(key, label.tracking, "label", lambda: self._printer.print_label(key, label))
        )

    def submit_slip(self, job_id: uuid.UUID, slip: SlipContent) -> None:
        key = str(job_id)
        self._queue(_Queued(key, slip.order_number, "slip", lambda: self._print_slip(key, slip)))

    def submit_stored(self, job: PrintJob) -> None:
        """Queue a stored job of any kind."""
        if job.kind == "slip":
            self.submit_slip(job.id, SlipContent.from_json(job.content_json))
            return
        label = LabelContent.from_json(job.content_json)
        if job.kind != "supplied":
            self.submit(job.id, label)
            return
        key = str(job.id)
        # The courier's document (up to a few MB) is read on the print thread,
        # not on the scan path that stored the job.
        self._queue(_Queued(key, label.tracking, "label", lambda: self._print_supplied(key, label)))

    def _print_supplied(self, job_id: str, label: LabelContent) -> PrintResult:
        with self._store.session() as db:
            supplied = queries.supplied_label(db, label.order_number)
        if supplied is None:  # removed by a re-import since: our own label stands in
            return self._printer.print_label(job_id, label)
        return self._printer.print_supplied(job_id, supplied)

    def resume_stored(self) -> int:
        """Queue every stored job that was never delivered (after a restart)."""
        with self._store.session() as db:
            jobs: list[PrintJob] = queries.undelivered_jobs(db, self._station)
        for job in jobs:
            self.submit_stored(job)
        return len(jobs)

    def _queue(self, queued: _Queued) -> None:
        with self._changed:
            self._pending.append(queued)
            self._changed.notify_all()

    def _print_slip(self, job_id: str, slip: SlipContent) -> PrintResult:
        if self._documents is None:
            raise PermanentPrintError("No document printer is set up for packing slips.")
        return self._documents.print_slip(job_id, slip)

    def wait(self, job_id: str, timeout: float) -> LabelOutcome | None:
        """The first attempt's outcome for a job, waiting up to `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: job_id in self._outcomes, timeout)
            return self._outcomes.get(job_id)

    def idle(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending, timeout)

    def close(self) -> None:
        """Stop after the job in hand; undelivered jobs stay stored for the next start."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._pending or self._stopping)
                if self._stopping:
                    return
                queued = self._pending[0]
            job_id = queued.job_id
            try:
                outcome = attempt_label(
                    self._store, self._station, self._seq, job_id, queued.tracking, queued.send
                )
            except Exception as exc:  # the store refused the record: keep the thread alive
                log.exception("print job %s: outcome not recorded", job_id)
                outcome = LabelOutcome(job_id, queued.tracking, None, f"not recorded: {exc}")
            outcome = replace(outcome, kind=queued.kind)
            with self._changed:
                self._outcomes[job_id] = outcome
                if outcome.location is not None or outcome.set_aside:
                    self._pending.pop(0)
                    self._failures = 0
                self._changed.notify_all()
            for listener in self._listeners:
                listener(outcome)
            if outcome.location is None and not outcome.set_aside:
                self._back_off()

    def _back_off(self) -> None:
        delay = BACKOFF_S[min(self._failures, len(BACKOFF_S) - 1)]
        self._failures += 1
        with self._changed:
            self._changed.wait_for(lambda: self._stopping, delay)


def attempt_label(
    store: Store,
    station: str,
    seq: SeqCounter,
    job_id: str,
    tracking: str,
    send: Callable[[], PrintResult],
) -> LabelOutcome:
    """Send one stored label with `send`, record the attempt, then return its outcome.

    The queue and bulk runs (station.bulk_print) both send this way, so a label
    counts as delivered, refused for now (failed) or refused for good (rejected)
    by the same rules wherever it was sent from.
    """
    try:
        result = send()
    except PermanentPrintError as exc:
        log.error("label job %s cannot print: %s", job_id, exc)
        record_attempt(store, station, seq, job_id, "rejected", detail=str(exc))
        return LabelOutcome(job_id, tracking, None, str(exc), set_aside=True)
    except PrintError as exc:
        log.warning("label job %s not delivered: %s", job_id, exc)
        record_attempt(store, station, seq, job_id, "failed", detail=str(exc))
        return LabelOutcome(job_id, tracking, None, str(exc))
    except Exception as exc:  # a printer bug must not kill the queue
        log.exception("label job %s: printer failed unexpectedly", job_id)
        record_attempt(store, station, seq, job_id, "failed", detail=repr(exc))
        return LabelOutcome(job_id, tracking, None, f"printer error: {exc!r}")
    record_attempt(store, station, seq, job_id, "delivered", location=result.location)
    return LabelOutcome(job_id, tracking, result.location)


def record_attempt(
    store: Store,
    station: str,
    seq: SeqCounter,
    job_id: str,
    status: str,
    *,
    location: str = "",
    detail: str = "",
) -> None:
    """Commit one attempt (delivered, failed, rejected or cancelled) of a job."""
    # If this write fails the job stays "undelivered" and a restart resends
    # it: the file printer replaces its own file, so nothing prints twice.
    with store.write_lock, store.session() as db:
        # A Core insert: a bulk run records one attempt per label, and building
        # a validated model object costs more CPU than the insert itself.
        db.execute(
            insert(PrintAttempt),
            [
                {
                    "id": new_id(),
                    "station": station,
                    "seq": seq(),
                    "job_id": uuid.UUID(job_id),
                    "status": status,
                    "location": location,
                    "detail": detail,
                    "created_at": utc_now(),
                }
            ],
        )
        db.commit()
