"""Cut a scanner's byte stream into lines and drop what cannot be a barcode.

Pure and synchronous, so every rule here is tested without a port or a thread.
A line is checked as a whole: one noise byte spoils the line it lands in,
because a scan with a byte missing or changed could match the wrong product.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from station.characters import is_scan_char

# The station's one rule for scan characters, over Latin-1: 0x20-0x7E, 0xA1-0xFF except
# the soft hyphen, and GS (FNC1). NBSP, DEL and the C1 block are line noise far more
# often than they are barcode content.
VALID_BYTES = frozenset(b for b in range(256) if is_scan_char(chr(b)))


class Terminator(enum.Enum):
    """What ends a line, as configured on the scanner."""

    CR = "CR"
    LF = "LF"
    CRLF = "CRLF"
    TAB = "TAB"
    AUTO = "AUTO"  # CR or LF, so CR, LF and CRLF scanners all work unconfigured

    @classmethod
    def parse(cls, value: Terminator | str) -> Terminator:
        """The terminator named by `value` (any case); ValueError lists the choices."""
        if isinstance(value, Terminator):
            return value
        try:
            return cls[value.strip().upper()]
        except KeyError:
            choices = ", ".join(t.name for t in cls)
            raise ValueError(f"terminator must be one of {choices}, got {value!r}") from None


_SEPARATORS = {
    Terminator.CR: re.compile(rb"\r"),
    Terminator.LF: re.compile(rb"\n"),
    Terminator.CRLF: re.compile(rb"\r\n"),
    Terminator.TAB: re.compile(rb"\t"),
    Terminator.AUTO: re.compile(rb"[\r\n]"),
}


@dataclass(frozen=True)
class Line:
    """A complete line that passed every check."""

    raw: bytes
    text: str


@dataclass(frozen=True)
class Rejected:
    """Input that will never be a scan, and why."""

    reason: str
    raw: bytes


class LineFramer:
    """Split bytes into `Line`s and `Rejected` input; keeps the unfinished tail.

    Memory stays bounded: an unterminated run longer than `max_length` is
    rejected at once, and the rest of it, up to the next terminator, is skipped.
    """

    def __init__(self, terminator: Terminator, max_length: int) -> None:
        if max_length < 1:
            raise ValueError(f"max_length must be at least 1, got {max_length}")
        self.terminator = terminator
        self.max_length = max_length
        self._separator = _SEPARATORS[terminator]
        self._buffer = b""
        self._skipping = False  # inside an over-long line that was already rejected

    def feed(self, data: bytes) -> list[Line | Rejected]:
        """Take bytes as they came; return what they completed, in order."""
        results: list[Line | Rejected] = []
        self._buffer += data
        while (match := self._separator.search(self._buffer)) is not None:
            line, self._buffer = self._buffer[: match.start()], self._buffer[match.end() :]
            results.extend(self._finish(line))
        if self._skipping:
            self._buffer = self._pending_cr()
        elif len(self._buffer) > self.max_length + 1:
            # +1: a CRLF line of exactly max_length may wait here with its CR.
            results.append(self._too_long(self._buffer))
            self._skipping = True
            self._buffer = self._pending_cr()
        return results

    def discard(self) -> bytes:
        """Drop the unfinished line (the port went away); return it if not yet rejected."""
        partial = b"" if self._skipping else self._buffer
        self._buffer, self._skipping = b"", False
        return partial

    def _finish(self, line: bytes) -> list[Line | Rejected]:
        if self._skipping:
            self._skipping = False
            return []
        if not line:
            return []  # CRLF in AUTO mode, or a scanner that sends a blank line: nothing read
        rejected = self.check(line)
        if rejected is not None:
            return [rejected]
        return [Line(line, line.decode("latin-1"))]

    def check(self, line: bytes) -> Rejected | None:
        """Why a complete line cannot be a scan, or None if it can."""
        if len(line) > self.max_length:
            return self._too_long(line)
        for position, byte in enumerate(line):
            if byte not in VALID_BYTES:
                return Rejected(f"unprintable byte 0x{byte:02x} at position {position}", line)
        if not line.decode("latin-1").strip():
            return Rejected("blank line", line)
        return None

    def _too_long(self, line: bytes) -> Rejected:
        # Only the start is kept: it is enough to recognise the noise in a log.
        reason = f"line longer than {self.max_length} characters"
        return Rejected(reason, line[: self.max_length + 1])

    def _pending_cr(self) -> bytes:
        # While skipping, keep a trailing CR of CRLF: the LF that completes it may come next.
        if self.terminator is Terminator.CRLF and self._buffer.endswith(b"\r"):
            return b"\r"
        return b""


class DuplicateFilter:
    """Flag a value read again within `window_s` of its previous read.

    The window slides: a presentation scanner that keeps re-reading a code held
    under it produces one scan and a run of duplicates, not one scan per window.
    Only the last value is remembered, because double reads come back to back.
    """

    def __init__(self, window_s: float) -> None:
        if window_s < 0:
            raise ValueError(f"duplicate window must not be negative, got {window_s}")
        self.window_s = window_s
        self._last: tuple[str, float] | None = None

    def is_duplicate(self, text: str, now: float) -> bool:
        """Whether this read repeats the previous one; remembers it either way."""
        last, self._last = self._last, (text, now)
        return last is not None and last[0] == text and now - last[1] < self.window_s
