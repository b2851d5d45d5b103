"""A closed load's manifest as PDF: every parcel with its barcode, the driver's signature.

Every page repeats the header with the load id as a barcode, so a loose page
still scans back to its load; each parcel's tracking number is printed as
text and as a Code 128 barcode that scans back to it; the footer of every
page carries the manifest's SHA-256 (station.handoff.manifest_data).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from devices.pdf.fonts import label_fonts, text_width
from devices.pdf.paper import Paper
from devices.pdf.text_draw import draw_text
from station.device_urls import DeviceUrl
from station.errors import UserError
from station.handoff.manifest_data import ManifestData, ManifestParcel

MARGIN = 42.0
# A module of 1/75 inch (13.3 mil) is 2 whole dots at 150 dpi, 4 at 300 and 8 at 600, and
# 2.7 at a thermal printer's 203: a 150 dpi print or scan still reads, where 10 mil (1.5 dots)
# did not. A 30-digit tracking number stays under half the row; the load's barcode fits
# beside the title.
LOAD_MODULE = PARCEL_MODULE = 72 / 75
QUIET_MODULES = 10
HEADER_HEIGHT = 92.0
SUMMARY_HEIGHT = 64.0
HANDOVER_HEIGHT = 170.0
FOOTER_HEIGHT = 24.0
ROW_HEIGHT = 48.0
ROW_BAR_HEIGHT = 26.0
TABLE_HEAD = 18.0
# Column left edges from the margin: number, tracking (text and barcode), order, service, kg.
COLUMNS = (0.0, 26.0, 262.0, 370.0, 462.0)


@dataclass(frozen=True)
class _Pages:
    rows: tuple[tuple[ManifestParcel, ...], ...]  # the parcels of each page
    handover_page: int  # the page the driver's block goes on (0-based)


def render_manifest_pdf(
    data: ManifestData,
    signature_png: bytes | None,
    photo: Path | None,
    paper: Paper = Paper.A4,
) -> bytes:
    """The manifest's PDF bytes (fits station.handoff.manifest_data.PdfRenderer)."""
    regular, bold = label_fonts()
    width, height = paper.size
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=True)
    canvas.setTitle(f"Manifest {data.load} {data.courier} {data.date}")
    canvas.setAuthor(f"PackStation {data.station}")
    pages = _paginate(data.parcels, height)
    page_count = max(len(pages.rows), pages.handover_page + 1)
    for index in range(page_count):
        top = height - MARGIN
        top = _header(canvas, data, top, width, regular, bold)
        if index == 0:
            top = _summary(canvas, data, top, regular, bold)
        rows = pages.rows[index] if index < len(pages.rows) else ()
        if rows:
            top = _table(canvas, rows, top, width, regular, bold, _first_no(pages, index))
        if index == pages.handover_page:
            _handover(canvas, data, signature_png, photo, top, width, regular, bold)
        _footer(canvas, data, index + 1, page_count, width, regular)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _paginate(parcels: tuple[ManifestParcel, ...], height: float) -> _Pages:
    room = height - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT - TABLE_HEAD
    first = int((room - SUMMARY_HEIGHT) // ROW_HEIGHT)
    later = int(room // ROW_HEIGHT)
    rows: list[tuple[ManifestParcel, ...]] = []
    left = list(parcels)
    while left:
        take = first if not rows else later
        rows.append(tuple(left[:take]))
        left = left[take:]
    if not rows:
        return _Pages((), 0)
    used = len(rows[-1]) * ROW_HEIGHT + TABLE_HEAD + (SUMMARY_HEIGHT if len(rows) == 1 else 0)
    fits = room + TABLE_HEAD - used >= HANDOVER_HEIGHT
    return _Pages(tuple(rows), len(rows) - 1 if fits else len(rows))


def _first_no(pages: _Pages, index: int) -> int:
    return 1 + sum(len(rows) for rows in pages.rows[:index])


def _header(
    canvas: Canvas, data: ManifestData, top: float, width: float, regular: str, bold: str
) -> float:
    symbol = _code128(data.load, LOAD_MODULE, 40.0)
    right = width - MARGIN
    # The text stays left of the barcode and its quiet zone: a long courier name or
    # service list shrinks, then is cut, rather than run into the bars.
    room = right - symbol.width - MARGIN
    _draw_fitted(canvas, MARGIN, top - 18, f"Manifest — {data.courier}", bold, 17, room)
    services = ", ".join(data.services) or "—"
    lines = (
        f"Service: {services}",
        f"Date: {data.date}    Station: {data.station}",
        f"Load: {data.load}    Closed: {data.closed_at[:19].replace('T', ' ')} UTC",
    )
    for number, line in enumerate(lines):
        _draw_fitted(canvas, MARGIN, top - 38 - 14 * number, line, regular, 10, room)
    symbol.drawOn(canvas, right - symbol.width, top - 48)
    canvas.setFont(regular, 9)
    canvas.drawCentredString(right - symbol.width / 2, top - 60, data.load)
    canvas.setLineWidth(1.0)
    canvas.line(MARGIN, top - HEADER_HEIGHT + 8, width - MARGIN, top - HEADER_HEIGHT + 8)
    return top - HEADER_HEIGHT


def _draw_fitted(
    canvas: Canvas, x: float, y: float, text: str, font: str, size: float, room: float
) -> None:
    """`text` in at most `room` points: smaller down to 70 % of `size`, then cut with "…"."""
    smallest = size * 0.7
    fitted = max(smallest, min(size, size * room / max(text_width(text, font, size), 1.0)))
    while len(text) > 1 and text_width(text, font, fitted) > room:
        text = text[:-2].rstrip() + "…"
    draw_text(canvas, x, y, text, font, fitted)


def _summary(canvas: Canvas, data: ManifestData, top: float, regular: str, bold: str) -> float:
    weight = f"{data.total_weight_g / 1000:.2f} kg"
    if data.unweighed:
        weight += f" ({data.unweighed} parcel(s) not weighed)"
    draw_text(canvas, MARGIN, top - 14, f"Parcels: {data.parcel_count}", bold, 13)
    draw_text(canvas, MARGIN + 160, top - 14, f"Total weight: {weight}", bold, 13)
    vehicle = f"    Vehicle: {data.vehicle}" if data.vehicle else ""
    draw_text(canvas, MARGIN, top - 34, f"Driver: {data.driver}{vehicle}", regular, 10)
    if data.left:
        draw_text(
            canvas,
            MARGIN,
            top - 50,
            f"Left at the dock: {len(data.left)} parcel(s), listed in the JSON manifest "
            "with their reasons.",
            regular,
            9,
        )
    return top - SUMMARY_HEIGHT


def _table(
    canvas: Canvas,
    rows: tuple[ManifestParcel, ...],
    top: float,
    width: float,
    regular: str,
    bold: str,
    first_no: int,
) -> float:
    titles = ("#", "Tracking number", "Order", "Service", "Weight")
    for left, title in zip(COLUMNS, titles, strict=True):
        canvas.setFont(bold, 9)
        canvas.drawString(MARGIN + left, top - 12, title)
    top -= TABLE_HEAD
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN, top + 2, width - MARGIN, top + 2)
    for number, parcel in enumerate(rows, start=first_no):
        canvas.setFont(regular, 9)
        canvas.drawString(MARGIN + COLUMNS[0], top - 12, str(number))
        draw_text(canvas, MARGIN + COLUMNS[1], top - 12, parcel.tracking, bold, 10)
        draw_text(canvas, MARGIN + COLUMNS[2], top - 12, parcel.order[:22], regular, 9)
        draw_text(canvas, MARGIN + COLUMNS[3], top - 12, parcel.service[:18], regular, 9)
        weight = "—" if parcel.weight_g is None else f"{parcel.weight_g / 1000:.2f} kg"
        canvas.setFont(regular, 9)
        canvas.drawRightString(width - MARGIN, top - 12, weight)
        if parcel.tracking.isascii() and parcel.tracking.isprintable():
            symbol = _code128(parcel.tracking, PARCEL_MODULE, ROW_BAR_HEIGHT)
            symbol.drawOn(canvas, MARGIN + COLUMNS[1] - QUIET_MODULES * PARCEL_MODULE, top - 44)
        top -= ROW_HEIGHT
        canvas.setLineWidth(0.3)
        canvas.line(MARGIN, top + 2, width - MARGIN, top + 2)
    return top


def _handover(
    canvas: Canvas,
    data: ManifestData,
    signature_png: bytes | None,
    photo: Path | None,
    top: float,
    width: float,
    regular: str,
    bold: str,
) -> None:
    top -= 16
    draw_text(canvas, MARGIN, top - 12, "Handed over", bold, 12)
    draw_text(
        canvas,
        MARGIN,
        top - 30,
        f"{data.parcel_count} parcel(s) to {data.driver}"
        + (f", vehicle {data.vehicle}" if data.vehicle else ""),
        regular,
        10,
    )
    box_top = top - 40
    canvas.setLineWidth(0.6)
    canvas.rect(MARGIN, box_top - 100, 240, 100)
    if signature_png:
        canvas.drawImage(
            ImageReader(io.BytesIO(signature_png)),
            MARGIN + 4,
            box_top - 96,
            232,
            92,
            preserveAspectRatio=True,
            mask="auto",
        )
    else:
        draw_text(canvas, MARGIN + 10, box_top - 54, data.signature, regular, 10)
    # draw_text, as for the line above: a name in a script the regular font lacks
    # (李, Ελένη) was drawn as empty boxes here.
    draw_text(canvas, MARGIN, box_top - 110, f"Signature of {data.driver}", regular, 8)
    if photo is not None and photo.is_file():
        canvas.drawImage(
            ImageReader(str(photo)),
            width - MARGIN - 160,
            box_top - 120,
            160,
            120,
            preserveAspectRatio=True,
        )
        canvas.drawRightString(width - MARGIN, box_top - 130, "Photo of the cage")


def _footer(
    canvas: Canvas, data: ManifestData, number: int, count: int, width: float, regular: str
) -> None:
    canvas.setFont(regular, 7.5)
    canvas.drawString(MARGIN, MARGIN - 4, f"SHA-256 of the manifest data: {data.sha256}")
    canvas.drawRightString(width - MARGIN, MARGIN - 4, f"Page {number} of {count}")


def _code128(value: str, module: float, bar_height: float) -> Code128:
    quiet = QUIET_MODULES * module
    return Code128(
        value,
        barWidth=module,
        barHeight=bar_height,
        humanReadable=False,
        lquiet=quiet,
        rquiet=quiet,
    )


def manifest_printer(url: DeviceUrl | None) -> Callable[[Path], str] | None:
    """Where a closed load's manifest is printed without a window: a pdf+file folder.

    A system printer is printed to by the station's window (ui.loading); None here.
    """
    if url is None or url.scheme != "pdf+file":
        return None
    folder = Path(url.target)

    def copy(pdf: Path) -> str:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf, folder / pdf.name)
        except OSError as exc:
            raise UserError(f"the manifest cannot be saved in {folder}: {exc.strerror}.") from exc
        return str(folder / pdf.name)

    return copy
