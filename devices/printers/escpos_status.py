"""ESC/POS real-time status (DLE EOT n) through python-escpos's query_status.

We read the status bytes ourselves rather than use paper_status(), which
reports "paper adequate" when the printer says nothing: no answer must be
UNKNOWN, never READY. Bytes per the ESC/POS reference for DLE EOT:

    n=1 printer:       bit 3 offline
    n=2 offline cause: bit 2 cover open, bit 5 stopped at paper end, bit 6 error
    n=4 roll paper:    bits 2-3 near end, bits 5-6 paper end

Every answer byte has bits 1 and 4 set and bits 0 and 7 clear; anything
else is not a status byte (a late or foreign answer) and counts as none.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import serial
from escpos.constants import RT_STATUS, RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError

from devices.printers.status import PrinterState, PrinterStatus

RT_STATUS_OFFLINE_CAUSE = RT_STATUS + b"\x02"
_REQUESTS = (RT_STATUS_ONLINE, RT_STATUS_OFFLINE_CAUSE, RT_STATUS_PAPER)


def query_escpos_status(printer: Escpos, timeout: float) -> PrinterStatus:
    """Ask `printer` how it is; all questions together take at most `timeout` s."""
    deadline = time.monotonic() + timeout
    answers: list[int] = []
    try:
        for request in _REQUESTS:
            remaining = deadline - time.monotonic()
            with _read_timeout(printer, max(remaining, 0.001)):
                byte = status_byte(printer.query_status(request))
            if byte is None:
                return PrinterStatus.unknown(f"no answer to DLE EOT {request[-1]}")
            answers.append(byte)
    except NotImplementedError:
        # python-escpos printers that cannot read (Dummy, File, CUPS, LP).
        return PrinterStatus.unknown("this printer connection cannot read a status")
    except TimeoutError:
        return PrinterStatus.unknown("no answer to DLE EOT in time")
    except (EscposError, OSError) as exc:
        return PrinterStatus.unreachable(reason(exc))
    return interpret(*answers)


def reason(exc: BaseException) -> str:
    """An exception as one line (python-escpos puts line breaks in its messages)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def status_byte(answer: bytes | None) -> int | None:
    if not answer or answer[0] & 0x93 != 0x12:
        return None
    return answer[0]


def interpret(printer: int, offline_cause: int, paper: int) -> PrinterStatus:
    """The state the three DLE EOT bytes (n = 1, 2, 4) describe."""
    problems = set()
    if offline_cause & 0x04:
        problems.add(PrinterState.HEAD_OPEN)
    if offline_cause & 0x20 or paper & 0x60 == 0x60:
        problems.add(PrinterState.PAPER_OUT)
    if offline_cause & 0x40:
        problems.add(PrinterState.ERROR)
    if printer & 0x08 and not problems:
        problems.add(PrinterState.OFFLINE)
    if paper & 0x0C == 0x0C:
        problems.add(PrinterState.PAPER_LOW)
    detail = f"DLE EOT 1,2,4: {printer:#04x} {offline_cause:#04x} {paper:#04x}"
    return PrinterStatus.from_problems(problems, detail)


@contextlib.contextmanager
def _read_timeout(printer: Escpos, seconds: float) -> Iterator[None]:
    """Bound python-escpos's read by `seconds`, where the connection allows it.

    Network and Serial read with the timeout they were opened with (60 s by
    default for Network); a status must not hold the print thread that long.
    """
    device = printer.device  # opens the connection if it is not open yet
    if isinstance(device, socket.socket):
        before: float | None = device.gettimeout()
        device.settimeout(seconds)
        try:
            yield
        finally:
            device.settimeout(before)
    elif isinstance(device, serial.SerialBase):
        before = device.timeout
        device.timeout = seconds
        try:
            yield
        finally:
            device.timeout = before
    else:
        yield
