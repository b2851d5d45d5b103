"""The simulated printer cuts a byte stream into labels as a Zebra does."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from devices.printers.host_status import REQUEST, answer_complete
from devices.printers.transports import TcpTransport
from devices.printers.zpl_simulator import (
    SimulatedState,
    ZplSimulator,
    _Stream,
    host_status_answer,
)
from tests.helpers.zpl_sim import zpl_simulator

WAIT_S = 10.0


@pytest.fixture
def simulator() -> Iterator[ZplSimulator]:
    with zpl_simulator() as sim:
        yield sim


def send(sim: ZplSimulator, *pieces: bytes) -> None:
    with socket.create_connection(("127.0.0.1", sim.port), timeout=WAIT_S) as conn:
        for piece in pieces:
            conn.sendall(piece)


def test_labels_are_cut_at_xa_and_xz_whatever_arrives_between(simulator: ZplSimulator) -> None:
    send(simulator, b"\r\n junk ^XA^FDone^FS^XZ\n^xa^fdtwo^fs^xz trailing")
    assert simulator.wait_for_jobs(2, WAIT_S)
    assert simulator.jobs == [b"^XA^FDone^FS^XZ", b"^xa^fdtwo^fs^xz"]


def test_an_unfinished_label_is_dropped_when_the_connection_ends(simulator: ZplSimulator) -> None:
    send(simulator, b"^XA^FDcut off")
    send(simulator, b"^XA^FDwhole^FS^XZ")
    assert simulator.wait_for_jobs(1, WAIT_S)
    assert simulator.jobs == [b"^XA^FDwhole^FS^XZ"]


def test_tokens_split_across_reads_are_still_found() -> None:
    stream = _Stream()
    pieces = [b"~H", b"S^", b"X", b"A^FDx^FS~", b"HS^X", b"Z"]
    results = [stream.feed(piece) for piece in pieces]
    labels = [label for found, _ in results for label in found]
    assert labels == [b"^XA^FDx^FS~HS^XZ"]
    assert sum(len(requests) for _, requests in results) == 2


def test_status_can_change_while_it_runs(simulator: ZplSimulator) -> None:
    transport = TcpTransport("127.0.0.1", simulator.port)
    for state in (SimulatedState.PAPER_OUT, SimulatedState.READY, SimulatedState.HEAD_OPEN):
        simulator.state = state
        assert transport.query(REQUEST, WAIT_S, answer_complete) == host_status_answer(state)
    transport.close()
    assert simulator.status_requests == 3


def test_two_clients_at_once_are_both_served(simulator: ZplSimulator) -> None:
    with (
        socket.create_connection(("127.0.0.1", simulator.port), timeout=WAIT_S) as first,
        socket.create_connection(("127.0.0.1", simulator.port), timeout=WAIT_S) as second,
    ):
        first.sendall(b"^XA^FD1")
        second.sendall(b"^XA^FD2^FS^XZ")
        first.sendall(b"^FS^XZ")
    assert simulator.wait_for_jobs(2, WAIT_S)
    assert sorted(simulator.jobs) == [b"^XA^FD1^FS^XZ", b"^XA^FD2^FS^XZ"]


def test_port_zero_picks_a_free_port_and_stop_releases_it() -> None:
    sim = ZplSimulator().start()
    port = sim.port
    assert port > 0 and sim.url == f"tcp://127.0.0.1:{port}"
    sim.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)


def test_wait_for_jobs_gives_up_after_its_timeout(simulator: ZplSimulator) -> None:
    assert not simulator.wait_for_jobs(1, 0.01)
