"""A courier's own label document (PDF, PNG or ZPL) made printable on any label printer.

The document is printed as it is: nothing on it is redrawn. What changes is
only its form: a PDF or PNG page becomes a 1-bit image for a printer that
takes dots (ZPL ^GF, ESC/POS raster), and a PNG becomes a PDF for the folder
printer.

How a page is fitted on a label:
- it keeps its real size (a PDF page's, or a PNG's own dpi; a PNG that
  states none is taken as one pixel per printer dot), and is only ever
  shrunk, to fit, never cut: a 4x6 in label on a 4x6 in roll prints 1:1;
- it is turned a quarter turn when that prints it larger (a landscape
  label on a portrait roll), so its barcodes keep the most dots per bar;
- it is centred.

Every page of a PDF is its own label: a courier's document may carry a
second page (a customs form), and dropping it would go unnoticed.

Bad documents raise PermanentPrintError, saying what is wrong and what to
do: sending them again cannot help.

Printers import this module when a supplied label comes, not at start:
PDFium alone takes 0.2 s to load.
"""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image, UnidentifiedImageError

from devices.printers.zpl_graphic import image_to_gfa
from station.ports import PermanentPrintError, SuppliedFormat, SuppliedLabel

MAX_PAGES = 10  # more is not a label but some other document sent by mistake
PNG_DPI_UNSTATED = 203  # for the PDF of a PNG without a dpi: a label printer's dots
_GET_AGAIN = "get the label again from the order system, or from the courier's website"

# PDFium is not thread-safe, and the label and document printers each have a thread.
_pdfium_lock = threading.Lock()


@dataclass(frozen=True)
class Box:
    """Where pages go, in printer dots: a label, or a roll (`height` None) of any length."""

    width: int
    height: int | None
    dpi: int


def check_zpl(data: bytes) -> None:
    """Raise PermanentPrintError unless `data` looks like ZPL labels (^XA ... ^XZ)."""
    text = data.lstrip(b"\xef\xbb\xbf").strip()  # a BOM or blank lines are harmless
    if not (text[:3].upper() == b"^XA" and text[-3:].upper() == b"^XZ"):
        raise PermanentPrintError(
            "The courier's label sent as ZPL is not a ZPL label (it must start with ^XA and "
            f"end with ^XZ): {_GET_AGAIN}."
        )


def check_pdf(data: bytes) -> None:
    """Raise PermanentPrintError unless `data` is a PDF that can be read, of 1 to MAX_PAGES."""
    with _pdfium_lock:
        document = _open_pdf(data)
        try:
            _page_count(document)
        finally:
            document.close()


def label_images(label: SuppliedLabel, box: Box) -> list[Image.Image]:
    """Each page of a PDF or PNG label as a 1-bit image `box.width` dots wide.

    The image is `box.height` tall, or as tall as the page for a roll. Black
    pixels are dots to print.
    """
    if label.format is SuppliedFormat.PDF:
        pages = _pdf_pages(label.data, box)
    elif label.format is SuppliedFormat.PNG:
        pages = [_png_page(label.data, box)]
    else:
        raise ValueError(f"{label.format} labels are not made of images")
    return [_on_canvas(page, box) for page in pages]


def png_to_pdf(data: bytes) -> bytes:
    """A one-page PDF of a PNG, at the PNG's own size (lossless)."""
    # Imported here: reportlab is loaded in the render process (see file_printer).
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    image = _flattened(_open_png(data))
    dpi = _png_dpi(image) or PNG_DPI_UNSTATED
    size = (image.width * 72 / dpi, image.height * 72 / dpi)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=size, pageCompression=1)
    canvas.drawImage(ImageReader(image), 0, 0, *size)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def zpl_graphic_label(image: Image.Image) -> bytes:
    """One ZPL label printing `image` (1-bit, black prints) from its top left corner."""
    graphic = image_to_gfa(image)
    return f"^XA^PW{image.width}^LL{image.height}^LH0,0^FO0,0{graphic}^FS^XZ\n".encode("ascii")


def _pdf_pages(data: bytes, box: Box) -> list[Image.Image]:
    with _pdfium_lock:
        document = _open_pdf(data)
        try:
            pages = []
            for index in range(_page_count(document)):
                page = document[index]
                width_pt, height_pt = page.get_size()
                # A PDF page's real size is in points, 72 to the inch.
                natural = (width_pt * box.dpi / 72, height_pt * box.dpi / 72)
                scale, turned = _fit(natural, box)
                bitmap = page.render(
                    scale=scale * box.dpi / 72,
                    rotation=90 if turned else 0,
                    grayscale=True,
                    fill_color=(255, 255, 255, 255),
                )
                pages.append(bitmap.to_pil().convert("L"))
        except pdfium.PdfiumError as exc:
            raise PermanentPrintError(
                f"The courier's label PDF cannot be drawn ({exc}): {_GET_AGAIN}."
            ) from exc
        finally:
            document.close()
    return pages


def _open_pdf(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PermanentPrintError(
            f"The courier's label sent as PDF cannot be read as a PDF ({exc}): {_GET_AGAIN}."
        ) from exc


def _page_count(document: pdfium.PdfDocument) -> int:
    count = len(document)
    if not 1 <= count <= MAX_PAGES:
        raise PermanentPrintError(
            f"The courier's label PDF has {count} pages, and a label has 1 to {MAX_PAGES}: "
            f"{_GET_AGAIN}."
        )
    return count


def _png_page(data: bytes, box: Box) -> Image.Image:
    image = _flattened(_open_png(data)).convert("L")
    dpi = _png_dpi(image)
    natural: tuple[float, float] = (image.width, image.height)
    if dpi is not None:
        natural = (image.width * box.dpi / dpi, image.height * box.dpi / dpi)
    scale, turned = _fit(natural, box)
    size = (max(1, round(natural[0] * scale)), max(1, round(natural[1] * scale)))
    if size != image.size:  # one pixel per dot keeps every bar exactly as drawn
        image = image.resize(size, Image.Resampling.LANCZOS)
    # A quarter turn clockwise, as PDFium turns a PDF page.
    return image.transpose(Image.Transpose.ROTATE_270) if turned else image


def _open_png(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=["PNG"])
        image.load()
    # Pillow reports a broken chunk as SyntaxError, and a huge image as DecompressionBombError.
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PermanentPrintError(
            f"The courier's label sent as PNG cannot be read as a PNG image ({exc}): {_GET_AGAIN}."
        ) from exc
    return image


def _png_dpi(image: Image.Image) -> float | None:
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and dpi[0] and dpi[0] >= 1:
        return float(dpi[0])
    return None


def _flattened(image: Image.Image) -> Image.Image:
    """The image in RGB on white: transparent parts print as paper, not as black."""
    rgba = image.convert("RGBA")
    white = Image.new("RGB", rgba.size, (255, 255, 255))
    white.paste(rgba, mask=rgba.getchannel("A"))
    return white


def _fit(natural: tuple[float, float], box: Box) -> tuple[float, bool]:
    """The scale (at most 1) and turn that print a page of `natural` dots largest in `box`."""

    def scale(width: float, height: float) -> float:
        limits = [1.0, box.width / width]
        if box.height is not None:
            limits.append(box.height / height)
        return min(limits)

    width, height = max(natural[0], 1.0), max(natural[1], 1.0)
    upright, turned = scale(width, height), scale(height, width)
    if turned > upright and not math.isclose(turned, upright):
        return turned, True
    return upright, False


def _on_canvas(page: Image.Image, box: Box) -> Image.Image:
    """The page thresholded to black and white, centred on a label (or a roll's width)."""
    height = box.height if box.height is not None else page.height
    canvas = Image.new("L", (box.width, height), 255)
    # Rounding may make a rendered page a dot larger than the box: that dot is margin.
    canvas.paste(page, ((box.width - page.width) // 2, (height - page.height) // 2))
    # No dithering: a barcode's edge must be one clean line.
    return canvas.convert("1", dither=Image.Dither.NONE)
