"""Fixtures for the scale tests: simulators on real ptys, scales reading them, and
recorders that a test waits on (with a timeout, never a sleep).

These would sit in tests/helpers/ with the other shared fakes; they are here
because this work was limited to the scales' own folders.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

import pytest

from devices.scales.protocols import ProtocolName
from devices.scales.reading import Reading
from devices.scales.serial_scale import SerialScale
from devices.scales.simulator import ScaleSimulator
from devices.scales.state import ScaleState

if sys.platform == "win32":  # pragma: no cover - the simulator needs a pty
    pytest.skip("the scale simulator needs a POSIX pty", allow_module_level=True)

# How long a test waits for something that should happen. Generous, because
# it only runs out when the test fails anyway; a loaded machine just uses more of it.
WAIT_S = 10.0
# How long a read runs when it is expected to find nothing.
NOTHING_S = 0.3

T = TypeVar("T")


class Recorder(Generic[T]):
    """Collects what a device thread reports; a test waits until what it needs is there."""

    def __init__(self) -> None:
        self._items: list[T] = []
        self._changed = threading.Condition()

    def __call__(self, item: T) -> None:
        with self._changed:
            self._items.append(item)
            self._changed.notify_all()

    @property
    def items(self) -> list[T]:
        with self._changed:
            return list(self._items)

    def wait_for(self, predicate: Callable[[list[T]], bool], timeout: float = WAIT_S) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self._items), timeout)

    def wait_count(self, predicate: Callable[[T], bool], count: int = 1) -> bool:
        """Wait until `count` recorded items satisfy `predicate`."""
        return self.wait_for(lambda items: sum(map(predicate, items)) >= count)


class LogRecorder(logging.Handler):
    """The scale's log records, to wait for a reason being logged."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: Recorder[logging.LogRecord] = Recorder()

    def emit(self, record: logging.LogRecord) -> None:
        self.records(record)

    def wait_for_message(self, text: str) -> bool:
        return self.records.wait_count(lambda record: text in record.getMessage())


class ScaleRig:
    """A simulator, a SerialScale on its port, and what the scale reported."""

    def __init__(self, sim: ScaleSimulator) -> None:
        self.sim = sim
        self.states: Recorder[ScaleState] = Recorder()
        self.readings: Recorder[Reading] = Recorder()
        self.scale = SerialScale(
            sim.port,
            sim.protocol,
            poll_interval=0.02,
            reconnect_interval=0.05,
            on_state=lambda state, _message: self.states(state),
            on_reading=self.readings,
        )
        self.scale.start()

    def wait_for_state(self, state: ScaleState) -> bool:
        return self.states.wait_for(lambda states: bool(states) and states[-1] is state)

    def close(self) -> None:
        self.scale.close()
        self.sim.close()


@pytest.fixture
def rig() -> Iterator[Callable[..., ScaleRig]]:
    """Make rigs: `rig("nci", unit="kg")`; all are closed after the test."""
    made: list[ScaleRig] = []

    def make(protocol: ProtocolName, unit: str = "g") -> ScaleRig:
        # busy_after is short so that MT-SICS "S I" (and the retry it causes) is seen quickly.
        sim = ScaleSimulator(protocol, unit=unit, busy_after=0.05)
        made.append(ScaleRig(sim))
        return made[-1]

    yield make
    for each in made:
        each.close()


@pytest.fixture
def scale_log() -> Iterator[LogRecorder]:
    handler = LogRecorder()
    logger = logging.getLogger("devices.scales.serial_scale")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old_level)
