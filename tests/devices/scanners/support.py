"""Waiting for a scanner's events without sleeping, and a clock tests move by hand."""

from __future__ import annotations

import sys

import pytest

from devices.scanners.recorder import RecordingListener
from devices.state import DeviceState

# Generous: a loaded 2-core CI machine may not schedule the scanner thread for a while.
TIMEOUT = 10.0

posix_only = pytest.mark.skipif(
    sys.platform == "win32", reason="simulated scanners are pseudo-terminals (POSIX only)"
)


class FakeClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def wait_scans(recorder: RecordingListener, count: int) -> None:
    """Until `count` scans have arrived."""
    assert recorder.wait_for(lambda r: len(r.scans) >= count, TIMEOUT), recorder.events


def wait_state(recorder: RecordingListener, state: DeviceState, times: int = 1) -> None:
    """Until `state` has been reported `times` times."""
    assert recorder.wait_for(lambda r: r.states.count(state) >= times, TIMEOUT), recorder.events


def wait_rejections(recorder: RecordingListener, count: int) -> None:
    """Until `count` rejections have arrived."""
    assert recorder.wait_for(lambda r: len(r.rejections) >= count, TIMEOUT), recorder.events
