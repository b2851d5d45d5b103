"""Tell a keyboard-wedge scanner's bursts from a person typing, by key timing.

A wedge scanner "types" its barcode into the computer far faster than anyone
can: every key follows the previous one within a few milliseconds, and Enter
(or Tab) ends it. `WedgeBurstDetector` holds keys back while they keep coming
that fast; a terminator after at least `min_length` of them makes a scan.
Whatever turns out to be slower is handed back as typed text, in order, so the
caller can deliver it to a text field as if it had never been held.
A burst that cannot be a barcode on the station's keyboard layout (a scanner
set to another layout, see devices/scanners/wedge_layout.py) is refused, not a scan.

No Qt here: the GUI feeds keys with timestamps (ui/wedge.py) and tests feed
them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.scanners.wedge_layout import LAYOUTS, UnreadableBurst, check_burst


@dataclass(frozen=True)
class TerminatorResult:
    """What Enter/Tab made of the held keys.

    Attributes:
        scan: the complete burst, if the held keys were one; else None.
        typed: held keys that turned out to be typing, to deliver in order.
        refused: a burst that cannot be a scan on the keyboard layout, and why.
    """

    scan: str | None = None
    typed: str = ""
    refused: UnreadableBurst | None = None


class WedgeBurstDetector:
    """Classify keys as a scanner burst or human typing.

    A burst is at least `min_length` characters, each within
    `max_key_interval_ms` of the previous one, ended by a terminator that also
    comes within that interval. Times are in milliseconds from any monotonic
    clock. `keyboard_layout` is the computer's (a name from
    devices.scanners.wedge_layout.LAYOUTS); bursts are checked against it.
    """

    def __init__(
        self, max_key_interval_ms: float, min_length: int, keyboard_layout: str = "us"
    ) -> None:
        if max_key_interval_ms <= 0:
            raise ValueError("max_key_interval_ms must be positive")
        if min_length < 1:
            raise ValueError("min_length must be at least 1")
        if keyboard_layout not in LAYOUTS:
            raise ValueError(f"unknown keyboard layout {keyboard_layout!r}")
        self.max_key_interval_ms = max_key_interval_ms
        self.min_length = min_length
        self.keyboard_layout = keyboard_layout
        self._held = ""
        self._last_ms = 0.0

    @property
    def held(self) -> str:
        """Characters held back, that may still become a burst."""
        return self._held

    def key(self, char: str, now_ms: float) -> str:
        """Take one character; return earlier held characters that are now typed text."""
        released = ""
        if self._held and not self._in_time(now_ms):
            released, self._held = self._held, ""
        self._held += char
        self._last_ms = now_ms
        return released

    def terminator(self, now_ms: float) -> TerminatorResult:
        """Enter or Tab: the held keys are a scan, a refused burst, or typed text."""
        held, self._held = self._held, ""
        if not held:
            return TerminatorResult()
        if len(held) < self.min_length or not self._in_time(now_ms):
            return TerminatorResult(typed=held)
        refused = check_burst(held, self.keyboard_layout)
        if refused is not None:
            return TerminatorResult(refused=refused)
        return TerminatorResult(scan=held)

    def flush(self) -> str:
        """No burst can follow (a pause, another key): the held keys are typed text."""
        held, self._held = self._held, ""
        return held

    def _in_time(self, now_ms: float) -> bool:
        return now_ms - self._last_ms <= self.max_key_interval_ms
