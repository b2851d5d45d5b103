"""SerialScanner on a real pseudo-terminal through real pyserial, on its own thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devices.scanners.recorder import RecordingListener, StateChange
from devices.scanners.serial_scanner import SerialScanner
from devices.scanners.simulator import PtyScannerSimulator
from devices.state import DeviceState
from station.barcodes import parse_scan

from .support import TIMEOUT, FakeClock, posix_only, wait_rejections, wait_scans, wait_state

pytestmark = posix_only

MakeScanner = Callable[..., SerialScanner]
GS = "\x1d"


@pytest.mark.parametrize(
    ("terminator", "ending"),
    [
        ("CR", "\r"),
        ("LF", "\n"),
        ("CRLF", "\r\n"),
        ("TAB", "\t"),
        ("AUTO", "\r"),
        ("AUTO", "\n"),
        ("AUTO", "\r\n"),
    ],
)
def test_a_scan_arrives_for_each_terminator(
    sim: PtyScannerSimulator,
    make_scanner: MakeScanner,
    recorder: RecordingListener,
    terminator: str,
    ending: str,
) -> None:
    make_scanner(sim.port, terminator=terminator)
    wait_state(recorder, DeviceState.READY)

    sim.send("4006381333931", ending)
    sim.send("SO-1001", ending)

    wait_scans(recorder, 2)
    assert [(s.scanner_id, s.text, s.raw) for s in recorder.scans] == [
        ("S1", "4006381333931", b"4006381333931"),
        ("S1", "SO-1001", b"SO-1001"),
    ]
    assert recorder.rejections == []


def test_aim_prefixes_and_gs1_separators_survive_for_parse_scan(
    sim: PtyScannerSimulator, make_scanner: MakeScanner, recorder: RecordingListener
) -> None:
    make_scanner(sim.port)
    wait_state(recorder, DeviceState.READY)
    element_string = f"]C1010003600029145217271231{GS}10LOT42{GS}21SN7"

    sim.send("]E04006381333931")
    sim.send(element_string)

    wait_scans(recorder, 2)
    aim, gs1 = recorder.scans
    assert aim.text == "]E04006381333931"
    assert gs1.text == element_string
    assert gs1.raw == element_string.encode("ascii")
    parsed = parse_scan(gs1.text)
    assert (parsed.gtin, parsed.lot, parsed.expiry, parsed.serial) == (
        "00036000291452",
        "LOT42",
        "2027-12-31",
        "SN7",
    )


def test_a_double_read_within_the_window_is_flagged_and_one_after_it_is_not(
    sim: PtyScannerSimulator, make_scanner: MakeScanner, recorder: RecordingListener
) -> None:
    clock = FakeClock(start=50.0)
    make_scanner(sim.port, clock=clock, duplicate_window_s=0.3)
    wait_state(recorder, DeviceState.READY)

    for count, now in enumerate([50.0, 50.1, 50.5, 50.55], start=1):
        clock.now = now
        sim.send("036000291452" if count != 4 else "SO-1001")
        wait_scans(recorder, count)

    assert [(s.time, s.duplicate) for s in recorder.scans] == [
        (50.0, False),
        (50.1, True),  # 100 ms after the first: the scanner read it twice
        (50.5, False),  # 400 ms after the last read: the packer scanned the next unit
        (50.55, False),  # another value is never a duplicate
    ]


def test_garbage_is_rejected_with_a_reason_and_never_scanned(
    sim: PtyScannerSimulator, make_scanner: MakeScanner, recorder: RecordingListener
) -> None:
    make_scanner(sim.port, max_length=20)
    wait_state(recorder, DeviceState.READY)

    sim.send_bytes(b"\x00\xff\xfe\x80\x1b[2J\r")
    sim.send_bytes(b"9" * 500 + b"\r")
    sim.send_bytes(b"40063\x07381333931\r")
    sim.send("OK-1")

    wait_scans(recorder, 1)
    assert [s.text for s in recorder.scans] == ["OK-1"]
    assert [r.reason for r in recorder.rejections] == [
        "unprintable byte 0x00 at position 0",
        "line longer than 20 characters",
        "unprintable byte 0x07 at position 5",
    ]
    assert recorder.rejections[2].raw == b"40063\x07381333931"
    assert recorder.states == [DeviceState.CONNECTING, DeviceState.READY]


def test_unplug_reports_disconnected_and_replug_under_a_new_name_reconnects(
    sim: PtyScannerSimulator, make_scanner: MakeScanner, recorder: RecordingListener
) -> None:
    old_port = sim.port
    scanner = make_scanner(old_port, port_finder=sim)
    wait_state(recorder, DeviceState.READY)
    sim.send("BEFORE")
    wait_scans(recorder, 1)

    sim.unplug()
    wait_state(recorder, DeviceState.DISCONNECTED)
    new_port = sim.replug()
    wait_state(recorder, DeviceState.READY, times=2)
    sim.send("AFTER")

    wait_scans(recorder, 2)
    assert new_port != old_port
    assert not Path(old_port).exists()
    assert scanner.port == new_port
    assert scanner.state is DeviceState.READY
    assert [s.text for s in recorder.scans] == ["BEFORE", "AFTER"]


class HoldingRecorder(RecordingListener):
    """Holds the device thread in its first on_rejected call until released."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()

    def on_rejected(self, scanner_id: str, reason: str, raw: bytes) -> None:
        super().on_rejected(scanner_id, reason, raw)
        if not self.holding.is_set():
            self.holding.set()
            self.release.wait(TIMEOUT)


def test_a_half_line_cut_by_the_unplug_is_rejected_not_joined_to_the_next_scan(
    sim: PtyScannerSimulator, make_scanner: MakeScanner
) -> None:
    recorder = HoldingRecorder()
    make_scanner(sim.port, port_finder=sim, listener=recorder)
    wait_state(recorder, DeviceState.READY)
    # Make sure the half line is in the scanner, not still in the pty, when the cable goes:
    # hold the thread, see the bytes queued behind it, let it go, see them taken.
    sim.send_bytes(b"\x00\r")
    assert recorder.holding.wait(TIMEOUT)
    sim.send_bytes(b"400638")
    assert sim.wait_until_queued(6, TIMEOUT)
    recorder.release.set()
    assert sim.wait_until_queued(0, TIMEOUT)

    sim.unplug()
    wait_rejections(recorder, 2)
    sim.replug()
    wait_state(recorder, DeviceState.READY, times=2)
    sim.send("036000291452")

    wait_scans(recorder, 1)
    assert [s.text for s in recorder.scans] == ["036000291452"]
    assert [(r.reason, r.raw) for r in recorder.rejections] == [
        ("unprintable byte 0x00 at position 0", b"\x00"),
        ("partial line cut by disconnect", b"400638"),
    ]
    states = recorder.states
    assert states.index(DeviceState.DISCONNECTED) > states.index(DeviceState.READY)


def test_a_port_that_comes_back_under_the_same_name_is_reopened(
    tmp_path: Path, make_scanner: MakeScanner, recorder: RecordingListener
) -> None:
    # An RS-232 adapter without USB identity: only its name is known, and it stays.
    port = tmp_path / "ttyUSB0"
    with PtyScannerSimulator() as sim:
        port.symlink_to(sim.port)
        make_scanner(str(port))  # the default finder: pyserial's real port list
        wait_state(recorder, DeviceState.READY)

        sim.unplug()
        wait_state(recorder, DeviceState.DISCONNECTED)
        port.unlink()
        port.symlink_to(sim.replug())
        wait_state(recorder, DeviceState.READY, times=2)
        sim.send("AGAIN")

        wait_scans(recorder, 1)
        assert recorder.scans[0].text == "AGAIN"


def test_a_scanner_started_while_unplugged_connects_when_plugged_in(
    tmp_path: Path, make_scanner: MakeScanner, recorder: RecordingListener
) -> None:
    port = tmp_path / "ttyACM0"
    make_scanner(str(port))
    wait_state(recorder, DeviceState.DISCONNECTED)

    with PtyScannerSimulator() as sim:
        port.symlink_to(sim.port)
        wait_state(recorder, DeviceState.READY)
        sim.send("FIRST")
        wait_scans(recorder, 1)
    assert recorder.states[:3] == [
        DeviceState.CONNECTING,
        DeviceState.DISCONNECTED,
        DeviceState.READY,
    ]


def test_several_scanners_are_independent_and_tagged_with_their_id(
    tmp_path: Path, make_scanner: MakeScanner, recorder: RecordingListener
) -> None:
    clock = FakeClock()
    with PtyScannerSimulator() as left, PtyScannerSimulator() as right:
        make_scanner(left.port, scanner_id="left", clock=clock)
        make_scanner(right.port, scanner_id="right", clock=clock, terminator="TAB")
        wait_state(recorder, DeviceState.READY, times=2)

        left.send("036000291452")
        wait_scans(recorder, 1)
        right.send("036000291452", "\t")
        wait_scans(recorder, 2)

    # Same value at the same moment, but from two scanners: two units, no duplicate.
    assert [(s.scanner_id, s.text, s.duplicate) for s in recorder.scans] == [
        ("left", "036000291452", False),
        ("right", "036000291452", False),
    ]


def test_a_port_held_by_another_reader_is_an_error_not_a_split_stream(
    sim: PtyScannerSimulator, make_scanner: MakeScanner, recorder: RecordingListener
) -> None:
    make_scanner(sim.port, scanner_id="first")
    wait_state(recorder, DeviceState.READY)
    second = make_scanner(sim.port, scanner_id="second")
    wait_state(recorder, DeviceState.ERROR)

    errors = [
        e for e in recorder.events if isinstance(e, StateChange) and e.state is DeviceState.ERROR
    ]
    assert [e.scanner_id for e in errors] == ["second"]
    assert "another program is using it" in errors[0].detail
    assert second.state is DeviceState.ERROR


def test_a_bad_port_url_is_an_error(make_scanner: MakeScanner, recorder: RecordingListener) -> None:
    make_scanner("nosuch://scanner")
    wait_state(recorder, DeviceState.ERROR)


def test_close_stops_the_thread_while_reading(
    sim: PtyScannerSimulator, recorder: RecordingListener
) -> None:
    scanner = SerialScanner(sim.port, scanner_id="S1", listener=recorder)
    scanner.start()
    wait_state(recorder, DeviceState.READY)

    scanner.close()

    assert not scanner.running
    assert recorder.states[-1] is DeviceState.CLOSED
    scanner.close()  # twice is harmless


def test_close_stops_the_thread_while_waiting_for_the_port(
    tmp_path: Path, recorder: RecordingListener
) -> None:
    scanner = SerialScanner(str(tmp_path / "absent"), scanner_id="S1", listener=recorder)
    scanner.start()
    wait_state(recorder, DeviceState.DISCONNECTED)

    scanner.close()

    assert not scanner.running
    assert recorder.states[-1] is DeviceState.CLOSED


def test_a_scanner_starts_once(sim: PtyScannerSimulator, recorder: RecordingListener) -> None:
    with (
        SerialScanner(sim.port, scanner_id="S1", listener=recorder) as scanner,
        pytest.raises(RuntimeError, match="already started"),
    ):
        scanner.start()
    assert not scanner.running


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"baudrate": 0}, "baudrate"),
        ({"terminator": "ENTER"}, "terminator"),
        ({"max_length": 0}, "max_length"),
        ({"duplicate_window_s": -1}, "duplicate window"),
        ({"reconnect_interval_s": 2}, "reconnect_interval_s"),
    ],
)
def test_bad_settings_are_refused_by_name(
    recorder: RecordingListener, setting: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        SerialScanner("/dev/ttyACM0", scanner_id="S1", listener=recorder, **setting)
