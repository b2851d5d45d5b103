"""Transports move bytes and nothing else: TCP on 127.0.0.1, serial on loop://, files."""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.printers.host_status import REQUEST, answer_complete
from devices.printers.transports import (
    MAX_ANSWER_BYTES,
    FileTransport,
    NotTaken,
    SerialTransport,
    TcpTransport,
    TransportError,
)
from devices.printers.zpl_simulator import SimulatedState, ZplSimulator, host_status_answer
from tests.helpers.zpl_sim import zpl_simulator

WAIT_S = 10.0


@pytest.fixture
def simulator() -> Iterator[ZplSimulator]:
    with zpl_simulator() as sim:
        yield sim


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_tcp_query_stops_as_soon_as_the_answer_is_complete(simulator: ZplSimulator) -> None:
    transport = TcpTransport("127.0.0.1", simulator.port)
    started = time.monotonic()
    answer = transport.query(REQUEST, timeout=60.0, complete=answer_complete)
    transport.close()
    assert answer == host_status_answer(SimulatedState.READY)
    assert time.monotonic() - started < 30.0  # far below the timeout: it did not wait for it


def test_a_printer_that_talks_garbage_forever_gets_a_bounded_read() -> None:
    """The answer stops at a printer's size: the station's memory and its status
    question's bound do not depend on how long the device keeps talking."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def babble() -> None:
        conn, _ = server.accept()
        with conn:
            while not stop.is_set():
                try:
                    conn.sendall(b"\x02garbage,not,a,status\x03\r\n" * 1000)
                except OSError:
                    return

    talker = threading.Thread(target=babble, daemon=True)
    talker.start()
    transport = TcpTransport("127.0.0.1", server.getsockname()[1])
    try:
        answer = transport.query(REQUEST, timeout=5.0, complete=lambda data: False)
    finally:
        stop.set()
        transport.close()
        server.close()
        talker.join(timeout=10)
    assert answer is not None and MAX_ANSWER_BYTES <= len(answer) < MAX_ANSWER_BYTES + 4096


def test_tcp_query_without_an_answer_is_none(simulator: ZplSimulator) -> None:
    simulator.state = SimulatedState.NO_ANSWER
    transport = TcpTransport("127.0.0.1", simulator.port)
    assert transport.query(REQUEST, timeout=0.2, complete=answer_complete) is None
    transport.close()


def test_tcp_send_then_close_delivers_everything(simulator: ZplSimulator) -> None:
    transport = TcpTransport("127.0.0.1", simulator.port)
    big = b"^XA" + b"^FO10,10^FDx^FS" * 100_000 + b"^XZ"
    transport.send(big)
    transport.close()
    assert simulator.wait_for_jobs(1, WAIT_S)
    assert simulator.jobs == [big]


def test_tcp_nothing_listening_is_a_transport_error() -> None:
    transport = TcpTransport("127.0.0.1", closed_port())
    with pytest.raises(TransportError, match="cannot connect"):
        transport.send(b"^XA^XZ")
    with pytest.raises(TransportError, match="cannot connect"):
        transport.query(REQUEST, timeout=0.5)


def test_tcp_url_names_host_and_port() -> None:
    assert TcpTransport("10.0.0.7").url == "tcp://10.0.0.7:9100"
    assert TcpTransport("::1", 9101).url == "tcp://[::1]:9101"


class LateAnswerPrinter:
    """Answers a status request only after the client gave up on it, then reads a label."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.server.getsockname()[1]
        self.answer_now = threading.Event()
        self.answered = threading.Event()
        self.received = bytearray()
        self.ending = ""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            while REQUEST not in self.received:
                self.received += conn.recv(65536)
            self.answer_now.wait(WAIT_S)
            conn.sendall(host_status_answer(SimulatedState.READY))
            self.answered.set()
            try:
                while chunk := conn.recv(65536):
                    self.received += chunk
                self.ending = "end of stream"
            except ConnectionResetError:
                # A reset lets a printer throw away what it has not read yet.
                self.ending = "reset"
        self.server.close()


def test_a_late_answer_does_not_end_the_job_with_a_reset() -> None:
    # Closing a socket with unread bytes resets the connection and drops what
    # was not yet sent; close() reads the late answer first.
    printer = LateAnswerPrinter()
    transport = TcpTransport("127.0.0.1", printer.port)
    assert transport.query(REQUEST, timeout=0.05) is None
    printer.answer_now.set()
    assert printer.answered.wait(WAIT_S)
    label = b"^XA" + b"^FO10,10^FDy^FS" * 200_000 + b"^XZ"
    transport.send(label)
    transport.close()
    printer.thread.join(WAIT_S)
    assert printer.ending == "end of stream"
    assert bytes(printer.received) == REQUEST + label


def test_serial_loopback_query_and_send() -> None:
    transport = SerialTransport("loop://", 19200)
    assert transport.query(b"abc", timeout=WAIT_S, complete=lambda a: len(a) >= 3) == b"abc"
    assert transport.query(b"", timeout=0.05) is None
    transport.send(b"^XA^XZ")
    transport.close()
    assert transport.url == "loop://"
    assert SerialTransport("/dev/ttyUSB0").url == "serial:///dev/ttyUSB0"


def test_serial_port_that_does_not_exist_is_a_transport_error(tmp_path: Path) -> None:
    transport = SerialTransport(str(tmp_path / "ttyNONE"))
    with pytest.raises(TransportError, match="cannot open"):
        transport.send(b"^XA^XZ")


def test_file_folder_one_file_per_job_replaced_on_resend(tmp_path: Path) -> None:
    transport = FileTransport(tmp_path)
    transport.send(b"first", job_id="job-1")
    transport.send(b"again", job_id="job-1")
    transport.send(b"other", job_id="../../escape")
    transport.send(b"no id")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 3 and "job-1.zpl" in names and "escape.zpl" in names
    assert (tmp_path / "job-1.zpl").read_bytes() == b"again"
    assert transport.query(b"~HS", timeout=1.0) is None


def test_file_path_is_replaced_by_each_job(tmp_path: Path) -> None:
    target = tmp_path / "label.zpl"
    transport = FileTransport(target)
    transport.send(b"one")
    transport.send(b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["label.zpl"]  # no temp file left


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs a character device")
def test_file_device_is_written_as_a_stream() -> None:
    FileTransport("/dev/null").send(b"^XA^XZ")


def test_file_unwritable_is_a_transport_error(tmp_path: Path) -> None:
    with pytest.raises(TransportError, match="writing failed"):
        FileTransport(tmp_path / "missing" / "label.zpl").send(b"x")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_device_that_never_reads_did_not_take_the_job(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    os.mkfifo(device)
    reader = os.open(device, os.O_RDONLY | os.O_NONBLOCK)  # there, and never reading
    try:
        transport = FileTransport(device, timeout=0.5)
        transport.send(b"^XA^XZ")  # a small job fits the device's buffer: taken
        with pytest.raises(NotTaken, match=r"not taken within 0\.5 s"):
            transport.send(b"^XA" + b"x" * 1_000_000 + b"^XZ")
    finally:
        os.close(reader)
    with pytest.raises(TransportError, match="writing failed"):
        FileTransport(device, timeout=0.5).send(b"^XA^XZ")  # nobody at the other end


def test_a_reset_after_the_bytes_went_out_is_not_a_delivery() -> None:
    # The printer reads a little, then resets: sendall alone would have "succeeded".
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        conn, _ = server.accept()
        conn.recv(100)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with pytest.raises(TransportError, match="sending failed"):
            TcpTransport("127.0.0.1", port, timeout=WAIT_S).send(b"^XA" + b"y" * 5000 + b"^XZ")
    finally:
        thread.join(WAIT_S)
        server.close()
