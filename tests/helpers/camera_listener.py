"""A camera listener that records what it hears and lets a test wait for it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from devices.scanners.events import ScanRead
from devices.state import DeviceState


class HeardFromCamera:
    def __init__(self) -> None:
        self.scans: list[ScanRead] = []
        self.states: list[tuple[DeviceState, str]] = []
        self._changed = threading.Condition()

    def on_scan(self, event: ScanRead) -> None:
        with self._changed:
            self.scans.append(event)
            self._changed.notify_all()

    def on_state(self, scanner_id: str, state: DeviceState, detail: str) -> None:
        with self._changed:
            self.states.append((state, detail))
            self._changed.notify_all()

    def on_rejected(self, scanner_id: str, reason: str, raw: bytes) -> None:
        raise AssertionError(f"a camera rejected {raw!r}: {reason}")

    def wait_for(self, condition: Callable[[HeardFromCamera], bool], timeout: float = 20) -> None:
        """Wait until `condition` holds; it is also checked every 50 ms, for conditions
        on things this listener is not told of (a counter of the test's own)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"not heard in {timeout} s: {self.states} {self.texts}")
                self._changed.wait(min(0.05, remaining))

    @property
    def texts(self) -> list[str]:
        return [scan.text for scan in self.scans]

    def state_names(self) -> list[DeviceState]:
        return [state for state, _ in self.states]
