"""What became of a print job, and the question put to the packer when nobody can tell.

The print queue (station.print_queue) and bulk runs (station.bulk_print) report
their attempts as `LabelOutcome`s; a job that may have printed becomes a
`LabelQuestion`: "Did label N print?", answered Printed or Reprint.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.labels import LabelContent
from station.models import PrintJob
from station.slips import SlipContent


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


def question_of(job: PrintJob) -> LabelQuestion:
    """The question a stored job in doubt puts to the packer."""
    if job.kind == "slip":
        subject = SlipContent.from_json(job.content_json).order_number
    else:
        subject = LabelContent.from_json(job.content_json).tracking
    return LabelQuestion(str(job.id), subject, "slip" if job.kind == "slip" else "label")
