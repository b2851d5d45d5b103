"""Serial scanners' callbacks (on their device threads) as Qt signals on the UI thread."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from devices.state import OPERATIONAL, DeviceState

if TYPE_CHECKING:  # pyserial loads only on stations that have serial scanners
    from devices.scanners import ScanRead

log = logging.getLogger(__name__)


class ScannerBridge(QObject):
    """Implements devices.scanners.ScannerListener; Qt queues each signal to the UI thread."""

    scanned = Signal(str, str, bool)  # text, scanner id, duplicate
    state_changed = Signal(str, str, bool)  # scanner id, what to show, operational

    def on_scan(self, event: ScanRead) -> None:
        self.scanned.emit(event.text, event.scanner_id, event.duplicate)

    def on_state(self, scanner_id: str, state: DeviceState, detail: str) -> None:
        log.info("scanner %s: %s (%s)", scanner_id, state.value, detail)
        text = f"Scanner {scanner_id}: {state.value}"
        self.state_changed.emit(scanner_id, text, state in OPERATIONAL)

    def on_rejected(self, scanner_id: str, reason: str, raw: bytes) -> None:
        # Noise on the line is not a scan: logged with its bytes, never counted.
        log.warning("scanner %s dropped %r: %s", scanner_id, raw[:64], reason)
