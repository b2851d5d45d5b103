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
from dataclasses import dataclass

from station import queries
from station.labels import LabelContent
from station.models import PrintAttempt, PrintJob
from station.ports import LabelPrinter, PermanentPrintError, PrintError, PrintResult
from station.store import Store

log = logging.getLogger(__name__)
BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)


@dataclass(frozen=True)
class LabelOutcome:
    job_id: str
    tracking: str
    location: str | None
    error: str | None = None
    # True when retrying cannot help: the job was set aside, not queued again.
    set_aside: bool = False


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
    def __init__(self, store: Store, printer: LabelPrinter, station: str, seq: SeqCounter):
        self._store = store
        self._printer = printer
        self._station = station
        self._seq = seq
        self._pending: list[tuple[str, LabelContent]] = []
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
        with self._changed:
            self._pending.append((str(job_id), label))
            self._changed.notify_all()

    def resume_stored(self) -> int:
        """Queue every stored job that was never delivered (after a restart)."""
        with self._store.session() as db:
            jobs: list[PrintJob] = queries.undelivered_jobs(db, self._station)
        for job in jobs:
            self.submit(job.id, LabelContent.from_json(job.content_json))
        return len(jobs)

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
                job_id, label = self._pending[0]
            try:
                outcome = self._send(job_id, label)
            except Exception as exc:  # the store refused the record: keep the thread alive
                log.exception("label job %s: outcome not recorded", job_id)
                outcome = LabelOutcome(job_id, label.tracking, None, f"not recorded: {exc}")
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

    def _send(self, job_id: str, label: LabelContent) -> LabelOutcome:
        return attempt_label(
            self._store,
            self._station,
            self._seq,
            job_id,
            label.tracking,
            lambda: self._printer.print_label(job_id, label),
        )


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
        db.add(
            PrintAttempt(
                station=station,
                seq=seq(),
                job_id=uuid.UUID(job_id),
                status=status,
                location=location,
                detail=detail,
            )
        )
        db.commit()
