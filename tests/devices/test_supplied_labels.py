"""A courier's own label document (PDF, PNG, ZPL) on every label printer, read back and scanned.

The documents are made here with reportlab (a Code 128 barcode, as couriers
print them) and turned into PNGs by poppler, apart from the code under
test. What the printers send is read back the way a printer would (^GFA
hex, ESC/POS raster) and scanned with the real barcode decoder.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from escpos.printer import Dummy
from PIL import Image
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from devices.barcode_decode import decode_image
from devices.pdf.file_printer import FileLabelPrinter
from devices.pdf.supplied import Box, label_images, zpl_graphic_label
from devices.printers.escpos_printer import EscposLabelPrinter
from devices.printers.transports import TcpTransport
from devices.printers.zpl_printer import ZplPrinter
from devices.printers.zpl_simulator import SimulatedState, ZplSimulator
from station.ports import (
    PermanentPrintError,
    PrintError,
    SuppliedFormat,
    SuppliedLabel,
)
from tests.helpers.gfa import decode_gf, graphics, label_size
from tests.helpers.pdf import page_images
from tests.helpers.zpl_sim import JOB, zpl_simulator

OTHER_JOB = "9b1d0c2e-1111-4a2b-8c3d-4e5f60718293"
TRACKING = "JJD0002249876543210"
WAIT_S = 10.0  # generous for a loaded machine; a passing test never waits this long
PDF, PNG, ZPL = SuppliedFormat.PDF, SuppliedFormat.PNG, SuppliedFormat.ZPL


def courier_pdf(
    *values: str, size: tuple[float, float] = (4 * inch, 6 * inch), barcode_in: float = 3
) -> bytes:
    """A courier's label PDF: one page per value, each with its Code 128 barcode."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=size)
    width, height = size
    for value in values:
        probe = Code128(value, barWidth=1, quiet=False)
        bar_width = barcode_in * inch / probe.width
        barcode = Code128(value, barWidth=bar_width, barHeight=1.2 * inch, quiet=False)
        canvas.setFont("Helvetica-Bold", 20)
        # Centred and narrower than the barcode: the ink's width is the barcode's.
        canvas.drawCentredString(width / 2, height - 0.6 * inch, "COURIER EXPRESS")
        barcode.drawOn(canvas, (width - barcode.width) / 2, height / 2 - 0.6 * inch)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def courier_png(tmp_path: Path, value: str = TRACKING, dpi: int = 203) -> bytes:
    """A 4x6 in label PNG at `dpi`, rendered by poppler (not by the code under test)."""
    pdf = tmp_path / "courier.pdf"
    pdf.write_bytes(courier_pdf(value))
    (png,) = page_images(pdf, tmp_path / f"png-{dpi}", dpi=dpi)
    return png.read_bytes()


def png_bytes(image: Image.Image, dpi: float | None = None) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return out.getvalue()


def scan(image: Image.Image) -> list[str]:
    return decode_image(np.asarray(image.convert("L"), dtype=np.uint8))


def ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the black dots."""
    box = image.convert("L").point(lambda v: 255 - v).getbbox()
    assert box is not None, "the image is blank"
    return box


@pytest.fixture
def simulator() -> Iterator[ZplSimulator]:
    with zpl_simulator() as sim:
        yield sim


def zpl_printer(sim: ZplSimulator, dpi: int = 203) -> ZplPrinter:
    return ZplPrinter(TcpTransport("127.0.0.1", sim.port, timeout=WAIT_S), dpi=dpi)


def printed_graphics(sim: ZplSimulator, count: int) -> list[Image.Image]:
    """The one ^GF image of each of `count` labels the simulator received."""
    assert sim.wait_for_jobs(count, WAIT_S)
    images = []
    for job in sim.jobs:
        (graphic,) = graphics(job)
        assert (graphic.x, graphic.y) == (0, 0)
        width, height = label_size(job)
        images.append(graphic.image.crop((0, 0, width, height)))
    return images


# --- ZPL printers -----------------------------------------------------------------------


@pytest.mark.parametrize(("dpi", "size"), [(203, (812, 1218)), (300, (1200, 1800))])
def test_a_pdf_label_reaches_a_zpl_printer_as_a_graphic_that_still_scans(
    simulator: ZplSimulator, dpi: int, size: tuple[int, int]
) -> None:
    result = zpl_printer(simulator, dpi).print_supplied(
        JOB, SuppliedLabel(PDF, courier_pdf(TRACKING))
    )

    (image,) = printed_graphics(simulator, 1)
    assert image.size == size  # a 4x6 in page fills a 4x6 in label at the printer's dpi
    assert scan(image) == [TRACKING]
    assert result.location == f"zpl+tcp://127.0.0.1:{simulator.port} job {JOB[:8]}"
    # Asked before it printed, and once after: its answer proves it read the label.
    assert simulator.status_requests == 2


def test_every_page_of_a_pdf_is_its_own_label(simulator: ZplSimulator) -> None:
    pdf = courier_pdf(TRACKING, "CN23-0042")
    zpl_printer(simulator).print_supplied(JOB, SuppliedLabel(PDF, pdf))

    assert [scan(image) for image in printed_graphics(simulator, 2)] == [[TRACKING], ["CN23-0042"]]


def test_an_a4_page_is_shrunk_to_the_label_whole_and_centred(simulator: ZplSimulator) -> None:
    a4 = (595, 842)  # 8.3 in wide: halved, so its barcode is drawn twice as wide
    pdf = courier_pdf(TRACKING, size=a4, barcode_in=6)
    zpl_printer(simulator).print_supplied(JOB, SuppliedLabel(PDF, pdf))

    (image,) = printed_graphics(simulator, 1)
    assert scan(image) == [TRACKING]
    left, _, right, _ = ink_box(image)
    assert abs(left - (812 - right)) <= 2  # the barcode sits in the middle, as on the page


def test_a_landscape_label_is_turned_to_fill_a_portrait_label(simulator: ZplSimulator) -> None:
    landscape = (6 * inch, 4 * inch)
    label = SuppliedLabel(PDF, courier_pdf(TRACKING, size=landscape))
    zpl_printer(simulator).print_supplied(JOB, label)

    (image,) = printed_graphics(simulator, 1)
    assert scan(image) == [TRACKING]
    left, top, right, bottom = ink_box(image)
    assert bottom - top > right - left  # the barcode now runs down the label, at full size
    assert bottom - top == pytest.approx(3 * 203, abs=4)


def test_a_landscape_png_turns_the_same_way_as_a_landscape_pdf(
    simulator: ZplSimulator, tmp_path: Path
) -> None:
    pdf = courier_pdf(TRACKING, size=(6 * inch, 4 * inch))
    (tmp_path / "landscape.pdf").write_bytes(pdf)
    (png,) = page_images(tmp_path / "landscape.pdf", tmp_path / "png", dpi=203)
    printer = zpl_printer(simulator)
    printer.print_supplied(JOB, SuppliedLabel(PDF, pdf))
    printer.print_supplied(OTHER_JOB, SuppliedLabel(PNG, png.read_bytes()))

    from_pdf, from_png = printed_graphics(simulator, 2)
    assert scan(from_png) == [TRACKING]
    # Two rasterisers differ by a dot here and there, never by a quarter turn.
    for pdf_edge, png_edge in zip(ink_box(from_pdf), ink_box(from_png), strict=True):
        assert abs(pdf_edge - png_edge) <= 3


def test_a_png_label_at_the_printers_dpi_prints_dot_for_dot(
    simulator: ZplSimulator, tmp_path: Path
) -> None:
    png = courier_png(tmp_path, dpi=203)
    zpl_printer(simulator).print_supplied(JOB, SuppliedLabel(PNG, png))

    (image,) = printed_graphics(simulator, 1)
    original = Image.open(io.BytesIO(png)).convert("L").point(lambda v: 255 if v >= 128 else 0)
    assert original.size == image.size == (812, 1218)
    assert np.array_equal(np.asarray(image.convert("L")), np.asarray(original))
    assert scan(image) == [TRACKING]


def test_a_300_dpi_png_is_shrunk_to_a_203_dpi_label_and_still_scans(
    simulator: ZplSimulator, tmp_path: Path
) -> None:
    zpl_printer(simulator).print_supplied(JOB, SuppliedLabel(PNG, courier_png(tmp_path, dpi=300)))

    (image,) = printed_graphics(simulator, 1)
    assert image.size == (812, 1218)
    assert scan(image) == [TRACKING]
    left, _, right, _ = ink_box(image)
    assert right - left == pytest.approx(3 * 203, abs=4)  # the 3 in barcode is still 3 in


def test_a_small_png_without_a_dpi_is_one_pixel_per_dot_centred(simulator: ZplSimulator) -> None:
    small = Image.new("L", (200, 100), 255)
    small.paste(0, (0, 0, 200, 100))  # all black: its place on the label is easy to see
    zpl_printer(simulator).print_supplied(JOB, SuppliedLabel(PNG, png_bytes(small)))

    (image,) = printed_graphics(simulator, 1)
    assert ink_box(image) == (306, 559, 506, 659)  # (812 - 200) / 2, (1218 - 100) / 2


def test_a_transparent_png_prints_its_background_as_paper(simulator: ZplSimulator) -> None:
    clear = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    clear.paste((0, 0, 0, 255), (100, 100, 200, 200))
    zpl_printer(simulator).print_supplied(JOB, SuppliedLabel(PNG, png_bytes(clear)))

    (image,) = printed_graphics(simulator, 1)
    assert ink_box(image) == (256 + 100, 459 + 100, 256 + 200, 459 + 200)


def test_zpl_passes_through_byte_for_byte(simulator: ZplSimulator) -> None:
    courier_zpl = b"^XA^FO50,50^BY3^BCN,120,Y,N,N^FDJJD0002249876543210^FS~JR^XZ"
    zpl_printer(simulator).print_supplied(JOB, SuppliedLabel(ZPL, courier_zpl))

    assert simulator.wait_for_jobs(1, WAIT_S)
    assert simulator.jobs == [courier_zpl]


def test_zpl_with_blank_lines_around_it_is_still_zpl(simulator: ZplSimulator) -> None:
    courier_zpl = b"^XA^FO50,50^FDone^FS^XZ\r\n^xa^FO50,50^FDtwo^FS^xz"
    zpl_printer(simulator).print_supplied(
        JOB, SuppliedLabel(ZPL, b"\xef\xbb\xbf\r\n" + courier_zpl + b"\n")
    )

    assert simulator.wait_for_jobs(2, WAIT_S)
    assert simulator.jobs == [b"^XA^FO50,50^FDone^FS^XZ", b"^xa^FO50,50^FDtwo^FS^xz"]


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4 not zpl at all",
        b"^XA^FO50,50^FDcut off in the middle",
        b"hello ^XA^FDx^FS^XZ",
        b"",
    ],
)
def test_a_file_that_is_not_zpl_is_refused_and_never_reaches_the_printer(
    simulator: ZplSimulator, data: bytes
) -> None:
    with pytest.raises(
        PermanentPrintError, match=r"sent as ZPL is not a ZPL label.*get the label again"
    ):
        zpl_printer(simulator).print_supplied(JOB, SuppliedLabel(ZPL, data))
    assert simulator.status_requests == 0
    assert simulator.jobs == []


@pytest.mark.parametrize(
    ("label", "message"),
    [
        (SuppliedLabel(PDF, b"%PDF-1.4\nnothing else"), "sent as PDF cannot be read as a PDF"),
        (SuppliedLabel(PDF, b"\x89PNG\r\n\x1a\n"), "sent as PDF cannot be read as a PDF"),
        (SuppliedLabel(PNG, b"%PDF-1.4"), "sent as PNG cannot be read as a PNG image"),
        (SuppliedLabel(PNG, b"\x89PNG\r\n\x1a\n cut short"), "cannot be read as a PNG image"),
    ],
)
def test_a_document_that_cannot_be_read_is_refused_with_what_to_do(
    simulator: ZplSimulator, label: SuppliedLabel, message: str
) -> None:
    with pytest.raises(PermanentPrintError, match=f"{message}.*get the label again"):
        zpl_printer(simulator).print_supplied(JOB, label)
    assert simulator.jobs == []


def test_a_document_of_many_pages_is_not_a_label(simulator: ZplSimulator) -> None:
    pdf = courier_pdf(*(f"PAGE-{n}" for n in range(11)))
    with pytest.raises(PermanentPrintError, match="has 11 pages, and a label has 1 to 10"):
        zpl_printer(simulator).print_supplied(JOB, SuppliedLabel(PDF, pdf))
    assert simulator.jobs == []


def test_out_of_paper_holds_the_supplied_label_until_paper_is_loaded(
    simulator: ZplSimulator,
) -> None:
    printer = zpl_printer(simulator)
    label = SuppliedLabel(PDF, courier_pdf(TRACKING))
    simulator.state = SimulatedState.PAPER_OUT
    with pytest.raises(PrintError, match="out of paper: load labels") as refused:
        printer.print_supplied(JOB, label)
    assert not isinstance(refused.value, PermanentPrintError)  # it is retried
    assert simulator.jobs == []

    simulator.state = SimulatedState.READY
    printer.print_supplied(JOB, label)
    (image,) = printed_graphics(simulator, 1)
    assert scan(image) == [TRACKING]


def test_the_graphic_reads_back_exactly_with_every_compression_form() -> None:
    rng = np.random.default_rng(7)
    noise = rng.random((40, 3300)) < 0.5  # rows wider than one count can say (419 digits)
    pixels = np.ones((200, 3300), dtype=bool)  # white
    pixels[:40] = noise
    pixels[60:80] = False  # whole black rows, repeated
    pixels[100:140, :1700] = False  # runs of black then white: counts and ","
    pixels[150] = noise[0]  # a row like none above it, after repeated ones
    image = Image.fromarray(pixels)  # width 3300: not a whole number of bytes

    zpl = zpl_graphic_label(image)
    (graphic,) = graphics(zpl)
    assert label_size(zpl) == (3300, 200)
    back = np.asarray(graphic.image.crop((0, 0, 3300, 200)), dtype=bool)
    assert np.array_equal(back, pixels)
    assert np.asarray(graphic.image, dtype=bool)[:, 3300:].all()  # the padding prints nothing
    assert len(zpl) < pixels.size // 4  # plain hex would be one digit per 4 dots


def test_the_gfa_reader_reads_each_compression_form_by_hand() -> None:
    # Two rows of 8 bytes, a black row then a white one, written four ways.
    plain = np.asarray(decode_gf("A,16,16,8,FFFFFFFFFFFFFFFF0000000000000000"))
    assert not plain[0].any() and plain[1].all()  # Pillow: True is white
    for compressed in ("!,", "VF,", "MFOF,", "FFFFFFFFFFFFFFFFV0"):
        assert np.array_equal(np.asarray(decode_gf(f"A,16,16,8,{compressed}")), plain)
    # h (40) and H (2) add up to one count; ":" repeats the row above.
    rows = np.asarray(decode_gf("A,42,42,21,hHF:"))
    assert rows.shape == (2, 168) and not rows.any()


# --- ESC/POS printers -------------------------------------------------------------------


def raster_images(output: bytes) -> list[Image.Image]:
    """The GS v 0 raster images in ESC/POS bytes, read as the printer reads them."""
    images = []
    start = output.find(b"\x1dv0")
    while start >= 0:
        header = output[start + 4 : start + 8]
        row_bytes, height = header[0] + 256 * header[1], header[2] + 256 * header[3]
        data = output[start + 8 : start + 8 + row_bytes * height]
        # ESC/POS: a 1 bit is a dot printed. Pillow's "1" raw data: a 1 bit is white.
        images.append(Image.frombytes("1", (row_bytes * 8, height), bytes(b ^ 0xFF for b in data)))
        start = output.find(b"\x1dv0", start + 8 + len(data))
    return images


CUT = b"\x1dV\x00"  # python-escpos's full cut


def stacked(images: list[Image.Image]) -> Image.Image:
    """Fragments of one long image, one under the other as the roll prints them."""
    page = Image.new("1", (images[0].width, sum(i.height for i in images)), 1)
    top = 0
    for image in images:
        page.paste(image, (0, top))
        top += image.height
    return page


def test_an_escpos_printer_prints_a_pdf_label_as_an_image_across_the_roll() -> None:
    dummy = Dummy(profile="TM-T88V")
    printer = EscposLabelPrinter(lambda: dummy)
    result = printer.print_supplied(JOB, SuppliedLabel(PDF, courier_pdf(TRACKING)))

    page = stacked(raster_images(dummy.output))
    assert page.width == 512  # the 80 mm roll's printable dots
    assert page.height == 768  # a 4x6 in label, shrunk to the roll's width
    assert scan(page) == [TRACKING]
    assert dummy.output.endswith(CUT)
    assert result.location == f"escpos+dummy job {JOB[:8]}"


def test_an_escpos_printer_prints_a_png_label() -> None:
    small = Image.new("L", (100, 40), 255)
    small.paste(0, (0, 0, 100, 40))
    dummy = Dummy(profile="TM-T88V")
    EscposLabelPrinter(lambda: dummy, paper_mm=58).print_supplied(
        JOB, SuppliedLabel(PNG, png_bytes(small))
    )

    page = stacked(raster_images(dummy.output))
    assert page.width == 360
    assert ink_box(page) == (130, 0, 230, 40)  # centred across the roll


def test_an_escpos_printer_refuses_zpl_and_names_the_printer_that_would_print_it() -> None:
    dummy = Dummy(profile="TM-T88V")
    courier_zpl = b"^XA^FO50,50^FDx^FS^XZ"
    with pytest.raises(PermanentPrintError, match=r"ZPL label needs a ZPL printer.*zpl\+tcp://"):
        EscposLabelPrinter(lambda: dummy).print_supplied(JOB, SuppliedLabel(ZPL, courier_zpl))
    assert dummy.output == b""


class PaperOut(Dummy):
    """A receipt printer that answers every DLE EOT: online, but the roll is out."""

    def _read(self) -> bytes:
        asked = self.output[-1:]
        return bytes([0x72 if asked == b"\x04" else 0x12])


def test_an_escpos_printer_out_of_paper_is_told_and_prints_nothing() -> None:
    dummy = PaperOut(profile="TM-T88V")
    with pytest.raises(PrintError, match="out of paper: load labels"):
        EscposLabelPrinter(lambda: dummy).print_supplied(
            JOB, SuppliedLabel(PDF, courier_pdf(TRACKING))
        )
    assert raster_images(dummy.output) == []


# --- the folder printer -----------------------------------------------------------------


def test_the_folder_printer_saves_a_pdf_label_as_it_is(tmp_path: Path) -> None:
    pdf = courier_pdf(TRACKING)
    result = FileLabelPrinter(tmp_path / "labels").print_supplied(JOB, SuppliedLabel(PDF, pdf))

    path = Path(result.location)
    assert path == tmp_path / "labels" / f"courier-label-{JOB[:8]}.pdf"
    assert path.read_bytes() == pdf


def test_the_folder_printer_saves_a_png_label_as_a_pdf_of_its_size(tmp_path: Path) -> None:
    png = courier_png(tmp_path, dpi=203)
    result = FileLabelPrinter(tmp_path / "labels").print_supplied(JOB, SuppliedLabel(PNG, png))

    path = Path(result.location)
    assert path.read_bytes().startswith(b"%PDF-")
    (page,) = page_images(path, tmp_path / "pages", dpi=203)
    with Image.open(page) as picture:
        assert picture.size == (812, 1218)  # 4x6 in, as the PNG says it is
    assert decode_image(page) == [TRACKING]


def test_a_resend_replaces_the_file_and_never_duplicates_it(tmp_path: Path) -> None:
    printer = FileLabelPrinter(tmp_path)
    first = printer.print_supplied(JOB, SuppliedLabel(PDF, courier_pdf(TRACKING)))
    again = printer.print_supplied(JOB, SuppliedLabel(PDF, courier_pdf(TRACKING)))
    other = printer.print_supplied(OTHER_JOB, SuppliedLabel(PDF, courier_pdf("OTHER-1")))

    assert first == again
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [Path(first.location).name, Path(other.location).name]
    )


def test_the_folder_printer_refuses_zpl_and_writes_nothing(tmp_path: Path) -> None:
    courier_zpl = b"^XA^FO50,50^FDx^FS^XZ"
    with pytest.raises(PermanentPrintError, match=r"ZPL label needs a ZPL printer.*zpl\+tcp://"):
        FileLabelPrinter(tmp_path).print_supplied(JOB, SuppliedLabel(ZPL, courier_zpl))
    assert list(tmp_path.iterdir()) == []


def test_the_folder_printer_never_saves_a_pdf_that_is_not_one(tmp_path: Path) -> None:
    with pytest.raises(PermanentPrintError, match="cannot be read as a PDF"):
        FileLabelPrinter(tmp_path).print_supplied(JOB, SuppliedLabel(PDF, b"<html>404</html>"))
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_a_print_error_saying_what_to_check(
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "labels"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(PrintError, match=f"job {JOB[:8]} to .*labels.*Check that the folder"):
        FileLabelPrinter(blocked).print_supplied(JOB, SuppliedLabel(PDF, courier_pdf(TRACKING)))


# --- the conversion alone ---------------------------------------------------------------


def test_a_roll_takes_the_page_as_tall_as_it_comes() -> None:
    (page,) = label_images(SuppliedLabel(PDF, courier_pdf(TRACKING)), Box(576, None, 203))
    assert page.size == (576, 864)  # 4x6 in shrunk to 576 dots wide, in proportion
    assert page.mode == "1"
