"""What a scanner tells the station: scans, state changes and dropped input.

Scanners call a `ScannerListener` on their own device thread. The UI side
implements it by turning each call into a Qt signal (as Electrum's hardware
wallet handlers do), so device code never touches a widget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from devices.state import DeviceState


@dataclass(frozen=True)
class ScanRead:
    """One complete line read from a scanner.

    Attributes:
        scanner_id: the scanner that read it, as configured.
        text: the line decoded as Latin-1, terminator removed, everything else kept
            (AIM prefix, GS separators): `station.barcodes.parse_scan` reads it later.
        raw: the bytes of the line, without terminator.
        time: when the line was complete, in seconds of the scanner's monotonic clock.
        duplicate: the same value came from this scanner within its duplicate
            window; the station records it as a double read and does not count it.
    """

    scanner_id: str
    text: str
    raw: bytes
    time: float
    duplicate: bool


class ScannerListener(Protocol):
    """What a scanner calls, on its device thread; implementations must not block long."""

    def on_scan(self, event: ScanRead) -> None:
        """A line was read."""

    def on_state(self, scanner_id: str, state: DeviceState, detail: str) -> None:
        """The connection changed; `detail` says why, in words for the user."""

    def on_rejected(self, scanner_id: str, reason: str, raw: bytes) -> None:
        """Input was dropped and will never count as a scan; `reason` says why."""
