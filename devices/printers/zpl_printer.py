"""A ZPL II label printer (Zebra and compatibles) on any transport.

Every label goes: render, connect, ask the printer how it is (~HS), send the
label only if it can print it now, close. Refusing early matters: a label
sent to a printer with no paper sits in its memory and is lost if it is
switched off, while the queue would already have recorded it as delivered.
A printer that does not answer ~HS (some ZPL emulations, a file) is UNKNOWN
and still gets its label: it took the bytes, which is all we can know.

Like any physical printer this cannot take a label back: the print queue
records a delivery as soon as print_label returns, which is what keeps a
resend from printing it twice.
"""

from __future__ import annotations

import functools
import logging
import threading

from devices.printers.host_status import REQUEST, answer_complete, parse_host_status
from devices.printers.status import PrinterState, PrinterStatus
from devices.printers.transports import Transport, TransportError
from devices.printers.zpl import DESIGN_DPI, HEIGHT, SUPPORTED_DPI, WIDTH, render_zpl
from devices.printing.render_process import render_elsewhere
from station.labels import LabelContent
from station.ports import PrintError, PrintResult, SuppliedFormat, SuppliedLabel

log = logging.getLogger(__name__)
MAX_STATUS_TIMEOUT_S = 2.0


class ZplPrinter:
    """Implements station.ports.LabelPrinter in ZPL II over `transport`."""

    def __init__(
        self, transport: Transport, dpi: int = 203, *, status_timeout: float = 2.0
    ) -> None:
        """`status_timeout`: how long to wait for ~HS before a label (at most 2 s)."""
        if dpi not in SUPPORTED_DPI:
            raise ValueError(f"a ZPL printer prints at {SUPPORTED_DPI} dpi, not {dpi}")
        self.transport = transport
        self.dpi = dpi
        self.status_timeout = status_timeout
        # The print thread and a status poll from elsewhere share one connection.
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"zpl+{self.transport.url}"

    def status(self, timeout: float = 2.0) -> PrinterStatus:
        """Ask the printer (~HS). No answer within `timeout` (at most 2 s) is UNKNOWN."""
        with self._lock:
            try:
                return self._status(timeout)
            finally:
                self.transport.close()

    def print_label(self, job_id: str, label: LabelContent) -> PrintResult:
        """Print one label, or raise PrintError saying what the packer should do."""
        data = render_zpl(label, self.dpi)  # a label that cannot be made needs no printer
        return self._deliver(job_id, data)

    def render_label(self, label: LabelContent) -> bytes:
        """The label's ZPL, made in the render process (the same bytes print_label sends).

        A bulk run (station.bulk_print) makes the next labels this way while the
        current one is sent and recorded, and then sends each with send_rendered.
        """
        return render_elsewhere(functools.partial(render_zpl, dpi=self.dpi), label)

    def send_rendered(self, job_id: str, label: LabelContent, data: bytes) -> PrintResult:
        """Deliver bytes from render_label, with the same status check as print_label."""
        return self._deliver(job_id, data)

    def print_supplied(self, job_id: str, label: SuppliedLabel) -> PrintResult:
        """Print a courier's own label: ZPL as it is, a PDF or PNG as a ^GF graphic.

        Every page of a PDF is one label. Raises PermanentPrintError for a
        document that cannot be read (see devices.printing.supplied), and
        PrintError as print_label does.
        """
        # Imported here: PDFium and Pillow load only when a supplied label comes.
        from devices.printing import supplied

        # The document is checked and converted before the printer is asked anything.
        if label.format is SuppliedFormat.ZPL:
            supplied.check_zpl(label.data)
            data = label.data
        else:
            scale = self.dpi / DESIGN_DPI
            box = supplied.Box(round(WIDTH * scale), round(HEIGHT * scale), self.dpi)
            pages = supplied.label_images(label, box)
            data = b"".join(supplied.zpl_graphic_label(page) for page in pages)
        return self._deliver(job_id, data)

    def _deliver(self, job_id: str, data: bytes) -> PrintResult:
        with self._lock:
            try:
                status = self._status(self.status_timeout)
                if status.blocks_printing:
                    raise PrintError(self._refusal(status))
                if status.state is PrinterState.UNKNOWN:
                    log.info("%s: sending job %s without a status: %s", self.url, job_id, status)
                self._send(job_id, data)
            finally:
                self.transport.close()
        return PrintResult(location=f"{self.url} job {job_id[:8]}")

    def _status(self, timeout: float) -> PrinterStatus:
        timeout = min(max(timeout, 0.0), MAX_STATUS_TIMEOUT_S)
        try:
            answer = self.transport.query(REQUEST, timeout, answer_complete)
        except TransportError as exc:
            return PrinterStatus.unreachable(str(exc))
        return parse_host_status(answer)

    def _send(self, job_id: str, data: bytes) -> None:
        try:
            self.transport.send(data, job_id=job_id)
        except TransportError as exc:
            raise PrintError(
                f"Label printer at {self.transport.url} stopped taking the label ({exc}): "
                "check that it is switched on and its cable is in, the label prints by itself."
            ) from exc

    def _refusal(self, status: PrinterStatus) -> str:
        if status.state is PrinterState.UNREACHABLE:
            return (
                f"Label printer at {self.transport.url} cannot be reached ({status.detail}): "
                "check that it is switched on and its cable is in, the label prints by itself."
            )
        return status.message
