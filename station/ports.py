"""Small interfaces that devices implement for the domain."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

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


class MayHavePrinted(PrintError):
    """The printer has every byte of the job and was heard from, but never confirmed it.

    Sending it again could print it twice and not sending it could lose it:
    the job is "in doubt" and the packer is asked whether it printed.
    """


class SuppliedFormat(StrEnum):
    """The formats a courier's own ready-made label document may come in."""

    PDF = "pdf"
    PNG = "png"
    ZPL = "zpl"


@dataclass(frozen=True)
class SuppliedLabel:
    """A courier's own label, printed as it is (converted for the printer where needed)."""

    format: SuppliedFormat
    data: bytes


class LabelPrinter(Protocol):
    def print_label(self, job_id: str, label: LabelContent) -> PrintResult:
        """Deliver one label. Idempotent per job_id: a resend replaces, never duplicates."""
        ...

    def print_supplied(self, job_id: str, label: SuppliedLabel) -> PrintResult:
        """Deliver a courier's own label document, converted for this printer as needed.

        Raises PermanentPrintError when this printer can never print it (e.g. ZPL
        on a PDF printer), with a message saying which printer would.
        """
        ...


class Recheck(StrEnum):
    """What a printer says, after a crash, about a job whose bytes were going out."""

    PRINTED = "printed"  # it counted the job: record it as delivered
    RESEND = "resend"  # it did not print it, or a resend replaces it (a file): send it
    ASK = "ask"  # it cannot tell: the packer is asked


@runtime_checkable
class ChecksPrinted(Protocol):
    """A printer that can tell whether a job sent before a crash printed.

    The print queue stores `checkpoint()` with the job's "sending" attempt,
    just before the job's bytes go out, and after a crash passes it back to
    `recheck`. Neither may raise: a printer that cannot answer says "" or ASK.
    """

    def checkpoint(self) -> str:
        """What the printer says now (e.g. its label counter); "" when it cannot say."""
        ...

    def recheck(self, job_id: str, checkpoint: str) -> Recheck:
        """Whether the job sent after `checkpoint` printed."""
        ...


class DocumentPrinter(Protocol):
    def print_slip(self, job_id: str, slip: SlipContent) -> PrintResult:
        """Deliver one packing slip. Idempotent per job_id, as for labels."""
        ...


class CentralLink(Protocol):
    """The central database's link as the bench's claims see it (station/central/claim_worker.py).

    The engine asks it while deciding an order's opening, so it must answer
    from memory, at once: a verdict never waits for the network.
    """

    def online(self) -> bool:
        """Whether the central database answered the last call (False before the first)."""
        ...

    def on_lost(self, listener: Callable[[], None]) -> None:
        """Call `listener` (from any thread) when another station turns out to hold the
        order open here; the window then asks the session to take it off the bench."""
        ...

    def claim_pending(self, order_id: uuid.UUID) -> bool:
        """Whether the bench still waits for the central database to grant it the order
        (asked, no answer yet) while the link is not known to be down: the order is not
        sealed meanwhile. False when the link is down (the offline rules apply)."""
        ...

    def wait_for_claim(self, order_id: uuid.UUID) -> None:
        """Block until the claims asked for the order were answered (or the link is down),
        a few seconds at most. Only for a script feeding the bench (replay), which is
        faster than any claim's round trip; a packer's input never waits."""
        ...
