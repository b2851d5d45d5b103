"""SerialScale against the simulator, through real pseudo-terminals and real pyserial."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
import serial

from devices.scales.protocols import PROTOCOL_NAMES, ProtocolName
from devices.scales.reading import Reading, ScaleStatus
from devices.scales.serial_scale import SerialScale
from devices.scales.simulator import ScaleSimulator
from devices.scales.state import ScaleState

from .conftest import NOTHING_S, WAIT_S, LogRecorder, Recorder, ScaleRig

MakeRig = Callable[..., ScaleRig]


def stable(grams: int) -> Reading:
    return Reading(grams, True, ScaleStatus.STABLE)


class BackgroundRead:
    """read_stable() on another thread, so the test can change the weight meanwhile."""

    def __init__(self, scale: SerialScale) -> None:
        self.result: Reading | None = None
        self._thread = threading.Thread(target=self._read, args=(scale,), daemon=True)
        self._thread.start()

    def _read(self, scale: SerialScale) -> None:
        self.result = scale.read_stable(timeout=WAIT_S)

    def join(self) -> Reading | None:
        self._thread.join(WAIT_S + 5.0)
        assert not self._thread.is_alive()
        return self.result


@pytest.mark.parametrize(
    ("protocol", "unit"),
    [
        ("mt-sics", "g"),
        ("mt-sics", "kg"),
        ("nci", "lb"),
        ("nci", "kg"),
        ("nci", "oz"),
        ("cas", "kg"),
        ("cas", "g"),
        ("cas", "lb"),
    ],
)
def test_the_stable_weight_comes_back_in_grams(
    rig: MakeRig, protocol: ProtocolName, unit: str
) -> None:
    bench = rig(protocol, unit)
    bench.sim.set_weight(1234)
    assert bench.scale.read_stable(timeout=WAIT_S) == stable(1234)
    assert bench.scale.state is ScaleState.READY


@pytest.mark.parametrize("protocol", PROTOCOL_NAMES)
def test_each_read_reports_the_weight_now_on_the_scale(
    rig: MakeRig, protocol: ProtocolName
) -> None:
    bench = rig(protocol, "kg")
    for grams in (1000, 2000, 2000, 1500, 0):
        bench.sim.set_weight(grams)
        assert bench.scale.read_stable(timeout=WAIT_S) == stable(grams)


@pytest.mark.parametrize("protocol", PROTOCOL_NAMES)
def test_an_unstable_weight_is_never_returned(rig: MakeRig, protocol: ProtocolName) -> None:
    bench = rig(protocol, "kg")
    bench.sim.set_weight(900, stable=False)
    assert bench.scale.read_stable(timeout=NOTHING_S) is None


@pytest.mark.parametrize("protocol", PROTOCOL_NAMES)
def test_a_read_waits_through_unstable_readings_for_the_stable_one(
    rig: MakeRig, protocol: ProtocolName
) -> None:
    bench = rig(protocol, "kg")
    bench.sim.set_weight(900, stable=False)
    read = BackgroundRead(bench.scale)
    # Evidence that the read saw the parcel swinging: a polled scale was asked
    # again after an unstable (or MT-SICS "busy") answer; a stream kept coming.
    if protocol == "cas":
        assert bench.readings.wait_count(lambda r: r.status == ScaleStatus.UNSTABLE, count=3)
    else:
        assert bench.sim.wait_for_commands(3, WAIT_S)
    bench.sim.set_weight(950)
    assert read.join() == stable(950)
    not_settled = [r for r in bench.readings.items if not r.stable]
    assert not_settled
    assert {r.status for r in not_settled} <= {ScaleStatus.UNSTABLE, ScaleStatus.BUSY}


@pytest.mark.parametrize("protocol", PROTOCOL_NAMES)
def test_overload_is_reported_but_not_returned(rig: MakeRig, protocol: ProtocolName) -> None:
    bench = rig(protocol)
    bench.sim.set_overload()
    read = BackgroundRead(bench.scale)
    assert bench.readings.wait_count(lambda r: r.status == ScaleStatus.OVERLOAD)
    bench.sim.set_weight(700)
    assert read.join() == stable(700)


@pytest.mark.parametrize(
    ("protocol", "garbage"),
    [
        ("mt-sics", b"\xff\xfeS X 12 g\r\n"),
        ("mt-sics", b"\x00" * 200 + b"\r\n"),
        ("nci", b"\nhello\r\nzz\r\x03"),
        ("nci", b"\n  1.0lb\r\x03"),  # no status line
        ("cas", b"ST,GS,+  1.2\xa3\x00kg\r\n"),
        ("cas", b"QQ" * 100),
    ],
)
def test_garbage_on_the_line_is_logged_and_dropped(
    rig: MakeRig, scale_log: LogRecorder, protocol: ProtocolName, garbage: bytes
) -> None:
    bench = rig(protocol)
    bench.sim.set_weight(321)
    assert bench.scale.read_stable(timeout=WAIT_S) == stable(321)
    bench.sim.send_raw(garbage)
    assert scale_log.wait_for_message("dropped")
    bench.sim.set_weight(654)
    assert bench.scale.read_stable(timeout=WAIT_S) == stable(654)
    assert bench.scale.state is ScaleState.READY


def test_garbage_in_the_middle_of_a_stream_does_not_stop_it(
    rig: MakeRig, scale_log: LogRecorder
) -> None:
    bench = rig("cas")
    bench.sim.set_weight(400, stable=False)
    read = BackgroundRead(bench.scale)
    assert bench.readings.wait_count(lambda r: r.status == ScaleStatus.UNSTABLE)
    bench.sim.send_raw(b"\x00\xffgarbage\r\n")
    assert scale_log.wait_for_message("dropped")
    bench.sim.set_weight(450)
    assert read.join() == stable(450)


@pytest.mark.parametrize("protocol", PROTOCOL_NAMES)
def test_a_lost_port_is_reported_and_the_scale_recovers(
    rig: MakeRig, protocol: ProtocolName
) -> None:
    bench = rig(protocol)
    bench.sim.set_weight(800)
    assert bench.scale.read_stable(timeout=WAIT_S) == stable(800)

    bench.sim.unplug()
    assert bench.wait_for_state(ScaleState.DISCONNECTED)
    started = time.monotonic()
    assert bench.scale.read_stable(timeout=WAIT_S) is None
    assert time.monotonic() - started < WAIT_S / 2  # at once, without waiting out the timeout

    bench.sim.set_weight(810)
    bench.sim.plug()
    assert bench.wait_for_state(ScaleState.READY)
    assert bench.scale.read_stable(timeout=WAIT_S) == stable(810)
    assert bench.states.items[:2] == [ScaleState.CONNECTING, ScaleState.READY]


def test_a_port_that_is_missing_at_start_is_reported_and_picked_up_later(
    rig: MakeRig,
) -> None:
    bench = rig("nci")
    bench.sim.unplug()
    assert bench.wait_for_state(ScaleState.DISCONNECTED)
    bench.sim.plug()
    assert bench.wait_for_state(ScaleState.READY)
    bench.sim.set_weight(55)
    assert bench.scale.read_stable(timeout=WAIT_S) == stable(55)


def test_close_ends_the_thread_and_further_reads_find_nothing(rig: MakeRig) -> None:
    bench = rig("cas")
    bench.scale.close()
    assert bench.scale.state is ScaleState.CLOSED
    assert bench.states.items[-1] is ScaleState.CLOSED
    assert bench.scale.read_stable(timeout=WAIT_S) is None


def test_bad_settings_are_refused_when_the_scale_is_made() -> None:
    with pytest.raises(ValueError, match="unknown scale protocol 'w'"):
        SerialScale("/dev/null", "w")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="baudrate"):
        SerialScale("/dev/null", "nci", baudrate=-5)


def test_a_missing_port_at_start_is_not_an_exception() -> None:
    states: list[ScaleState] = []
    reached = threading.Event()

    def on_state(state: ScaleState, message: str) -> None:
        states.append(state)
        if state is ScaleState.DISCONNECTED:
            assert "/nonexistent/ttyS9 cannot be opened" in message
            reached.set()

    with SerialScale("/nonexistent/ttyS9", "cas", on_state=on_state) as scale:
        assert reached.wait(WAIT_S)
        assert scale.read_stable(timeout=WAIT_S) is None
    assert states == [ScaleState.CONNECTING, ScaleState.DISCONNECTED, ScaleState.CLOSED]


def test_a_port_that_vanishes_while_being_opened_is_retried(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Pulling the cable during open() makes pyserial raise termios.error, which
    # is not an OSError; the first attempt fails that way here, on purpose.
    termios = pytest.importorskip("termios")
    real_open = serial.Serial.open
    attempts: list[int] = []

    def open_once_failing(port: serial.Serial) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise termios.error(5, "Input/output error")
        real_open(port)

    monkeypatch.setattr(serial.Serial, "open", open_once_failing)
    states: Recorder[ScaleState] = Recorder()
    with (
        ScaleSimulator("nci") as sim,
        SerialScale(
            sim.port, "nci", reconnect_interval=0.05, on_state=lambda s, _m: states(s)
        ) as scale,
    ):
        sim.set_weight(99)
        assert states.wait_for(lambda seen: ScaleState.READY in seen)
        assert scale.read_stable(timeout=WAIT_S) == stable(99)
    assert states.items[:3] == [ScaleState.CONNECTING, ScaleState.DISCONNECTED, ScaleState.READY]


def test_a_failing_listener_does_not_stop_the_scale(scale_log: LogRecorder) -> None:
    def broken(reading: Reading) -> None:
        raise RuntimeError("listener bug")

    with ScaleSimulator("cas") as sim, SerialScale(sim.port, "cas", on_reading=broken) as scale:
        sim.set_weight(42)
        assert scale.read_stable(timeout=WAIT_S) == stable(42)
        assert scale_log.wait_for_message("reading listener failed")
        sim.set_weight(43)
        assert scale.read_stable(timeout=WAIT_S) == stable(43)
