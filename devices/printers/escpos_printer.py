"""A label printer speaking ESC/POS, through any python-escpos printer object.

The factory makes a fresh printer object for every job (Network, Serial,
Usb, File or Dummy): each job opens its own connection and closes it, so a
printer that was switched off and on is found again. python-escpos's errors
and OSError are wrapped here, where they enter, as PrintError.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError

from devices.printers.escpos_label import COLUMNS, print_escpos_label
from devices.printers.escpos_status import query_escpos_status, reason
from devices.printers.status import PrinterState, PrinterStatus
from station.labels import LabelContent
from station.ports import PrintError, PrintResult

MAX_STATUS_TIMEOUT_S = 2.0
_CHECK = "check that it is switched on and its cable is in, the label prints by itself."


class EscposLabelPrinter:
    """Implements station.ports.LabelPrinter on an ESC/POS roll printer."""

    def __init__(
        self,
        escpos_printer_factory: Callable[[], Escpos],
        paper_mm: int = 80,
        print_width_dots: int | None = None,
    ) -> None:
        """`print_width_dots`: the printer's printable width, if known (see print_escpos_label)."""
        if paper_mm not in COLUMNS:
            raise ValueError(f"ESC/POS labels are made for {sorted(COLUMNS)} mm, not {paper_mm}")
        self._factory = escpos_printer_factory
        self.paper_mm = paper_mm
        self.print_width_dots = print_width_dots
        self._lock = threading.Lock()  # one job or status question at a time

    def status(self, timeout: float = 2.0) -> PrinterStatus:
        """Ask the printer (DLE EOT). No answer within `timeout` (at most 2 s) is UNKNOWN."""
        with self._lock:
            try:
                printer = self._factory()
            except (EscposError, OSError) as exc:
                return PrinterStatus.unreachable(reason(exc))
            try:
                return query_escpos_status(printer, _bounded(timeout))
            finally:
                _close(printer)

    def print_label(self, job_id: str, label: LabelContent) -> PrintResult:
        """Print one label, or raise PrintError saying what the packer should do."""
        with self._lock:
            try:
                printer = self._factory()
            except (EscposError, OSError) as exc:
                raise PrintError(
                    f"Label printer cannot be opened ({reason(exc)}): {_CHECK}"
                ) from exc
            where = describe(printer)
            try:
                status = query_escpos_status(printer, MAX_STATUS_TIMEOUT_S)
                if status.blocks_printing:
                    raise PrintError(_refusal(status, where))
                print_escpos_label(printer, label, self.paper_mm, self.print_width_dots)
            except (EscposError, OSError) as exc:
                raise PrintError(
                    f"Label printer at {where} stopped taking the label ({reason(exc)}): {_CHECK}"
                ) from exc
            finally:
                _close(printer)
        return PrintResult(location=f"escpos+{where} job {job_id[:8]}")


def describe(printer: Escpos) -> str:
    """Where a python-escpos printer object prints, as a URL for messages and results."""
    kind = type(printer).__name__.lower()
    host = getattr(printer, "host", None)
    if host:
        return f"tcp://{host}:{getattr(printer, 'port', 9100)}"
    devfile = getattr(printer, "devfile", None)
    if devfile:
        return f"{'serial' if kind == 'serial' else 'file'}://{devfile}"
    usb = getattr(printer, "usb_args", None)
    if isinstance(usb, dict) and "idVendor" in usb and "idProduct" in usb:
        return f"usb://{usb['idVendor']:04x}:{usb['idProduct']:04x}"
    return kind


def _refusal(status: PrinterStatus, where: str) -> str:
    if status.state is PrinterState.UNREACHABLE:
        return f"Label printer at {where} cannot be reached ({status.detail}): {_CHECK}"
    return status.message


def _bounded(timeout: float) -> float:
    return min(max(timeout, 0.0), MAX_STATUS_TIMEOUT_S)


def _close(printer: Escpos) -> None:
    # Closing a connection that already failed may fail again; the job's
    # outcome is decided by then.
    with contextlib.suppress(EscposError, OSError):
        printer.close()
