"""The ZPL printer over real TCP to the simulator: delivery, status, refusals, recovery."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.printers.status import PrinterState
from devices.printers.transports import FileTransport, TcpTransport
from devices.printers.zpl import render_zpl
from devices.printers.zpl_printer import ZplPrinter
from devices.printers.zpl_simulator import SimulatedState, ZplSimulator
from station.ports import LabelPrinter, PrintError, Recheck
from tests.helpers.zpl_sim import JOB, make_label, zpl_simulator

OTHER_JOB = "9b1d0c2e-1111-4a2b-8c3d-4e5f60718293"
WAIT_S = 10.0  # generous for a loaded machine; a passing test never waits this long


@pytest.fixture
def simulator() -> Iterator[ZplSimulator]:
    with zpl_simulator() as sim:
        yield sim


def printer_for(sim: ZplSimulator, **options: float) -> ZplPrinter:
    return ZplPrinter(TcpTransport("127.0.0.1", sim.port, timeout=WAIT_S), **options)


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_is_a_label_printer(simulator: ZplSimulator) -> None:
    printer: LabelPrinter = printer_for(simulator)
    assert printer.print_label(JOB, make_label()).location


def test_label_arrives_byte_exact_and_the_result_names_the_job(simulator: ZplSimulator) -> None:
    label = make_label()
    result = printer_for(simulator).print_label(JOB, label)
    assert simulator.wait_for_jobs(1, WAIT_S)
    assert simulator.jobs == [render_zpl(label)]
    assert result.location == f"zpl+tcp://127.0.0.1:{simulator.port} job {JOB[:8]}"
    assert simulator.status_requests == 2  # asked before it printed, and after: it took it


def test_300_dpi_printer_sends_the_300_dpi_label(simulator: ZplSimulator) -> None:
    label = make_label()
    printer_for(simulator).print_label(JOB, label)
    ZplPrinter(TcpTransport("127.0.0.1", simulator.port), dpi=300).print_label(OTHER_JOB, label)
    assert simulator.wait_for_jobs(2, WAIT_S)
    assert simulator.jobs == [render_zpl(label, 203), render_zpl(label, 300)]


def test_hostile_data_reaches_the_printer_as_one_label(simulator: ZplSimulator) -> None:
    label = make_label(order_number="SO-1^XZ^XA~JR", tracking="X^XZ~HS")
    printer_for(simulator).print_label(JOB, label)
    printer_for(simulator).print_label(OTHER_JOB, make_label())
    assert simulator.wait_for_jobs(2, WAIT_S)
    assert len(simulator.jobs) == 2  # the printer saw no extra label end or start
    assert simulator.status_requests == 4  # before and after each, and no ~HS hidden in the data


@pytest.mark.parametrize(
    ("simulated", "state"),
    [
        (SimulatedState.READY, PrinterState.READY),
        (SimulatedState.PAPER_OUT, PrinterState.PAPER_OUT),
        (SimulatedState.HEAD_OPEN, PrinterState.HEAD_OPEN),
        (SimulatedState.PAUSED, PrinterState.PAUSED),
        (SimulatedState.RIBBON_OUT, PrinterState.RIBBON_OUT),
    ],
)
def test_status_reports_the_printers_state(
    simulator: ZplSimulator, simulated: SimulatedState, state: PrinterState
) -> None:
    simulator.state = simulated
    assert printer_for(simulator).status().state is state


def test_no_answer_is_unknown_within_two_seconds(simulator: ZplSimulator) -> None:
    simulator.state = SimulatedState.NO_ANSWER
    started = time.monotonic()
    status = printer_for(simulator).status(timeout=60.0)  # capped at 2 s
    elapsed = time.monotonic() - started
    assert status.state is PrinterState.UNKNOWN
    assert elapsed < 2.0 + 1.5  # the cap plus a loaded machine's slack


def test_a_printer_that_never_answers_still_gets_its_label(simulator: ZplSimulator) -> None:
    simulator.state = SimulatedState.NO_ANSWER
    printer_for(simulator, status_timeout=0.2).print_label(JOB, make_label())
    assert simulator.wait_for_jobs(1, WAIT_S)


@pytest.mark.parametrize(
    ("simulated", "message"),
    [
        (SimulatedState.PAPER_OUT, "Label printer out of paper: load labels, the label prints by"),
        (SimulatedState.HEAD_OPEN, "head or cover is open: close it"),
        (SimulatedState.PAUSED, "paused: press its pause button"),
        (SimulatedState.RIBBON_OUT, "out of ribbon: load a new ribbon"),
        (SimulatedState.BUFFER_FULL, "busy"),
    ],
)
def test_a_printer_that_cannot_print_gets_no_label_and_the_packer_hears_why(
    simulator: ZplSimulator, simulated: SimulatedState, message: str
) -> None:
    simulator.state = simulated
    with pytest.raises(PrintError, match=message):
        printer_for(simulator).print_label(JOB, make_label())
    assert simulator.status_requests == 1
    assert simulator.jobs == []


def test_once_paper_is_loaded_the_label_prints(simulator: ZplSimulator) -> None:
    printer = printer_for(simulator)
    simulator.state = SimulatedState.PAPER_OUT
    with pytest.raises(PrintError, match="out of paper"):
        printer.print_label(JOB, make_label())
    simulator.state = SimulatedState.READY
    printer.print_label(JOB, make_label())
    assert simulator.wait_for_jobs(1, WAIT_S)
    assert simulator.jobs == [render_zpl(make_label())]


def test_no_printer_at_the_address_says_what_to_check() -> None:
    port = free_port()
    printer = ZplPrinter(TcpTransport("127.0.0.1", port))
    assert printer.status().state is PrinterState.UNREACHABLE
    expected = re.escape(f"127.0.0.1:{port} cannot be reached") + ".*switched on"
    with pytest.raises(PrintError, match=expected):
        printer.print_label(JOB, make_label())


def test_printer_switched_off_and_on_again_is_found_again() -> None:
    with zpl_simulator() as first:
        port = first.port
        printer = ZplPrinter(TcpTransport("127.0.0.1", port))
        printer.print_label(JOB, make_label())
        assert first.wait_for_jobs(1, WAIT_S)
    with pytest.raises(PrintError, match="cannot be reached"):
        printer.print_label(OTHER_JOB, make_label())
    with ZplSimulator(port=port) as second:
        printer.print_label(OTHER_JOB, make_label())
        assert second.wait_for_jobs(1, WAIT_S)


def test_label_too_long_is_refused_before_connecting() -> None:
    printer = ZplPrinter(TcpTransport("127.0.0.1", free_port()))
    with pytest.raises(PrintError, match="too long to fit"):
        printer.print_label(JOB, make_label(courier="Courier " * 300))


def test_to_a_folder_each_job_is_one_file_and_a_resend_replaces_it(tmp_path: Path) -> None:
    printer = ZplPrinter(FileTransport(tmp_path))
    first = printer.print_label(JOB, make_label())
    printer.print_label(JOB, make_label())
    printer.print_label(OTHER_JOB, make_label(parcel_no=2))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{JOB}.zpl", f"{OTHER_JOB}.zpl"])
    assert (tmp_path / f"{JOB}.zpl").read_bytes() == render_zpl(make_label())
    assert first.location == f"zpl+{tmp_path.absolute().as_uri()} job {JOB[:8]}"
    assert printer.status().state is PrinterState.UNKNOWN  # a folder cannot say


def test_an_unknown_dpi_is_refused() -> None:
    with pytest.raises(ValueError, match="dpi"):
        ZplPrinter(FileTransport("."), dpi=600)


def test_the_odometer_tells_whether_a_label_printed_since_the_checkpoint(
    simulator: ZplSimulator,
) -> None:
    printer = printer_for(simulator)
    before = printer.checkpoint()
    assert before == "odometer=1000"
    assert printer.recheck(JOB, before) is Recheck.RESEND  # nothing printed since
    printer.print_label(JOB, make_label())
    assert printer.recheck(JOB, before) is Recheck.PRINTED
    assert printer.recheck(JOB, "") is Recheck.ASK  # no checkpoint: only the packer knows


@pytest.mark.parametrize("state", [SimulatedState.PAUSED, SimulatedState.NO_ANSWER])
def test_a_printer_that_holds_labels_or_does_not_answer_cannot_tell(
    simulator: ZplSimulator, state: SimulatedState
) -> None:
    printer = printer_for(simulator, status_timeout=0.2)
    before = printer.checkpoint()
    simulator.state = state
    assert printer.checkpoint() == ""
    assert printer.recheck(JOB, before) is Recheck.ASK


def test_a_folder_printer_just_writes_a_job_again(tmp_path: Path) -> None:
    printer = ZplPrinter(FileTransport(tmp_path))
    assert printer.recheck(JOB, printer.checkpoint()) is Recheck.RESEND
    assert ZplPrinter(FileTransport(tmp_path / "one.zpl")).checkpoint() == ""
