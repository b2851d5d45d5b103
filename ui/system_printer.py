"""Packing slips on a system printer (CUPS, the Windows spooler) through Qt's print support.

The slip is rendered to PDF by devices/ like every other document, then each
page is rasterised with QtPdf and painted on a QPrinter: the one route that
works the same on every platform, with no PDF support asked of the printer.

Threads: print_slip and status block, so they run on the print thread or a
worker, never on the UI thread. That is allowed: Qt documents that "QPainter
can be used in a thread to paint onto QImage, QPrinter, and QPicture paint
devices" (https://doc.qt.io/qt-6/threads-modules.html, Painting in Threads),
and QPdfDocument serialises its PDFium calls with a global mutex. Every Qt
object here is created, used and dropped on the calling thread.

A printer the system does not know (yet) is a PrintError, not a permanent
one: a network printer that is switched off or a USB printer being replugged
leaves the system's list for a while and comes back. The slip stays queued,
the packer reads what to check, and it prints once the printer is back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QSize, Qt
from PySide6.QtGui import QImage, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from devices.pdf.document_printer import slip_pdf
from devices.pdf.paper import Paper
from devices.printers.status import PrinterState, PrinterStatus
from station.ports import PrintError, PrintResult
from station.slips import SlipContent

log = logging.getLogger(__name__)
MAX_STATUS_TIMEOUT_S = 2.0
# Pages are rasterised at the printer's resolution up to this: an A4 page at
# 300 dpi is 35 MB while rendering, at 1200 dpi (what Qt reports for PDF
# output) it would be 560 MB. 300 dpi is sharp text and whole-dot barcode bars.
MAX_RASTER_DPI = 300
POINTS_PER_INCH = 72.0
# The print queue resends only jobs it has not recorded as delivered, within
# seconds; remembering the last jobs covers that without growing for ever.
REMEMBERED_JOBS = 1000

PrinterFactory = Callable[[str], QPrinter]
StateQuery = Callable[[str], PrinterStatus]


class SystemDocumentPrinter:
    """Implements station.ports.DocumentPrinter on a printer the operating system offers.

    Args:
        printer_name: the system's name for the printer (`main.py devices` lists them).
        paper: the paper the slip is laid out for.
        status_timeout: how long to wait for the printer's state before a slip (at most 2 s).
        printer_factory: makes the QPrinter for a name; tests pass one printing to a PDF file.
        state_query: asks the system how the named printer is; tests pass their own.
    """

    def __init__(
        self,
        printer_name: str,
        *,
        paper: Paper = Paper.A4,
        status_timeout: float = MAX_STATUS_TIMEOUT_S,
        printer_factory: PrinterFactory | None = None,
        state_query: StateQuery | None = None,
    ) -> None:
        self.printer_name = printer_name
        self.paper = paper
        self.status_timeout = status_timeout
        self._printer_factory = printer_factory or native_printer
        self._state_query = state_query or system_printer_state
        self._lock = threading.Lock()
        self._query: Future[PrinterStatus] | None = None
        # A spooler cannot take a job back or replace it: a job that reached it
        # is answered from here rather than printed twice.
        self._delivered: dict[str, PrintResult] = {}

    @property
    def url(self) -> str:
        return f"system://{self.printer_name}"

    def status(self, timeout: float = MAX_STATUS_TIMEOUT_S) -> PrinterStatus:
        """The printer's state; no answer within `timeout` (at most 2 s) is UNKNOWN.

        The question runs on its own daemon thread: a print system that hangs
        (a CUPS server gone from the network) costs the caller at most the
        timeout, and at most one question is ever outstanding.
        """
        timeout = min(max(timeout, 0.0), MAX_STATUS_TIMEOUT_S)
        with self._lock:
            if self._query is None or self._query.done():
                self._query = self._ask()
            query = self._query
        try:
            return query.result(timeout)
        except FutureTimeout:
            return PrinterStatus.unknown(f"the print system did not answer within {timeout:g} s")

    def print_slip(self, job_id: str, slip: SlipContent) -> PrintResult:
        """Print one slip, or raise PrintError saying what the packer should do."""
        with self._lock:
            done = self._delivered.get(job_id)
        if done is not None:
            return done
        data = slip_pdf(slip, self.paper)  # a slip that cannot be made needs no printer
        status = self.status(self.status_timeout)
        if status.blocks_printing:
            raise PrintError(status_message(self.printer_name, status))
        if status.state is PrinterState.UNKNOWN:
            log.info("%s: printing job %s without a status: %s", self.url, job_id, status)
        printer = self._printer_factory(self.printer_name)
        # The job id in the document name lets a person find the job in the
        # system's print queue, and tell a reprint from a duplicate.
        print_pdf(data, printer, f"Packing slip {slip.order_number} ({job_id[:8]})")
        result = PrintResult(location=f"{self.url} job {job_id[:8]}")
        with self._lock:
            self._delivered[job_id] = result
            if len(self._delivered) > REMEMBERED_JOBS:  # the oldest: long since recorded
                del self._delivered[next(iter(self._delivered))]
        return result

    def _ask(self) -> Future[PrinterStatus]:
        future: Future[PrinterStatus] = Future()
        name = self.printer_name

        def ask() -> None:
            try:
                future.set_result(self._state_query(name))
            except Exception as exc:  # a print-system failure says nothing about the paper
                log.warning("%s: state query failed: %r", self.url, exc)
                future.set_result(PrinterStatus.unknown(f"state query failed: {exc!r}"))

        threading.Thread(target=ask, name=f"printer-state {name}", daemon=True).start()
        return future


def system_printer_state(name: str) -> PrinterStatus:
    """How the system says the named printer is (blocks while it asks, e.g. CUPS)."""
    info = QPrinterInfo.printerInfo(name)
    if info.isNull():
        return PrinterStatus.unreachable(f"the system has no printer named {name!r}")
    state = info.state()
    # CUPS reports idle (3), processing (4) and stopped (5); Qt turns stopped,
    # and anything it cannot read, into Error.
    if state in (QPrinter.PrinterState.Idle, QPrinter.PrinterState.Active):
        detail = "idle" if state is QPrinter.PrinterState.Idle else "printing"
        return PrinterStatus(PrinterState.READY, frozenset(), detail)
    return PrinterStatus.from_problems([PrinterState.ERROR], detail=f"Qt state {state.name}")


def status_message(printer_name: str, status: PrinterStatus) -> str:
    """What the packer reads about a document printer: what is wrong and what to do."""
    name = repr(printer_name)
    if status.state is PrinterState.UNREACHABLE:
        return (
            f"Document printer {name} is not available on this computer: switch it on and "
            "check its cable or network. If it is, check document_printer in the config "
            "(`main.py devices` lists the printers). The slip prints by itself once it is there."
        )
    if status.blocks_printing:
        return (
            f"Document printer {name} is stopped or reports an error: check its paper, "
            "cover and any jam, then resume it in the system's printer settings. The slip "
            "prints by itself."
        )
    if status.state is PrinterState.UNKNOWN:
        return f"Document printer {name} did not say how it is."
    return f"Document printer {name} is ready."


def native_printer(name: str) -> QPrinter:
    """A QPrinter on the named system printer, or PrintError if the system has none."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(name)
    # An unknown name is not refused: Qt quietly falls back to PDF output.
    if printer.outputFormat() != QPrinter.OutputFormat.NativeFormat or (
        printer.printerName() != name
    ):
        raise PrintError(status_message(name, PrinterStatus.unreachable("not installed")))
    return printer


def print_pdf(data: bytes, printer: QPrinter, doc_name: str) -> None:
    """Print every page of a PDF on `printer`, each page filling the paper as laid out."""
    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)  # a QBuffer is random access: this loads at once
    if document.status() != QPdfDocument.Status.Ready:
        # Our own renderer made these bytes: failing to read them is a bug.
        raise RuntimeError(f"QtPdf could not read a rendered slip: {document.error().name}")
    try:
        _paint_pages(document, printer, doc_name)
    finally:
        document.close()
        buffer.close()


def _paint_pages(document: QPdfDocument, printer: QPrinter, doc_name: str) -> None:
    page_points = document.pagePointSize(0)
    printer.setDocName(doc_name)
    printer.setFullPage(True)  # the slip has its own margins
    printer.setPageSize(
        QPageSize(page_points, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    )
    dpi = min(printer.resolution(), MAX_RASTER_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(_refused(printer, doc_name, "it could not start the job"))
    try:
        target = printer.paperRect(QPrinter.Unit.DevicePixel)
        for page in range(document.pageCount()):
            if page and not printer.newPage():
                raise PrintError(_refused(printer, doc_name, "it refused a new page"))
            painter.drawImage(target, _raster(document, page, dpi))
    finally:
        ended = painter.end()
    if not ended or printer.printerState() in (
        QPrinter.PrinterState.Error,
        QPrinter.PrinterState.Aborted,
    ):
        raise PrintError(_refused(printer, doc_name, "the job failed"))


def _raster(document: QPdfDocument, page: int, dpi: int) -> QImage:
    """One page as a white-backed grayscale image at `dpi`."""
    points = document.pagePointSize(page)
    scale = dpi / POINTS_PER_INCH
    size = QSize(round(points.width() * scale), round(points.height() * scale))
    # PDFium draws on transparency; flattening onto white keeps the spool file
    # small and leaves no alpha for a printer driver to get wrong.
    flat = QImage(size, QImage.Format.Format_Grayscale8)
    flat.fill(Qt.GlobalColor.white)
    painter = QPainter(flat)
    painter.drawImage(QPoint(0, 0), document.render(page, size))
    painter.end()
    return flat


def _refused(printer: QPrinter, doc_name: str, what: str) -> str:
    name = printer.printerName() or printer.outputFileName() or "the document printer"
    return (
        f"{doc_name} was not printed on {name!r}: {what}. Check that the printer is on and "
        "has paper; the slip prints by itself."
    )
