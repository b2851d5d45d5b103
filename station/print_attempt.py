"""One attempt at a stored print job, recorded before and after it is sent.

The print queue (station.print_queue) and bulk runs (station.bulk_print) both
send this way: "sending" is committed first, with the printer's checkpoint
where it has one, then what the printer answered (see station.print_jobs).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

from station.event_sequence import SeqCounter
from station.ports import (
    ChecksPrinted,
    MayHavePrinted,
    PermanentPrintError,
    PrintError,
    PrintResult,
)
from station.print_jobs import JobStatus, record_attempt
from station.print_outcomes import LabelOutcome, question_for
from station.store import Store

log = logging.getLogger(__name__)


class OutcomeNotRecorded(Exception):
    """The printer answered but the store refused to record it; `outcome` is what happened."""

    def __init__(self, outcome: LabelOutcome, cause: Exception) -> None:
        super().__init__(f"not recorded: {cause}")
        self.outcome = outcome


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
