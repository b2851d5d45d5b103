"""The manifest's table: one row per parcel, its text in columns and its barcode below.

A row has two bands. The text band holds the number, tracking number, order,
service and weight, each held to its column (devices.pdf.manifest_text): a
long value is set smaller, then wrapped, and the row grows to its tallest
cell. The bar band below holds the tracking number's Code 128 barcode. Nothing
else is drawn in that band, so a long barcode may run on under the order and
service columns, and is moved left up to the margin if it needs to: its
modules are never made narrower than the 13 mil a 150 dpi print still reads.
A number no such barcode can carry (too long for the page, or with characters
outside ASCII) gets a note in words in its place.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

from devices.pdf.manifest_text import FittedText, fit_text
from station.handoff.manifest_data import ManifestParcel

MARGIN = 42.0
# A module of 1/75 inch (13.3 mil) is 2 whole dots at 150 dpi, 4 at 300 and 8 at 600, and
# 2.7 at a thermal printer's 203: a 150 dpi print or scan still reads, where 10 mil (1.5 dots)
# did not. Across the row that is 43 letters, or 80 digits (Code 128 packs digit pairs).
MODULE = 72 / 75
QUIET_MODULES = 10
TABLE_HEAD = 18.0
# Column left edges from the margin: number, tracking (text and barcode), order, service, kg.
COLUMNS = (0.0, 26.0, 262.0, 370.0, 462.0)
TITLES = ("#", "Tracking number", "Order", "Service", "Weight")
COLUMN_GAP = 6.0  # between a column's text and the next column
FIRST_BASELINE = 12.0  # below the row's top
TEXT_BOTTOM = 6.0  # below the text's last baseline: its descenders and a gap
BAR_HEIGHT = 26.0
BAR_BAND = BAR_HEIGHT + 4.0
MAX_LINES = 3  # a cell's lines; text longer still is cut (the CSV and JSON have it whole)
NOTE_SIZE = 8.0
TOO_LONG = "No barcode: the number is too long for one that scans. Key it in."
NOT_ASCII = "No barcode: a barcode cannot hold this number's characters. Key it in."


@dataclass(frozen=True)
class Row:
    """A parcel's row, laid out: its cells by column, its barcode or the note instead."""

    number: FittedText
    cells: tuple[FittedText, ...]  # tracking, order, service
    weight: FittedText
    barcode: Code128 | None
    note: FittedText | None

    @property
    def text_band(self) -> float:
        every = (self.number, *self.cells, self.weight)
        last = max((len(cell.lines) - 1) * cell.line_height for cell in every)
        return FIRST_BASELINE + last + TEXT_BOTTOM

    @property
    def height(self) -> float:
        return self.text_band + BAR_BAND


def code128(value: str, module: float, bar_height: float) -> Code128:
    """A Code 128 symbol with its quiet zones (10 modules) counted in its width."""
    quiet = QUIET_MODULES * module
    return Code128(
        value,
        barWidth=module,
        barHeight=bar_height,
        humanReadable=False,
        lquiet=quiet,
        rquiet=quiet,
    )


def lay_out_row(parcel: ManifestParcel, number: int, width: float, regular: str, bold: str) -> Row:
    """The row of `parcel`, the `number`th of the load, on a page `width` points wide."""
    right = width - MARGIN
    edges = [MARGIN + left for left in COLUMNS]
    rooms = [after - before - COLUMN_GAP for before, after in pairwise(edges)]
    cells = (
        fit_text(parcel.tracking, bold, 10, rooms[1], MAX_LINES),
        fit_text(parcel.order, regular, 9, rooms[2], MAX_LINES),
        fit_text(parcel.service, regular, 9, rooms[3], MAX_LINES),
    )
    weight = "—" if parcel.weight_g is None else f"{parcel.weight_g / 1000:.2f} kg"
    barcode, note = _barcode(parcel.tracking, width)
    return Row(
        number=fit_text(str(number), regular, 9, rooms[0]),
        cells=cells,
        weight=fit_text(weight, regular, 9, right - edges[4]),
        barcode=barcode,
        note=None if note is None else fit_text(note, regular, NOTE_SIZE, rooms[1], 2),
    )


def _barcode(tracking: str, width: float) -> tuple[Code128 | None, str | None]:
    if not (tracking.isascii() and tracking.isprintable()):
        return None, NOT_ASCII
    symbol = code128(tracking, MODULE, BAR_HEIGHT)
    if symbol.width > width - 2 * MARGIN:
        return None, TOO_LONG
    return symbol, None


def draw_head(canvas: Canvas, top: float, width: float, bold: str) -> float:
    """The table's titles and rule; returns the top of its first row."""
    canvas.setFont(bold, 9)
    for left, title in zip(COLUMNS, TITLES, strict=True):
        canvas.drawString(MARGIN + left, top - 12, title)
    top -= TABLE_HEAD
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN, top + 2, width - MARGIN, top + 2)
    return top


def draw_row(canvas: Canvas, row: Row, top: float, width: float) -> float:
    """Draw `row` from `top` down; returns the top of the next row."""
    baseline = top - FIRST_BASELINE
    row.number.draw(canvas, MARGIN + COLUMNS[0], baseline)
    for left, cell in zip(COLUMNS[1:], row.cells, strict=False):
        cell.draw(canvas, MARGIN + left, baseline)
    row.weight.draw_right(canvas, width - MARGIN, baseline)
    band = top - row.text_band
    column = MARGIN + COLUMNS[1]
    if row.barcode is not None:
        quiet = QUIET_MODULES * MODULE
        # The bars start under the number's text unless that runs them into the margin.
        left = min(column - quiet, width - MARGIN - row.barcode.width)
        row.barcode.drawOn(canvas, left, band - BAR_HEIGHT)
    elif row.note is not None:
        row.note.draw(canvas, column, band - NOTE_SIZE - 2)
    top -= row.height
    canvas.setLineWidth(0.3)
    canvas.line(MARGIN, top + 2, width - MARGIN, top + 2)
    return top
