"""The ESC/POS printer: python-escpos printers over Dummy and a real TCP socket, with status."""

from __future__ import annotations

import re
import socket
import struct
import threading
from collections.abc import Callable, Iterator

import pytest
from escpos.constants import RT_STATUS
from escpos.printer import Dummy, Network

from devices.printers.escpos_label import print_escpos_label
from devices.printers.escpos_printer import EscposLabelPrinter
from devices.printers.status import PrinterState
from station.ports import LabelPrinter, PrintError
from tests.helpers.zpl_sim import JOB, make_label

WAIT_S = 10.0
READY = {1: 0x12, 2: 0x12, 4: 0x12}


class AnsweringDummy(Dummy):
    """A Dummy that answers DLE EOT n with the byte set for n (or nothing)."""

    def __init__(self, answers: dict[int, int]) -> None:
        super().__init__(profile="TM-T88V")
        self.answers = answers
        self._asked = 0

    def _raw(self, msg: bytes) -> None:
        if msg.startswith(RT_STATUS):
            self._asked = msg[2]
        super()._raw(msg)

    def _read(self) -> bytes:
        answer = self.answers.get(self._asked)
        return b"" if answer is None else bytes([answer])


def test_prints_on_a_dummy_and_names_the_job() -> None:
    dummy = Dummy(profile="TM-T88V")
    printer: LabelPrinter = EscposLabelPrinter(lambda: dummy)
    result = printer.print_label(JOB, make_label())
    assert result.location == f"escpos+dummy job {JOB[:8]}"
    reference = Dummy(profile="TM-T88V")
    print_escpos_label(reference, make_label())
    assert dummy.output.endswith(reference.output)


def test_a_printer_that_cannot_read_is_unknown_and_still_prints() -> None:
    dummy = Dummy(profile="TM-T88V")
    printer = EscposLabelPrinter(lambda: dummy)
    assert printer.status().state is PrinterState.UNKNOWN
    printer.print_label(JOB, make_label())
    assert b"Jan de Vries" in dummy.output


@pytest.mark.parametrize(
    ("answers", "state"),
    [
        (READY, PrinterState.READY),
        ({**READY, 4: 0x72}, PrinterState.PAPER_OUT),
        ({**READY, 1: 0x1A, 2: 0x32}, PrinterState.PAPER_OUT),
        ({**READY, 1: 0x1A, 2: 0x16}, PrinterState.HEAD_OPEN),
        ({**READY, 1: 0x1A, 2: 0x52}, PrinterState.ERROR),
        ({**READY, 1: 0x1A}, PrinterState.OFFLINE),
        ({**READY, 4: 0x1E}, PrinterState.PAPER_LOW),
        ({1: 0x12}, PrinterState.UNKNOWN),  # stops answering half way
        ({**READY, 1: 0xFF}, PrinterState.UNKNOWN),  # not a status byte
    ],
)
def test_status_reads_dle_eot(answers: dict[int, int], state: PrinterState) -> None:
    assert EscposLabelPrinter(lambda: AnsweringDummy(answers)).status().state is state


def test_paper_out_refuses_the_label_and_prints_nothing() -> None:
    dummy = AnsweringDummy({**READY, 4: 0x72})
    with pytest.raises(PrintError, match="out of paper: load labels"):
        EscposLabelPrinter(lambda: dummy).print_label(JOB, make_label())
    assert b"Jan de Vries" not in dummy.output


def test_paper_low_still_prints() -> None:
    dummy = AnsweringDummy({**READY, 4: 0x1E})
    EscposLabelPrinter(lambda: dummy).print_label(JOB, make_label())
    assert b"Jan de Vries" in dummy.output


def test_a_factory_that_fails_is_a_print_error() -> None:
    def broken() -> Dummy:
        raise OSError(2, "No such file or directory")

    printer = EscposLabelPrinter(broken)
    assert printer.status().state is PrinterState.UNREACHABLE
    with pytest.raises(PrintError, match=r"cannot be opened.*switched on"):
        printer.print_label(JOB, make_label())


def test_library_errors_while_printing_become_a_print_error() -> None:
    class Unplugged(AnsweringDummy):
        """Answers its status, then the cable comes out."""

        def _raw(self, msg: bytes) -> None:
            if not msg.startswith(RT_STATUS):
                raise BrokenPipeError(32, "Broken pipe")
            super()._raw(msg)

    with pytest.raises(PrintError, match="stopped taking the label"):
        EscposLabelPrinter(lambda: Unplugged(READY)).print_label(JOB, make_label())


class EscposServer:
    """A network receipt printer on 127.0.0.1: answers DLE EOT, keeps every byte."""

    def __init__(self, answers: dict[int, int], reset_after: int | None = None) -> None:
        """`reset_after`: bytes read before it resets the connection, as a crashing printer."""
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.server.getsockname()[1]
        self.answers = answers
        self.reset_after = reset_after
        self.received = bytearray()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            while chunk := conn.recv(64):
                self.received += chunk
                if self.reset_after is not None and len(self.received) > self.reset_after:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    break
                for n, answer in self.answers.items():
                    if chunk.endswith(RT_STATUS + bytes([n])):
                        conn.sendall(bytes([answer]))
        self.done.set()
        self.server.close()


@pytest.fixture
def network() -> Iterator[Callable[..., EscposServer]]:
    servers: list[EscposServer] = []

    def start(answers: dict[int, int], reset_after: int | None = None) -> EscposServer:
        servers.append(EscposServer(answers, reset_after))
        return servers[-1]

    yield start
    for server in servers:
        server.server.close()


def test_over_a_real_socket_the_printer_gets_status_questions_then_the_label(
    network: Callable[[dict[int, int]], EscposServer],
) -> None:
    server = network(READY)
    printer = EscposLabelPrinter(lambda: Network("127.0.0.1", server.port, timeout=WAIT_S))
    result = printer.print_label(JOB, make_label())
    assert server.done.wait(WAIT_S)
    reference = Dummy(profile="default")
    print_escpos_label(reference, make_label())
    questions = b"".join(RT_STATUS + bytes([n]) for n in (1, 2, 4))
    assert bytes(server.received) == questions + reference.output
    assert result.location == f"escpos+tcp://127.0.0.1:{server.port} job {JOB[:8]}"


def test_over_a_real_socket_a_silent_printer_is_unknown_within_two_seconds(
    network: Callable[[dict[int, int]], EscposServer],
) -> None:
    server = network({})
    printer = EscposLabelPrinter(lambda: Network("127.0.0.1", server.port, timeout=WAIT_S))
    assert printer.status(timeout=0.2).state is PrinterState.UNKNOWN


def test_no_network_printer_at_the_address_says_what_to_check() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = EscposLabelPrinter(lambda: Network("127.0.0.1", port, timeout=WAIT_S))
    with pytest.raises(PrintError, match=re.escape(f"127.0.0.1:{port} cannot be reached")):
        printer.print_label(JOB, make_label())


def test_an_absent_usb_escpos_printer_is_reported_not_connected_not_a_crash() -> None:
    from devices.registry import label_printer
    from station.device_urls import Role, parse_device_url
    from station.labels import sample_label

    url = parse_device_url("escpos+usb://1209:0002", Role.LABEL_PRINTER)  # no such device here
    printer, close = label_printer(url, None)  # type: ignore[arg-type]
    try:
        with pytest.raises(PrintError, match="cannot be reached"):
            printer.print_label("job-1", sample_label())
    finally:
        close()


def test_over_a_real_socket_a_reset_mid_label_is_not_a_delivery(
    network: Callable[..., EscposServer],
) -> None:
    server = network(READY, reset_after=100)
    printer = EscposLabelPrinter(lambda: Network("127.0.0.1", server.port, timeout=WAIT_S))
    with pytest.raises(PrintError, match=f"127.0.0.1:{server.port} stopped taking the label"):
        printer.print_label(JOB, make_label())
