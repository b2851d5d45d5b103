"""Delivers stored print jobs on their own thread, in order, retrying with backoff.

A job reaches this queue only after it is committed, so the packer's verdict
never waits for a printer. Each attempt is honest (see station.print_jobs):

- "sending" is committed before the job's bytes go out, with the printer's
  checkpoint (its label counter) where it has one;
- "delivered" is committed as soon as the printer has taken the job, and a
  transport error at any point is "failed": the job is tried again;
- a job a crash left "sending" is never sent again blindly. The printer is
  asked first (ChecksPrinted); if it cannot tell, the job is "in doubt" and
  the packer is asked "Did label N print?": Printed, or Reprint.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from station import queries
from station.errors import UserError
from station.event_sequence import SeqCounter
from station.labels import LabelContent
from station.models import PrintJob
from station.ports import (
    ChecksPrinted,
    DocumentPrinter,
    LabelPrinter,
    PermanentPrintError,
    PrintResult,
    Recheck,
)
from station.print_attempt import OutcomeNotRecorded, attempt_label
from station.print_jobs import (
    JobStatus,
    job_status,
    jobs_in_doubt,
    jobs_sending,
    jobs_to_send,
    record_attempt,
)
from station.print_outcomes import LabelOutcome, LabelQuestion, doubt_of, question_of
from station.slips import SlipContent
from station.store import Store

log = logging.getLogger(__name__)
BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)
CONFIRMED_LOCATION = "confirmed by the packer"
RECHECKED_LOCATION = "printed before the restart (the printer counted it)"


@dataclass(frozen=True)
class _Queued:
    job_id: str
    tracking: str
    kind: str
    send: Callable[[], PrintResult]
    printer: object  # the printer `send` prints on, for its checkpoint
    # Set when a crash left the job "sending": the printer is asked first.
    recheck: str | None = None


Listener = Callable[[LabelOutcome], None]


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
        # One answer at a time: a key and a command barcode at once must not
        # record both "printed" and "reprint" for the same label.
        self._answering = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="print-queue", daemon=True)
        self._thread.start()

    def subscribe(self, listener: Listener) -> None:
        """Called on the print thread after every attempt.

        A new listener first hears of every job already in doubt (from an
        earlier start too), so no question is missed; it may hear one twice.
        """
        self._listeners.append(listener)
        for question in self.questions(wait_s=0):
            listener(doubt_of(question))

    def submit(self, job_id: uuid.UUID, label: LabelContent) -> None:
        key = str(job_id)
        self._queue(self._label(key, label))

    def submit_slip(self, job_id: uuid.UUID, slip: SlipContent) -> None:
        self._queue(self._slip(str(job_id), slip))

    def submit_stored(self, job: PrintJob) -> None:
        """Queue a stored job of any kind."""
        self._queue(self._queued(job))

    def _queued(self, job: PrintJob, recheck: str | None = None) -> _Queued:
        key = str(job.id)
        if job.kind == "slip":
            queued = self._slip(key, SlipContent.from_json(job.content_json))
        else:
            label = LabelContent.from_json(job.content_json)
            queued = self._label(key, label)
            if job.kind == "supplied":
                # The courier's document (up to a few MB) is read on the print
                # thread, not on the scan path that stored the job.
                queued = replace(queued, send=lambda: self._print_supplied(key, label))
        return replace(queued, recheck=recheck)

    def _label(self, key: str, label: LabelContent) -> _Queued:
        printer = self._printer
        return _Queued(
            key, label.tracking, "label", lambda: printer.print_label(key, label), printer
        )

    def _slip(self, key: str, slip: SlipContent) -> _Queued:
        return _Queued(
            key, slip.order_number, "slip", lambda: self._print_slip(key, slip), self._documents
        )

    def _print_supplied(self, job_id: str, label: LabelContent) -> PrintResult:
        with self._store.session() as db:
            supplied = queries.supplied_label(db, label.order_number)
        if supplied is None:  # removed by a re-import since: our own label stands in
            return self._printer.print_label(job_id, label)
        return self._printer.print_supplied(job_id, supplied)

    def resume_stored(self) -> int:
        """Queue every stored job still to send (after a restart); returns how many.

        Jobs a crash left "sending" come first: the printer is asked whether
        they printed before anything else is sent, so its answer is not
        muddled by newer labels.
        """
        with self._store.session() as db:
            sending = jobs_sending(db, self._station)
            waiting = jobs_to_send(db, self._station)
        for job, checkpoint in sending:
            self._queue(self._queued(job, recheck=checkpoint))
        for job in waiting:
            self.submit_stored(job)
        return len(sending) + len(waiting)

    # -- questions ------------------------------------------------------------

    def questions(self, wait_s: float = 10.0) -> list[LabelQuestion]:
        """Jobs that may have printed, oldest first: each waits for `answer`.

        Waits up to `wait_s` for the printer's answers about jobs a crash
        left "sending" (see resume_stored), which decide whether they are asked.
        """
        self.rechecked(wait_s)
        with self._store.session() as db:
            jobs = jobs_in_doubt(db, self._station)
        return [question_of(job) for job in jobs]

    def answer(
        self, job_id: str, printed: bool, packer_id: uuid.UUID | None = None
    ) -> LabelOutcome:
        """The packer's answer to "did it print?", recorded with who gave it.

        Printed: the job is done. Not printed: it is sent again. Raises
        UserError when the job is not waiting for an answer (any more).
        """
        with self._answering:
            return self._answer(job_id, printed, packer_id)

    def _answer(self, job_id: str, printed: bool, packer_id: uuid.UUID | None) -> LabelOutcome:
        with self._store.session() as db:
            job = db.get(PrintJob, _uuid(job_id))
            status = job_status(db, job.id) if job is not None else None
        if job is None or status is not JobStatus.IN_DOUBT:
            raise UserError("That label is not waiting for an answer (any more).")
        question = question_of(job)
        if not printed:
            detail = "the packer says it did not print: sent again"
            self._record(job_id, JobStatus.REPRINT, detail=detail, packer_id=packer_id)
            self.submit_stored(job)  # its attempt is reported as any other
            return LabelOutcome(job_id, question.tracking, None, kind=question.kind)
        self._record(job_id, JobStatus.CONFIRMED, CONFIRMED_LOCATION, packer_id=packer_id)
        outcome = LabelOutcome(job_id, question.tracking, CONFIRMED_LOCATION, kind=question.kind)
        self._tell(outcome)
        return outcome

    def answer_first(self, printed: bool, packer_id: uuid.UUID | None = None) -> LabelOutcome:
        """Answer the oldest question (for a command barcode); UserError when none waits."""
        waiting = self.questions()
        if not waiting:
            raise UserError("No label is waiting for an answer.")
        return self.answer(waiting[0].job_id, printed, packer_id)

    # -- the print thread -------------------------------------------------------

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

    def rechecked(self, timeout: float) -> bool:
        """True once every job a crash left "sending" has been checked with the printer."""
        with self._changed:
            return self._changed.wait_for(
                lambda: not any(q.recheck is not None for q in self._pending), timeout
            )

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
            outcome = self._attempt(queued)
            with self._changed:
                self._outcomes[queued.job_id] = outcome
                done = outcome.location is not None or outcome.set_aside or outcome.in_doubt
                if done:
                    self._pending.pop(0)
                    self._failures = 0
                elif queued.recheck is not None:  # checked: from now on, sent as any job
                    self._pending[0] = replace(queued, recheck=None)
                self._changed.notify_all()
            self._tell(outcome)
            if not done:
                self._back_off()

    def _attempt(self, queued: _Queued) -> LabelOutcome:
        job_id = queued.job_id
        try:
            if queued.recheck is not None:
                checked = self._recheck(queued, queued.recheck)
                if checked is not None:
                    return checked
            outcome = attempt_label(
                self._store,
                self._station,
                self._seq,
                job_id,
                queued.tracking,
                queued.send,
                queued.printer,
            )
        except OutcomeNotRecorded as exc:
            # Taken by the printer: done, never sent again from here (the store
            # still says "sending": a restart asks the printer). Not taken: it
            # is tried again like any failure.
            log.exception("print job %s: outcome not recorded", job_id)
            outcome = exc.outcome
        except Exception as exc:  # the store refused "sending": nothing was sent
            log.exception("print job %s: not sent, its attempt was not recorded", job_id)
            outcome = LabelOutcome(job_id, queued.tracking, None, f"not recorded: {exc}")
        return replace(outcome, kind=queued.kind)

    def _recheck(self, queued: _Queued, checkpoint: str) -> LabelOutcome | None:
        """Ask the printer about a job a crash left "sending"; None: send it again."""
        printer = queued.printer
        answer = Recheck.ASK
        if isinstance(printer, ChecksPrinted):
            try:
                answer = printer.recheck(queued.job_id, checkpoint)
            except Exception:  # a printer bug: the packer decides instead
                log.exception("print job %s: the printer could not be asked", queued.job_id)
        job_id, tracking = queued.job_id, queued.tracking
        if answer is Recheck.PRINTED:
            self._record(job_id, JobStatus.DELIVERED, RECHECKED_LOCATION)
            return LabelOutcome(job_id, tracking, RECHECKED_LOCATION)
        if answer is Recheck.RESEND:
            self._record(
                job_id, JobStatus.FAILED, detail="not printed before the restart: sent again"
            )
            return None
        outcome = doubt_of(LabelQuestion(job_id, tracking, queued.kind))
        self._record(job_id, JobStatus.IN_DOUBT, detail=outcome.error or "")
        return outcome

    def _record(
        self,
        job_id: str,
        status: JobStatus,
        location: str = "",
        *,
        detail: str = "",
        packer_id: uuid.UUID | None = None,
    ) -> None:
        record_attempt(
            self._store,
            self._station,
            self._seq,
            job_id,
            status,
            location=location,
            detail=detail,
            packer_id=packer_id,
        )

    def _tell(self, outcome: LabelOutcome) -> None:
        for listener in self._listeners:
            listener(outcome)

    def _back_off(self) -> None:
        delay = BACKOFF_S[min(self._failures, len(BACKOFF_S) - 1)]
        self._failures += 1
        with self._changed:
            self._changed.wait_for(lambda: self._stopping, delay)


def _uuid(job_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(job_id)
    except ValueError as exc:
        raise UserError(f"{job_id!r} is not a print job.") from exc
