"""Packing slips through Qt's print support, and choosing the document printer from a URL.

The printing is real: the same code that drives a CUPS or Windows printer
paints on a QPrinter, here one whose output is a PDF file. That file is
rasterised and its barcode read back, as a scanner would read the paper.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtPrintSupport import QPrinter

from devices.barcode_decode import decode_image
from devices.pdf.document_printer import FileDocumentPrinter
from devices.pdf.paper import Paper
from devices.printers.status import PrinterState, PrinterStatus
from devices.state import DeviceState
from station.device_urls import DeviceUrlError, Role, parse_device_url
from station.labels import Address
from station.ports import DocumentPrinter, PrintError, PrintResult
from station.slips import SlipContent, SlipLine
from tests.helpers.pdf import page_images, pdf_text, words
from ui.document_printers import document_printer
from ui.system_printer import SystemDocumentPrinter, status_message

JOB = "3f2a9c1e-7b44-4d0e-9a51-2f0c8e6d1b73"
# No computer this runs on has a printer by this name.
MISSING_PRINTER = "PackStation_No_Such_Printer_7f3c"
SENDER = Address("PackStation Demo Warehouse", "1 Logistics Way", "Springfield", "12345", "US")
READY = PrinterStatus(PrinterState.READY, frozenset(), "idle")


def make_slip(lines: int = 3, order_number: str = "SO-100001") -> SlipContent:
    return SlipContent(
        order_number=order_number,
        sender=Address(
            "PackStation Demo Warehouse", "1 Logistics Way", "Springfield", "12345", "US"
        ),
        ship_to=Address("Zoë Müller", "Hauptstraße 5", "Berlin", "10115", "DE"),
        lines=tuple(SlipLine(f"SKU-{n:04d}", f"Product {n}", 2, 2) for n in range(lines)),
        packed_at="2024-05-01T14:03:22+00:00",
        station="bench-01",
        packer="Anna Schmidt",
    )


class PdfPrinters:
    """A printer factory whose QPrinters print to PDF files, counting the jobs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.outputs: list[Path] = []

    def __call__(self, name: str) -> QPrinter:
        output = self.folder / f"{name}-{len(self.outputs) + 1}.pdf"
        self.outputs.append(output)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(output))
        return printer


@pytest.fixture
def pdf_printers(qapp: object, tmp_path: Path) -> PdfPrinters:
    return PdfPrinters(tmp_path)


def off_the_ui_thread(action: Callable[[], PrintResult]) -> PrintResult:
    """Run `action` on a plain thread, as the print queue does, and return what it returned."""
    results: list[PrintResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(action())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


def test_slip_prints_through_qt_with_a_scannable_order_barcode(
    pdf_printers: PdfPrinters, tmp_path: Path
) -> None:
    printer = SystemDocumentPrinter(
        "Office_Laser", printer_factory=pdf_printers, state_query=lambda name: READY
    )

    result = off_the_ui_thread(lambda: printer.print_slip(JOB, make_slip()))

    assert result.location == "system://Office_Laser job 3f2a9c1e"
    (output,) = pdf_printers.outputs
    (page,) = page_images(output, tmp_path / "pages", dpi=200)
    assert decode_image(page) == ["SO-100001"]


def test_every_page_of_a_long_slip_is_printed_in_order(
    pdf_printers: PdfPrinters, tmp_path: Path
) -> None:
    printer = SystemDocumentPrinter(
        "Office_Laser", printer_factory=pdf_printers, state_query=lambda name: READY
    )
    slip = make_slip(lines=90)
    file_copy = Path(FileDocumentPrinter(tmp_path / "files").print_slip(JOB, slip).location)

    off_the_ui_thread(lambda: printer.print_slip(JOB, slip))

    expected = page_images(file_copy, tmp_path / "expected", dpi=100)
    printed = page_images(pdf_printers.outputs[0], tmp_path / "printed", dpi=200)
    assert len(expected) > 1
    assert len(printed) == len(expected)
    for page in printed:
        assert decode_image(page) == ["SO-100001"]
    # The printed pages are images, so the page numbers are read off the file copy:
    # both come from the same PDF, and the printer got as many pages as it has.
    assert f"Page {len(expected)} of {len(expected)}" in words(pdf_text(file_copy))


@pytest.mark.parametrize(("paper", "size_mm"), [(Paper.A4, (210, 297)), (Paper.LETTER, (216, 279))])
def test_the_paper_size_reaches_the_printer(
    pdf_printers: PdfPrinters, tmp_path: Path, paper: Paper, size_mm: tuple[int, int]
) -> None:
    printer = SystemDocumentPrinter(
        "Office_Laser", paper=paper, printer_factory=pdf_printers, state_query=lambda name: READY
    )

    off_the_ui_thread(lambda: printer.print_slip(JOB, make_slip()))

    (page,) = page_images(pdf_printers.outputs[0], tmp_path / "pages", dpi=254)  # 10 px a mm
    with Image.open(page) as image:
        assert (round(image.width / 10), round(image.height / 10)) == size_mm


def test_a_resent_job_is_not_printed_twice(pdf_printers: PdfPrinters) -> None:
    printer = SystemDocumentPrinter(
        "Office_Laser", printer_factory=pdf_printers, state_query=lambda name: READY
    )
    first = off_the_ui_thread(lambda: printer.print_slip(JOB, make_slip()))

    again = off_the_ui_thread(lambda: printer.print_slip(JOB, make_slip()))

    assert again == first
    assert len(pdf_printers.outputs) == 1


def test_a_stopped_printer_holds_the_slip_and_says_what_to_do(pdf_printers: PdfPrinters) -> None:
    stopped = PrinterStatus.from_problems([PrinterState.ERROR], "Qt state Error")
    printer = SystemDocumentPrinter(
        "Office_Laser", printer_factory=pdf_printers, state_query=lambda name: stopped
    )

    with pytest.raises(PrintError) as caught:
        off_the_ui_thread(lambda: printer.print_slip(JOB, make_slip()))

    assert "'Office_Laser'" in str(caught.value)
    assert "resume it" in str(caught.value)
    assert pdf_printers.outputs == []


def test_a_printer_the_system_does_not_know_is_reported_and_retried(qapp: object) -> None:
    printer = SystemDocumentPrinter(MISSING_PRINTER)

    with pytest.raises(PrintError) as caught:
        off_the_ui_thread(lambda: printer.print_slip(JOB, make_slip()))

    # A PrintError and not a permanent one: the queue keeps the slip until it is back.
    assert type(caught.value) is PrintError
    message = str(caught.value)
    assert MISSING_PRINTER in message
    assert "main.py devices" in message
    assert printer.status().state is PrinterState.UNREACHABLE


@pytest.fixture
def hung_query() -> Iterator[tuple[threading.Event, list[str]]]:
    """A print system that does not answer until the event is set."""
    release = threading.Event()
    asked: list[str] = []
    yield release, asked
    release.set()  # let the daemon thread finish


def test_no_answer_to_a_status_query_is_unknown_never_ready(
    hung_query: tuple[threading.Event, list[str]],
) -> None:
    release, asked = hung_query

    def query(name: str) -> PrinterStatus:
        asked.append(name)
        release.wait()
        return READY

    printer = SystemDocumentPrinter("Office_Laser", state_query=query)

    first = printer.status(timeout=0.05)
    second = printer.status(timeout=0.05)

    assert first.state is PrinterState.UNKNOWN
    assert second.state is PrinterState.UNKNOWN
    assert first.device_state is DeviceState.UNKNOWN
    assert asked == ["Office_Laser"]  # one question outstanding, not one per poll
    release.set()
    assert printer.status().state is PrinterState.READY


def test_a_printer_that_does_not_say_how_it_is_still_gets_the_slip(
    pdf_printers: PdfPrinters, hung_query: tuple[threading.Event, list[str]], tmp_path: Path
) -> None:
    release, _ = hung_query

    def query(name: str) -> PrinterStatus:
        release.wait()
        return READY

    printer = SystemDocumentPrinter(
        "Office_Laser", status_timeout=0.05, printer_factory=pdf_printers, state_query=query
    )

    off_the_ui_thread(lambda: printer.print_slip(JOB, make_slip()))

    (page,) = page_images(pdf_printers.outputs[0], tmp_path / "pages", dpi=200)
    assert decode_image(page) == ["SO-100001"]


def test_a_failing_status_query_is_unknown() -> None:
    def query(name: str) -> PrinterStatus:
        raise OSError("cups: connection refused")

    status = SystemDocumentPrinter("Office_Laser", state_query=query).status()

    assert status.state is PrinterState.UNKNOWN
    assert "connection refused" in status.detail


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (PrinterStatus.unreachable("gone"), "not available"),
        (PrinterStatus.from_problems([PrinterState.ERROR]), "stopped or reports an error"),
        (PrinterStatus.unknown("silent"), "did not say"),
        (READY, "is ready"),
    ],
)
def test_status_messages_name_the_document_printer(status: PrinterStatus, says: str) -> None:
    message = status_message("Office_Laser", status)

    assert message.startswith("Document printer 'Office_Laser'")
    assert says in message


# --- choosing the document printer from the config ---


def test_no_url_writes_slips_to_the_default_folder(tmp_path: Path) -> None:
    printer = document_printer(None, tmp_path / "slips")

    result = printer.print_slip(JOB, make_slip())

    assert Path(result.location).parent == tmp_path / "slips"


def test_pdf_file_url_writes_to_its_folder_on_the_paper_it_names(tmp_path: Path) -> None:
    url = parse_device_url(f"pdf+file://{tmp_path}/out?paper=letter", Role.DOCUMENT_PRINTER)

    result = document_printer(url, tmp_path / "default").print_slip(JOB, make_slip())

    path = Path(result.location)
    assert path.parent == tmp_path / "out"
    (page,) = page_images(path, tmp_path / "pages", dpi=72)
    with Image.open(page) as image:
        assert image.size == (612, 792)


@pytest.mark.parametrize(
    ("text", "name"),
    [("system://Office_Laser", "Office_Laser"), ("system://Office%20Laser", "Office Laser")],
)
def test_system_url_prints_on_that_system_printer(text: str, name: str, tmp_path: Path) -> None:
    printer: DocumentPrinter = document_printer(
        parse_device_url(text, Role.DOCUMENT_PRINTER), tmp_path
    )

    assert isinstance(printer, SystemDocumentPrinter)
    assert printer.printer_name == name
    assert printer.paper is Paper.A4


@pytest.mark.parametrize(
    "text", ["zpl+tcp://192.0.2.10:9100", "escpos+file:///dev/usb/lp0", "zpl+file:///tmp/zpl"]
)
def test_a_label_printer_url_is_refused_with_what_to_use(text: str, tmp_path: Path) -> None:
    url = parse_device_url(text, Role.LABEL_PRINTER)

    with pytest.raises(DeviceUrlError) as caught:
        document_printer(url, tmp_path)

    message = str(caught.value)
    assert "a label printer cannot print documents" in message
    assert "system://PRINTER_NAME or pdf+file:///folder" in message


def test_a_simulated_document_printer_is_refused_with_what_to_use(tmp_path: Path) -> None:
    url = parse_device_url("sim://documents", Role.DOCUMENT_PRINTER)

    with pytest.raises(DeviceUrlError, match=r"use system://PRINTER_NAME or pdf\+file"):
        document_printer(url, tmp_path)


def test_an_unknown_paper_is_refused_by_name(tmp_path: Path) -> None:
    url = parse_device_url("system://Office_Laser?paper=a5", Role.DOCUMENT_PRINTER)

    with pytest.raises(DeviceUrlError, match=r"paper='a5' must be a4 or letter"):
        document_printer(url, tmp_path)
