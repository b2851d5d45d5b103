"""The pty scanner simulator: a real terminal device that can be unplugged and renamed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import serial

from devices import pty_claim
from devices.scanners.simulator import (
    SIMULATED_IDENTITY,
    PtyScannerSimulator,
    SimulatorUnpluggedError,
)

from .support import posix_only

pytestmark = posix_only


def test_what_is_sent_reads_back_unchanged_through_pyserial(sim: PtyScannerSimulator) -> None:
    with pty_claim.admitted(sim.port):  # the simulator lets only this process in
        port = serial.Serial(sim.port, timeout=10)
    with port:
        sim.send("]C1\x1d0100036000291452", "\r\n")
        sim.send_bytes(b"\x00\xff\r")
        expected = b"]C1\x1d0100036000291452\r\n\x00\xff\r"
        assert port.read(len(expected)) == expected


def test_each_plug_gets_a_new_port_name_and_the_old_one_goes(tmp_path: Path) -> None:
    with PtyScannerSimulator(link_dir=tmp_path) as sim:
        first = sim.port
        assert first == str(tmp_path / "ttySIM0")
        sim.unplug()
        assert not sim.plugged
        assert not os.path.exists(first)
        second = sim.replug()
        assert second == sim.port == str(tmp_path / "ttySIM1")
        assert os.path.exists(second)


def test_it_answers_as_the_port_finder_only_while_plugged(sim: PtyScannerSimulator) -> None:
    assert sim.identify(sim.port) == SIMULATED_IDENTITY
    assert sim.identify("/dev/ttyACM0") is None
    assert sim.find(SIMULATED_IDENTITY) == sim.port
    sim.unplug()
    assert sim.identify(sim.port) is None
    assert sim.find(SIMULATED_IDENTITY) is None


def test_sending_to_an_unplugged_scanner_is_refused(sim: PtyScannerSimulator) -> None:
    sim.unplug()
    with pytest.raises(SimulatorUnpluggedError):
        sim.send("4006381333931")
