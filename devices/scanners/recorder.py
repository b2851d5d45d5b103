"""A `ScannerListener` that keeps every call, for tests and tools.

Calls arrive on scanner threads; `wait_for` lets another thread block until
what it expects has arrived, with a timeout instead of a sleep.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from devices.scanners.events import ScanRead
from devices.state import DeviceState


@dataclass(frozen=True)
class StateChange:
    scanner_id: str
    state: DeviceState
    detail: str


@dataclass(frozen=True)
class Rejection:
    scanner_id: str
    reason: str
    raw: bytes


Recorded = ScanRead | StateChange | Rejection


class RecordingListener:
    """Records scans, state changes and rejections in the order they came."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._events: list[Recorded] = []

    def on_scan(self, event: ScanRead) -> None:
        self._add(event)

    def on_state(self, scanner_id: str, state: DeviceState, detail: str) -> None:
        self._add(StateChange(scanner_id, state, detail))

    def on_rejected(self, scanner_id: str, reason: str, raw: bytes) -> None:
        self._add(Rejection(scanner_id, reason, raw))

    @property
    def events(self) -> list[Recorded]:
        """A copy of everything so far."""
        with self._changed:
            return list(self._events)

    @property
    def scans(self) -> list[ScanRead]:
        return [e for e in self.events if isinstance(e, ScanRead)]

    @property
    def states(self) -> list[DeviceState]:
        return [e.state for e in self.events if isinstance(e, StateChange)]

    @property
    def rejections(self) -> list[Rejection]:
        return [e for e in self.events if isinstance(e, Rejection)]

    def wait_for(self, condition: Callable[[RecordingListener], bool], timeout: float) -> bool:
        """Block until `condition(self)` holds; False if `timeout` seconds pass first."""
        with self._changed:
            return self._changed.wait_for(lambda: condition(self), timeout)

    def _add(self, event: Recorded) -> None:
        with self._changed:
            self._events.append(event)
            self._changed.notify_all()
