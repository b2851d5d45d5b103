"""Small interfaces that devices implement for the domain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from station.labels import LabelContent
from station.slips import SlipContent


@dataclass(frozen=True)
class PrintResult:
    """Where a delivered document went: a file path or a printer's job id."""

    location: str


class PrintError(Exception):
    """The printer could not take the job now; it is retried until it can."""


class PermanentPrintError(PrintError):
    """This job can never print as it is (e.g. its data does not fit the label).

    Retrying cannot help, and must not hold back the labels queued behind it:
    the job is reported and set aside, still stored, for a fix and a reprint.
    """


class LabelPrinter(Protocol):
    def print_label(self, job_id: str, label: LabelContent) -> PrintResult:
        """Deliver one label. Idempotent per job_id: a resend replaces, never duplicates."""
        ...


class DocumentPrinter(Protocol):
    def print_slip(self, job_id: str, slip: SlipContent) -> PrintResult:
        """Deliver one packing slip. Idempotent per job_id, as for labels."""
        ...
