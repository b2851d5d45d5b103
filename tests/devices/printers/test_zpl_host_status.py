"""~HS answers, from the ZPL manual's layout: each flag, and what is not an answer."""

from __future__ import annotations

import pytest

from devices.printers.host_status import (
    answer_complete,
    formats_waiting,
    odometer_complete,
    parse_host_status,
    parse_odometer,
)
from devices.printers.status import BLOCKING, PrinterState, PrinterStatus
from devices.printers.zpl_simulator import SimulatedState, host_status_answer, odometer_answer
from devices.state import DeviceState


def answer(line1: str, line2: str, line3: str = "1234,0") -> bytes:
    return b"".join(b"\x02" + line.encode() + b"\x03\r\n" for line in (line1, line2, line3))


READY_1 = "030,0,0,1218,000,0,0,0,000,0,0,0"
READY_2 = "000,0,0,0,1,2,6,0,00000000,1,000"


def test_all_clear_is_ready() -> None:
    status = parse_host_status(answer(READY_1, READY_2))
    assert status.state is PrinterState.READY
    assert not status.blocks_printing


@pytest.mark.parametrize(
    ("line1", "line2", "state"),
    [
        ("030,1,0,1218,000,0,0,0,000,0,0,0", READY_2, PrinterState.PAPER_OUT),
        ("030,0,1,1218,000,0,0,0,000,0,0,0", READY_2, PrinterState.PAUSED),
        ("030,0,0,1218,000,1,0,0,000,0,0,0", READY_2, PrinterState.BUFFER_FULL),
        ("030,0,0,1218,000,0,0,0,000,1,0,0", READY_2, PrinterState.ERROR),
        (READY_1, "000,0,1,0,1,2,6,0,00000000,1,000", PrinterState.HEAD_OPEN),
        (READY_1, "000,0,0,1,1,2,6,0,00000000,1,000", PrinterState.RIBBON_OUT),
    ],
)
def test_each_flag_is_read_and_stops_printing(line1: str, line2: str, state: PrinterState) -> None:
    status = parse_host_status(answer(line1, line2))
    assert status.state is state
    assert status.problems == {state}
    assert status.blocks_printing


def test_paper_out_with_the_pause_it_causes_tells_the_packer_about_paper() -> None:
    status = parse_host_status(answer("030,1,1,1218,000,0,0,0,000,0,0,0", READY_2))
    assert status.problems == {PrinterState.PAPER_OUT, PrinterState.PAUSED}
    assert status.state is PrinterState.PAPER_OUT
    assert status.message == "Label printer out of paper: load labels, the label prints by itself."


def test_shorter_lines_of_older_firmware_are_still_read() -> None:
    status = parse_host_status(answer("030,1,0,1218,000,0", "000,0,0,0"))
    assert status.state is PrinterState.PAPER_OUT


@pytest.mark.parametrize(
    "raw",
    [
        None,
        b"",
        b"~HS",  # an echo, as from a serial loopback
        b"\x02030,0,0,1218\x03\r\n",  # one short line
        answer("030,0,0", READY_2),  # too few fields to know
        answer("030,x,0,1218,000,0,0,0,000,0,0,0", READY_2),  # not a flag
        b"garbage\r\n" * 3,
    ],
)
def test_no_answer_or_a_garbled_one_is_unknown_never_ready(raw: bytes | None) -> None:
    status = parse_host_status(raw)
    assert status.state is PrinterState.UNKNOWN
    assert not status.blocks_printing


def test_the_answer_is_complete_after_three_lines() -> None:
    full = answer(READY_1, READY_2)
    assert answer_complete(full)
    assert not answer_complete(full[: full.rindex(b"\x02")])


@pytest.mark.parametrize(
    ("simulated", "state"),
    [
        (SimulatedState.READY, PrinterState.READY),
        (SimulatedState.PAPER_OUT, PrinterState.PAPER_OUT),
        (SimulatedState.HEAD_OPEN, PrinterState.HEAD_OPEN),
        (SimulatedState.PAUSED, PrinterState.PAUSED),
        (SimulatedState.RIBBON_OUT, PrinterState.RIBBON_OUT),
        (SimulatedState.BUFFER_FULL, PrinterState.BUFFER_FULL),
    ],
)
def test_the_simulator_answers_as_the_parser_reads(
    simulated: SimulatedState, state: PrinterState
) -> None:
    assert parse_host_status(host_status_answer(simulated)).state is state


def test_unknown_and_ready_are_the_only_states_that_let_a_label_through() -> None:
    passing = {s for s in PrinterState if s not in BLOCKING}
    assert passing == {PrinterState.READY, PrinterState.UNKNOWN, PrinterState.PAPER_LOW}


@pytest.mark.parametrize(
    ("state", "device_state"),
    [
        (PrinterState.READY, DeviceState.READY),
        (PrinterState.PAPER_LOW, DeviceState.READY),
        (PrinterState.PAPER_OUT, DeviceState.ERROR),
        (PrinterState.UNREACHABLE, DeviceState.DISCONNECTED),
        (PrinterState.UNKNOWN, DeviceState.UNKNOWN),
    ],
)
def test_printer_states_map_to_the_shared_device_states(
    state: PrinterState, device_state: DeviceState
) -> None:
    assert PrinterStatus(state).device_state is device_state


def test_the_odometer_is_read_from_its_answer_and_nothing_else() -> None:
    assert parse_odometer(odometer_answer(3)) == 1000 + 3 * 6
    assert parse_odometer(host_status_answer(SimulatedState.READY)) is None
    assert parse_odometer(b"\x02PRINT METERS\r\nTOTAL NONRESETTABLE: lots\x03") is None
    both = host_status_answer(SimulatedState.READY) + odometer_answer(0)
    assert odometer_complete(both) and not odometer_complete(both[:-20])


@pytest.mark.parametrize(
    ("line1", "line2", "waiting"),
    [
        (READY_1, READY_2, 0),
        ("030,0,1,1218,002,0,0,0,000,0,0,0", READY_2, 2),  # two labels in the buffer
        ("030,0,0,1218,000,0,0,1,000,0,0,0", READY_2, 1),  # one begun, not finished
        (READY_1, "000,0,0,0,1,2,6,0,00000004,1,000", 4),  # four left to print in a batch
        ("030,0,0,1218,xx,0,0,0,000,0,0,0", READY_2, None),
        (READY_1, "000,0,0,0", None),
    ],
)
def test_labels_a_printer_still_holds_are_counted(
    line1: str, line2: str, waiting: int | None
) -> None:
    assert formats_waiting(answer(line1, line2)) == waiting
