"""Small interfaces that devices implement for the domain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from station.labels import LabelContent


@dataclass(frozen=True)
class PrintResult:
    """Where a delivered document went: a file path or a printer's job id."""

    location: str


class PrintError(Exception):
    """The printer could not take the job; the message says what to do."""


class LabelPrinter(Protocol):
    def print_label(self, job_id: str, label: LabelContent) -> PrintResult:
        """Deliver one label. Idempotent per job_id: a resend replaces, never duplicates."""
        ...
