"""A label printer speaking ESC/POS, through any python-escpos printer object.

The factory makes a fresh printer object for every job (Network, Serial,
Usb, File or Dummy): each job opens its own connection and closes it, so a
printer that was switched off and on is found again. python-escpos's errors
and OSError are wrapped here, where they enter, as PrintError.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import serial
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError

from devices.printers.escpos_label import COLUMNS, PRINTABLE_DOTS, print_escpos_label
from devices.printers.escpos_status import query_escpos_status, reason
from devices.printers.status import PrinterState, PrinterStatus, unconfirmed
from devices.printers.transports import NotTaken, TransportError, finish_stream
from station.labels import LabelContent
from station.ports import (
    MayHavePrinted,
    PermanentPrintError,
    PrintError,
    PrintResult,
    SuppliedFormat,
    SuppliedLabel,
)

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_STATUS_TIMEOUT_S = 2.0
# PRINTABLE_DOTS are counted at 180 dpi (Epson's heads). A courier's label is wider
# than any roll, so in practice this only decides how far it is shrunk.
ESCPOS_DPI = 180
_CHECK = "check that it is switched on and its cable is in, the label prints by itself."


class EscposLabelPrinter:
    """Implements station.ports.LabelPrinter on an ESC/POS roll printer."""

    def __init__(
        self,
        escpos_printer_factory: Callable[[], Escpos],
        paper_mm: int = 80,
        print_width_dots: int | None = None,
        take_timeout: float = 10.0,
    ) -> None:
        """`print_width_dots`: the printer's printable width, if known (see print_escpos_label);
        `take_timeout`: how long the printer may take to read a label over TCP.
        """
        if paper_mm not in COLUMNS:
            raise ValueError(f"ESC/POS labels are made for {sorted(COLUMNS)} mm, not {paper_mm}")
        self._factory = escpos_printer_factory
        self.paper_mm = paper_mm
        self.print_width_dots = print_width_dots
        self.take_timeout = take_timeout
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
        return self._deliver(
            job_id,
            lambda printer: print_escpos_label(
                printer, label, self.paper_mm, self.print_width_dots
            ),
        )

    def print_supplied(self, job_id: str, label: SuppliedLabel) -> PrintResult:
        """Print a courier's PDF or PNG label as images across the roll, one cut per page.

        Raises PermanentPrintError for ZPL (it needs a ZPL printer) and for a
        document that cannot be read; PrintError as print_label does.
        """
        if label.format is SuppliedFormat.ZPL:
            raise PermanentPrintError(
                "A ZPL label needs a ZPL printer, and this label printer speaks ESC/POS: "
                "configure zpl+tcp://HOST:9100 as label_printer in [devices], or have the "
                "order system send the courier's label as PDF or PNG."
            )
        # Imported here: PDFium and Pillow load only when a supplied label comes.
        from devices.pdf import supplied

        width = self.print_width_dots or PRINTABLE_DOTS[self.paper_mm]
        # Converted before the printer is opened: a bad document needs no printer.
        pages = supplied.label_images(label, supplied.Box(width, None, ESCPOS_DPI))
        return self._deliver(job_id, lambda printer: _print_images(printer, pages))

    def _deliver(self, job_id: str, print_on: Callable[[Escpos], None]) -> PrintResult:
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
                print_on(printer)
                _until_taken(printer, self.take_timeout)
            except NotTaken as exc:
                if exc.may_have_taken:
                    raise MayHavePrinted(unconfirmed(where, exc.seconds)) from exc
                raise PrintError(
                    f"Label printer at {where} did not take the label within {exc.seconds:g} s: "
                    "check it is on and not paused, the label prints by itself."
                ) from exc
            except (EscposError, OSError, TransportError) as exc:
                raise PrintError(
                    f"Label printer at {where} stopped taking the label ({reason(exc)}): {_CHECK}"
                ) from exc
            finally:
                _close(printer)
        return PrintResult(location=f"escpos+{where} job {job_id[:8]}")


def _until_taken(printer: Escpos, timeout: float) -> None:
    """Return once the printer has taken every byte; raise TransportError if it did not.

    python-escpos only writes: over TCP its sendall returns once the bytes are
    in our own buffer, and a reset after that would go unnoticed at close.
    """
    device = printer.device
    if isinstance(device, socket.socket):
        finish_stream(device, b"", timeout)
    elif isinstance(device, serial.SerialBase):
        try:
            device.flush()  # out on the wire, within the port's write timeout
        except serial.SerialTimeoutException as exc:
            raise NotTaken(timeout) from exc


def _print_images(printer: Escpos, pages: list[Image]) -> None:
    printer.hw("INIT")  # a clean start, whatever the last job left set
    for page in pages:
        printer.image(page)
        printer.cut()


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
