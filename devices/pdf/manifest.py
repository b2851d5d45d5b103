"""A closed load's manifest as PDF: every parcel with its barcode, the driver's signature.

Every page repeats the header with the load id as a barcode, so a loose page
still scans back to its load; each parcel's tracking number is printed as
text and as a Code 128 barcode that scans back to it (devices.pdf.manifest_rows);
the footer of every page carries the manifest's SHA-256
(station.handoff.manifest_data). Long values (a driver's name, a vehicle, a
weight) are set smaller and then wrapped to stay on the page
(devices.pdf.manifest_text); only the header's courier, service and station,
beside the load's barcode, are cut.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from devices.pdf.fonts import label_fonts
from devices.pdf.manifest_rows import (
    MARGIN,
    MAX_LINES,
    MODULE,
    TABLE_HEAD,
    Row,
    code128,
    draw_head,
    draw_row,
    lay_out_row,
)
from devices.pdf.manifest_text import FittedText, fit_text
from devices.pdf.paper import Paper
from devices.pdf.text_draw import draw_text
from station.device_urls import DeviceUrl
from station.errors import UserError
from station.handoff.manifest_data import ManifestData

SIGNATURE_BOX = (240.0, 100.0)  # width, height
# The handover's sentence names the driver and vehicle, its caption the driver: at the
# most the close dialog takes (80 characters each) in the widest letters, 4 lines.
NAME_LINES = 4

LOAD_MODULE = MODULE
HEADER_HEIGHT = 92.0
FOOTER_HEIGHT = 24.0
SUMMARY_GAP = 4.0  # between the summary's lines, and under its last one
PHOTO_WIDTH = 160.0
PHOTO_GAP = 12.0
SENTENCE = 46.0  # the handover sentence's first baseline, below the block's top


@dataclass(frozen=True)
class _Pages:
    rows: tuple[tuple[Row, ...], ...]  # the rows of each page
    handover_page: int  # the page the driver's block goes on (0-based)


@dataclass(frozen=True)
class _Line:
    """One text of a stacked block, at `indent` points from the margin."""

    text: FittedText
    indent: float = 0.0


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
    photo = photo if photo is not None and photo.is_file() else None
    summary = _summary_lines(data, width, regular, bold)
    handover = _Handover.lay_out(data, photo is not None, width, regular, bold)
    rows = [
        lay_out_row(parcel, number, width, regular, bold)
        for number, parcel in enumerate(data.parcels, start=1)
    ]
    pages = _paginate(rows, height, _stack_height(summary), handover.height)
    page_count = max(len(pages.rows), pages.handover_page + 1)
    for index in range(page_count):
        top = height - MARGIN
        top = _header(canvas, data, top, width, regular, bold)
        if index == 0:
            top = _draw_stack(canvas, summary, top)
        page_rows = pages.rows[index] if index < len(pages.rows) else ()
        if page_rows:
            top = draw_head(canvas, top, width, bold)
            for row in page_rows:
                top = draw_row(canvas, row, top, width)
        if index == pages.handover_page:
            handover.draw(canvas, signature_png, photo, top, width)
        _footer(canvas, data, index + 1, page_count, width, regular)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _paginate(rows: list[Row], height: float, summary: float, handover: float) -> _Pages:
    room = height - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT - TABLE_HEAD
    pages: list[tuple[Row, ...]] = []
    page: list[Row] = []
    left = room - summary
    for row in rows:
        # A page takes at least one row, whatever its height: no page is left empty.
        if page and row.height > left:
            pages.append(tuple(page))
            page, left = [], room
        page.append(row)
        left -= row.height
    if page:
        pages.append(tuple(page))
    if not pages:
        return _Pages((), 0)
    fits = left >= handover
    return _Pages(tuple(pages), len(pages) - 1 if fits else len(pages))


def _header(
    canvas: Canvas, data: ManifestData, top: float, width: float, regular: str, bold: str
) -> float:
    symbol = code128(data.load, LOAD_MODULE, 40.0)
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
    """`text` on one line in at most `room` points: smaller down to 70 %, then cut with "…"."""
    fit_text(text, font, size, room).draw(canvas, x, y)


def _summary_lines(
    data: ManifestData, width: float, regular: str, bold: str
) -> tuple[tuple[_Line, ...], ...]:
    """The summary's lines, each a tuple of texts side by side: counts, driver, vehicle.

    The driver and vehicle have a line each, wrapped if they must be: at 80 characters
    (the most the close dialog takes) they do not fit one line together.
    """
    room = width - 2 * MARGIN
    weight = f"{data.total_weight_g / 1000:.2f} kg"
    if data.unweighed:
        weight += f" ({data.unweighed} parcel(s) not weighed)"
    counts = (
        _Line(fit_text(f"Parcels: {data.parcel_count}", bold, 13, 150)),
        _Line(fit_text(f"Total weight: {weight}", bold, 13, room - 160, MAX_LINES), 160),
    )
    lines = [counts, (_Line(fit_text(f"Driver: {data.driver}", regular, 10, room, MAX_LINES)),)]
    if data.vehicle:
        vehicle = fit_text(f"Vehicle: {data.vehicle}", regular, 10, room, MAX_LINES)
        lines.append((_Line(vehicle),))
    if data.left:
        left = (
            f"Left at the dock: {len(data.left)} parcel(s), listed in the JSON manifest "
            "with their reasons."
        )
        lines.append((_Line(fit_text(left, regular, 9, room, MAX_LINES)),))
    return tuple(lines)


def _stack_height(lines: tuple[tuple[_Line, ...], ...]) -> float:
    return 2 + sum(max(part.text.height for part in line) + SUMMARY_GAP for line in lines) + 6


def _draw_stack(canvas: Canvas, lines: tuple[tuple[_Line, ...], ...], top: float) -> float:
    """Draw the lines one under the other; returns the top of what follows."""
    cursor = top - 2
    for line in lines:
        for part in line:
            part.text.draw(canvas, MARGIN + part.indent, cursor - part.text.size)
        cursor -= max(part.text.height for part in line) + SUMMARY_GAP
    return top - _stack_height(lines)


@dataclass(frozen=True)
class _Handover:
    """The driver's block: who took how many parcels, the signature, the cage's photo."""

    sentence: FittedText
    caption: FittedText  # under the signature, left of the photo
    box_text: FittedText  # in the box when there is no drawn signature
    regular: str
    bold: str
    has_photo: bool

    @classmethod
    def lay_out(
        cls, data: ManifestData, has_photo: bool, width: float, regular: str, bold: str
    ) -> _Handover:
        room = width - 2 * MARGIN
        vehicle = f", vehicle {data.vehicle}" if data.vehicle else ""
        sentence = f"{data.parcel_count} parcel(s) to {data.driver}{vehicle}"
        caption_room = room - PHOTO_WIDTH - PHOTO_GAP  # left of the photo, if any
        return cls(
            sentence=fit_text(sentence, regular, 10, room, NAME_LINES),
            # Drawn run by run (draw_text), as every fitted text: a name in a script the
            # regular font lacks (李, Ελένη) was drawn as empty boxes here.
            caption=fit_text(f"Signature of {data.driver}", regular, 8, caption_room, NAME_LINES),
            box_text=fit_text(data.signature, regular, 10, SIGNATURE_BOX[0] - 20, 2),
            regular=regular,
            bold=bold,
            has_photo=has_photo,
        )

    @property
    def _box_top(self) -> float:
        """The signature box's top, below the block's top: under the sentence's last line."""
        return SENTENCE + (len(self.sentence.lines) - 1) * self.sentence.line_height + 10

    @property
    def height(self) -> float:
        below_box = 110 + (len(self.caption.lines) - 1) * self.caption.line_height + 4
        below_photo = 130 + 4 if self.has_photo else 0
        return self._box_top + max(below_box, below_photo)

    def draw(
        self,
        canvas: Canvas,
        signature_png: bytes | None,
        photo: Path | None,
        top: float,
        width: float,
    ) -> None:
        draw_text(canvas, MARGIN, top - 28, "Handed over", self.bold, 12)
        self.sentence.draw(canvas, MARGIN, top - SENTENCE)
        box_top = top - self._box_top
        box_width, box_height = SIGNATURE_BOX
        canvas.setLineWidth(0.6)
        canvas.rect(MARGIN, box_top - box_height, box_width, box_height)
        if signature_png:
            canvas.drawImage(
                ImageReader(io.BytesIO(signature_png)),
                MARGIN + 4,
                box_top - box_height + 4,
                box_width - 8,
                box_height - 8,
                preserveAspectRatio=True,
                mask="auto",
            )
        else:
            self.box_text.draw(canvas, MARGIN + 10, box_top - 54)
        self.caption.draw(canvas, MARGIN, box_top - 110)
        if photo is not None:
            canvas.drawImage(
                ImageReader(str(photo)),
                width - MARGIN - PHOTO_WIDTH,
                box_top - 120,
                PHOTO_WIDTH,
                120,
                preserveAspectRatio=True,
            )
            canvas.setFont(self.regular, 8)
            canvas.drawRightString(width - MARGIN, box_top - 130, "Photo of the cage")


def _footer(
    canvas: Canvas, data: ManifestData, number: int, count: int, width: float, regular: str
) -> None:
    canvas.setFont(regular, 7.5)
    canvas.drawString(MARGIN, MARGIN - 4, f"SHA-256 of the manifest data: {data.sha256}")
    canvas.drawRightString(width - MARGIN, MARGIN - 4, f"Page {number} of {count}")


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
