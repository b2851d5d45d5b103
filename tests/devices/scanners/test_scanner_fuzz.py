"""Random bytes on a real line never crash the scanner and never become an invalid scan."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.scanners.framing import VALID_BYTES
from devices.scanners.recorder import RecordingListener
from devices.scanners.serial_scanner import SerialScanner
from devices.scanners.simulator import PtyScannerSimulator
from devices.state import DeviceState

from .support import TIMEOUT, posix_only, wait_state

pytestmark = posix_only

MAX_LENGTH = 32
ENDINGS = {"CR": "\r", "LF": "\n", "CRLF": "\r\n", "TAB": "\t", "AUTO": "\r"}


@pytest.mark.parametrize("terminator", sorted(ENDINGS))
def test_random_bytes_never_crash_the_thread_or_make_an_invalid_scan(terminator: str) -> None:
    ending = ENDINGS[terminator]
    recorder = RecordingListener()
    marks = itertools.count()
    with (
        PtyScannerSimulator() as sim,
        SerialScanner(
            sim.port,
            scanner_id="fuzz",
            listener=recorder,
            terminator=terminator,
            max_length=MAX_LENGTH,
            duplicate_window_s=0,
        ) as scanner,
    ):
        wait_state(recorder, DeviceState.READY)

        # One scanner for all examples: a thread and a pty per example would be slow.
        @settings(
            max_examples=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(noise=st.binary(max_size=200) | st.sampled_from([b"\x1d" * 40, b"\r\n" * 20]))
        def check(noise: bytes) -> None:
            seen = len(recorder.events)
            mark = f"MARK-{next(marks)}"
            # The leading terminator ends whatever the noise left unfinished, so the mark
            # arrives alone and tells that the scanner has read everything before it.
            sim.send_bytes(noise + f"{ending}{mark}{ending}".encode("ascii"))
            assert recorder.wait_for(lambda r: any(s.text == mark for s in r.scans), TIMEOUT)

            for event in recorder.scans[seen:]:
                assert set(event.raw) <= VALID_BYTES, event
                assert event.text == event.raw.decode("latin-1")
                assert 0 < len(event.raw) <= MAX_LENGTH
            assert scanner.running
            assert scanner.state is DeviceState.READY

        check()
