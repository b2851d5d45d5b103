"""The simulator speaks each protocol over a real pty, as read by plain pyserial."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import serial

from devices import pty_claim
from devices.scales.protocols import ProtocolName
from devices.scales.simulator import ScaleSimulator

from .conftest import WAIT_S

OpenPort = Callable[..., tuple[ScaleSimulator, serial.Serial]]


@pytest.fixture
def port() -> Iterator[OpenPort]:
    """Open a simulator and a plain pyserial port on it: `port("nci", unit="lb")`."""
    sims: list[ScaleSimulator] = []
    ports: list[serial.Serial] = []

    def open_(protocol: ProtocolName, **options: Any) -> tuple[ScaleSimulator, serial.Serial]:
        sims.append(ScaleSimulator(protocol, **options))
        with pty_claim.admitted(sims[-1].port):  # the simulator lets only us in
            ports.append(serial.Serial(sims[-1].port, timeout=WAIT_S))
        return sims[-1], ports[-1]

    yield open_
    for each in ports:
        each.close()
    for sim in sims:
        sim.close()


def test_mt_sics_answers_s_si_and_refuses_the_rest(port: OpenPort) -> None:
    sim, line = port("mt-sics", unit="g")
    sim.set_weight(1234)
    line.write(b"S\r\nSI\r\nXYZ\r\n")
    assert [line.read_until(b"\r\n") for _ in range(3)] == [
        b"S S       1234 g\r\n",
        b"S S       1234 g\r\n",
        b"ES\r\n",
    ]


def test_mt_sics_holds_s_until_the_weight_settles(port: OpenPort) -> None:
    sim, line = port("mt-sics", unit="kg", busy_after=WAIT_S)
    sim.set_weight(1500, stable=False)
    line.write(b"SI\r\nS\r\n")
    assert line.read_until(b"\r\n") == b"S D      1.500 kg\r\n"
    assert sim.wait_for_commands(2, WAIT_S)
    sim.set_weight(1520)
    assert line.read_until(b"\r\n") == b"S S      1.520 kg\r\n"


def test_mt_sics_says_busy_when_s_does_not_settle(port: OpenPort) -> None:
    sim, line = port("mt-sics", busy_after=0.05)
    sim.set_weight(1500, stable=False)
    line.write(b"S\r\n")
    assert line.read_until(b"\r\n") == b"S I\r\n"


def test_nci_answers_w_s_and_unknown_commands(port: OpenPort) -> None:
    sim, line = port("nci", unit="lb")
    sim.set_weight(560, stable=False)
    line.write(b"W\rS\rQ\r")
    assert [line.read_until(b"\x03") for _ in range(3)] == [
        b"\n  1.235lb\r\n10\r\x03",
        b"\n10\r\x03",
        b"\n?\r\x03",
    ]


def test_cas_streams_without_being_asked(port: OpenPort) -> None:
    sim, line = port("cas", unit="kg")
    sim.set_weight(1234)
    assert sim.commands_received == 0
    # Lines sent before set_weight may still be on the way; the new one follows.
    while (got := line.read_until(b"\r\n")) != b"ST,GS,+  1.234kg\r\n":
        assert got.startswith(b"ST,GS,+"), got
    sim.set_overload()
    while (got := line.read_until(b"\r\n")) != b"OL,GS,+9999999kg\r\n":
        assert got == b"ST,GS,+  1.234kg\r\n", got
