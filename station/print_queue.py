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

import contextlib
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from station import queries
from station.errors import UserError
from station.labels import LabelContent
from station.models import PrintJob
from station.ports import (
    ChecksPrinted,
    DocumentPrinter,
    LabelPrinter,
    MayHavePrinted,
    PermanentPrintError,
    PrintError,
    PrintResult,
    Recheck,
)
from station.print_jobs import (
    JobStatus,
    job_status,
    jobs_in_doubt,
    jobs_sending,
    jobs_to_send,
    record_attempt,
)
from station.slips import SlipContent
from station.store import Store

log = logging.getLogger(__name__)
BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)
CONFIRMED_LOCATION = "confirmed by the packer"
RECHECKED_LOCATION = "printed before the restart (the printer counted it)"


@dataclass(frozen=True)
class LabelOutcome:
    job_id: str
    tracking: str  # for a packing slip: its order number
    location: str | None
    error: str | None = None
    # True when retrying cannot help: the job was set aside, not queued again.
    set_aside: bool = False
    kind: str = "label"  # "label" (any label job) or "slip" (a packing slip)
    # True when it may have printed and nobody can tell: the packer is asked
    # `question`; nothing is sent until the answer (PrintQueue.answer).
    in_doubt: bool = False

    @property
    def question(self) -> str:
        return question_for(self.kind, self.tracking)


@dataclass(frozen=True)
class LabelQuestion:
    """A job that may have printed, waiting for the packer: Printed (1) or Reprint (2)."""

    job_id: str
    tracking: str  # for a packing slip: its order number
    kind: str

    @property
    def text(self) -> str:
        return question_for(self.kind, self.tracking)


def doubt_of(question: LabelQuestion) -> LabelOutcome:
    """The outcome that puts `question` to the packer."""
    what = "packing slip" if question.kind == "slip" else "label"
    why = (
        f"The {what} may have printed: the station stopped while it was being sent, "
        "or the printer took it without confirming it."
    )
    return LabelOutcome(
        question.job_id,
        question.tracking,
        None,
        f"{why} {question.text}",
        kind=question.kind,
        in_doubt=True,
    )


def question_for(kind: str, tracking: str) -> str:
    if kind == "slip":
        return f"Did the packing slip for order {tracking} print?"
    return f"Did label {tracking} print?"


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


class OutcomeNotRecorded(Exception):
    """The printer answered but the store refused to record it; `outcome` is what happened."""

    def __init__(self, outcome: LabelOutcome, cause: Exception) -> None:
        super().__init__(f"not recorded: {cause}")
        self.outcome = outcome


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
        return [_question_of(job) for job in jobs]

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
        question = _question_of(job)
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


def attempt_label(
    store: Store,
    station: str,
    seq: SeqCounter,
    job_id: str,
    tracking: str,
    send: Callable[[], PrintResult],
    printer: object = None,
) -> LabelOutcome:
    """Send one stored job with `send`, recording the attempt before and after.

    The queue and bulk runs (station.bulk_print) both send this way, so a
    label counts as delivered, refused for now (failed) or refused for good
    (rejected) by the same rules wherever it was sent from. `printer` is the
    one `send` prints on: its checkpoint is stored with "sending".

    Raises OutcomeNotRecorded when the printer answered but the store could
    not record it; any other exception means nothing was sent.
    """
    with _one_in_flight(printer):
        checkpoint = _checkpoint(printer)
        record_attempt(store, station, seq, job_id, JobStatus.SENDING, checkpoint=checkpoint)
        status, outcome, location, detail = _send(job_id, tracking, send)
        try:
            record_attempt(store, station, seq, job_id, status, location=location, detail=detail)
        except Exception as exc:
            raise OutcomeNotRecorded(outcome, exc) from exc
    return outcome


# One label per printer between its checkpoint and its recorded outcome: the
# odometer read before a label proves it printed only if nothing else of ours
# went out meanwhile (the print queue and a bulk run share the label printer).
_IN_FLIGHT: dict[int, threading.Lock] = {}
_IN_FLIGHT_GUARD = threading.Lock()


def _one_in_flight(printer: object) -> threading.Lock | contextlib.nullcontext[None]:
    if printer is None:
        return contextlib.nullcontext()
    with _IN_FLIGHT_GUARD:
        return _IN_FLIGHT.setdefault(id(printer), threading.Lock())


def _send(
    job_id: str, tracking: str, send: Callable[[], PrintResult]
) -> tuple[JobStatus, LabelOutcome, str, str]:
    try:
        result = send()
    except MayHavePrinted as exc:  # neither resent nor forgotten: the packer is asked
        log.warning("print job %s may have printed: %s", job_id, exc)
        question = question_for("label", tracking)
        outcome = LabelOutcome(job_id, tracking, None, f"{exc} {question}", in_doubt=True)
        return JobStatus.IN_DOUBT, outcome, "", str(exc)
    except PermanentPrintError as exc:
        log.error("print job %s cannot print: %s", job_id, exc)
        outcome = LabelOutcome(job_id, tracking, None, str(exc), set_aside=True)
        return JobStatus.REJECTED, outcome, "", str(exc)
    except PrintError as exc:
        log.warning("print job %s not delivered: %s", job_id, exc)
        return JobStatus.FAILED, LabelOutcome(job_id, tracking, None, str(exc)), "", str(exc)
    except Exception as exc:  # a printer bug must not kill the queue
        log.exception("print job %s: printer failed unexpectedly", job_id)
        outcome = LabelOutcome(job_id, tracking, None, f"printer error: {exc!r}")
        return JobStatus.FAILED, outcome, "", repr(exc)
    return JobStatus.DELIVERED, LabelOutcome(job_id, tracking, result.location), result.location, ""


def _checkpoint(printer: object) -> str:
    if not isinstance(printer, ChecksPrinted):
        return ""
    try:
        return printer.checkpoint()
    except Exception:  # a printer bug: without a checkpoint the packer decides after a crash
        log.exception("the printer's checkpoint could not be read")
        return ""


def _question_of(job: PrintJob) -> LabelQuestion:
    if job.kind == "slip":
        subject = SlipContent.from_json(job.content_json).order_number
    else:
        subject = LabelContent.from_json(job.content_json).tracking
    return LabelQuestion(str(job.id), subject, "slip" if job.kind == "slip" else "label")


def _uuid(job_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(job_id)
    except ValueError as exc:
        raise UserError(f"{job_id!r} is not a print job.") from exc
