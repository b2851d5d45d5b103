"""Simulators claim their pseudo-terminal: only this process's own reader may open it.

Another program configured with the simulator's /dev/pts/N (a stray station
reconnecting every 2 s) must never take a test's or a benchmark's port.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import serial

from devices import pty_claim
from devices.scales.simulator import ScaleSimulator
from devices.scanners.recorder import RecordingListener
from devices.scanners.serial_scanner import SerialScanner
from devices.scanners.simulator import PtyScannerSimulator
from devices.state import DeviceState

from .support import posix_only, wait_scans, wait_state

pytestmark = posix_only

# The stray station: another process, opening the port with pyserial as we do.
_STRAY = """
import sys, serial
try:
    serial.Serial(sys.argv[1], exclusive=True)
except serial.SerialException as exc:
    print(exc.errno)
else:
    print("opened")
"""


def stray_open(port: str, *wrapper: str) -> str:
    """What another program gets when it opens `port` by its /dev/pts name."""
    done = subprocess.run(
        [*wrapper, sys.executable, "-c", _STRAY, os.path.realpath(port)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


# Refused at open (EBUSY, exclusive mode) or, for root, at pyserial's lock (EAGAIN).
REFUSED = {str(errno.EBUSY), str(errno.EAGAIN)}


def refused(port: str) -> bool:
    """Whether this process, outside `admitted`, is kept from opening and locking `port`."""
    import fcntl  # POSIX only, like the whole module

    try:
        fd = os.open(port, os.O_RDWR | os.O_NOCTTY)
    except OSError as exc:
        return exc.errno == errno.EBUSY
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_another_program_cannot_take_a_new_simulator_port(sim: PtyScannerSimulator) -> None:
    assert stray_open(sim.port) in REFUSED


@pytest.mark.skipif(
    shutil.which("setpriv") is None or os.geteuid() != 0,
    reason="as root, with util-linux setpriv (as a user, the test above shows EBUSY already)",
)
def test_a_program_without_root_powers_cannot_even_open_it(sim: PtyScannerSimulator) -> None:
    # Root (CAP_SYS_ADMIN) passes exclusive mode, so the stray drops that power first.
    assert stray_open(sim.port, "setpriv", "--bounding-set=-sys_admin") == str(errno.EBUSY)


def test_our_reader_opens_the_claimed_port_and_nobody_else_can_while_it_reads(
    sim: PtyScannerSimulator,
    recorder: RecordingListener,
    make_scanner: Callable[..., SerialScanner],
) -> None:
    make_scanner(sim.port, port_finder=sim)
    wait_state(recorder, DeviceState.READY)
    assert stray_open(sim.port) in REFUSED
    sim.send("4006381333931")
    wait_scans(recorder, 1)
    assert recorder.scans[0].text == "4006381333931"


def test_after_a_replug_the_new_port_is_claimed_and_our_reader_gets_it(
    sim: PtyScannerSimulator,
    recorder: RecordingListener,
    make_scanner: Callable[..., SerialScanner],
) -> None:
    make_scanner(sim.port, port_finder=sim)
    wait_state(recorder, DeviceState.READY)
    sim.unplug()
    sim.replug()
    wait_state(recorder, DeviceState.READY, times=2)
    assert refused(sim.port)
    sim.send("4006381333931")
    wait_scans(recorder, 1)


def test_a_scale_simulator_port_is_refused_to_others_and_open_to_us() -> None:
    with ScaleSimulator("mt-sics") as sim:
        assert refused(sim.port)
        with pty_claim.admitted(sim.port):
            ours = serial.Serial(sim.port, exclusive=True)
        try:
            assert refused(sim.port)
        finally:
            ours.close()


def test_a_port_no_simulator_claims_is_left_alone(tmp_path: Path) -> None:
    plain = tmp_path / "not-a-tty"
    plain.write_text("")
    with pty_claim.admitted(str(plain)):
        os.close(os.open(plain, os.O_RDONLY))
