"""The printable demo sheet: every badge, command, order and product as a barcode.

Print it, point a scanner at it, and the demo station can be played without
any real stock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from station.demo.catalog import DemoProduct
from station.demo.orders import DemoOrder
from station.demo.people import DemoPacker
from station.demo.symbols import code128, retail
from station.settings import Commands

PAGE_WIDTH, PAGE_HEIGHT = float(A4[0]), float(A4[1])
MARGIN = 36.0
GUTTER = 14.0
ROW_GAP = 16.0
CAPTION_SIZE = 8.0
FONT, BOLD = "Helvetica", "Helvetica-Bold"

COMMAND_CAPTIONS = {
    "logout": "Log out",
    "ack": "Acknowledge error",
    "cancel": "Park order (cancel)",
    "exception": "Flag exception",
    "short": "Ship short (supervisor)",
    "seal": "Seal & print label",
    "new_box": "Close box, start a new one",
    "reprint": "Reprint the last label",
    "void": "Void a label (then scan it)",
    "slip": "Packing slip of the last order",
    "bulk": "Bulk print this order's labels",
    "dashboard": "Supervisor dashboard",
    "label_printed": "Did the label print? Printed",
    "label_reprint": "Did the label print? Reprint",
    "exception_missing": "Exception: item missing",
    "exception_damaged": "Exception: damaged",
    "exception_wrong_item": "Exception: wrong item in tote",
    "short_no_stock": "Ship short: out of stock",
    "short_damaged": "Ship short: unit damaged",
    "short_not_found": "Ship short: unit not found",
    "ok": "OK (in a dialog)",
    "close": "Close the dialog",
    "load": "Start a load (then the courier)",
    "close_load": "Close the load (driver signs)",
}

HOW_TO_PLAY = (
    "<b>How to play.</b> 1. Scan a packer badge to log in. 2. Scan an order number: its "
    "lines appear on screen. 3. Scan the items: a product barcode counts one unit, a case "
    "barcode counts the whole case. Wrong items, unknown barcodes and too many units are "
    "refused with a sound; scan <i>Acknowledge error</i> and carry on. 4. When every line is "
    "complete the label prints (as a PDF in the labels folder); if the station asks, scan "
    "<i>Seal &amp; print label</i>. Shipping short needs the supervisor badge (PIN 1234). "
    "In a dialog, choose a reason with its number key or its <i>Reason</i> barcode, then "
    "scan <i>OK</i>."
)


@dataclass(frozen=True)
class Tile:
    """One barcode with the lines that say what it is."""

    caption: tuple[str, ...]
    symbol: Drawing


class _Cursor:
    """Top-down position on the current page; starts a new page when one is full."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.page = 1
        self.y = PAGE_HEIGHT - MARGIN
        self._footer()

    def need(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.canvas.showPage()
            self.page += 1
            self.y = PAGE_HEIGHT - MARGIN
            self._footer()

    def _footer(self) -> None:
        self.canvas.setFont(FONT, 7)
        self.canvas.drawCentredString(
            PAGE_WIDTH / 2, MARGIN / 2, f"PackStation demo sheet, page {self.page}"
        )


def write_demo_sheet(
    path: Path,
    products: Sequence[DemoProduct],
    orders: Sequence[DemoOrder],
    packers: Sequence[DemoPacker],
    commands: Commands,
) -> None:
    """Write the multi-page A4 demo sheet PDF to `path`."""
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    canvas.setTitle("PackStation demo sheet")
    cursor = _Cursor(canvas)
    _intro(cursor)
    _section(cursor, "Badges", _badge_tiles(packers), columns=2)
    _section(cursor, "Commands", _command_tiles(commands), columns=2)
    _section(cursor, "Reasons (in a dialog)", _reason_tiles(commands), columns=3)
    _section(cursor, "Orders", [_order_tile(order) for order in orders], columns=3)
    _section(cursor, "Products", _product_tiles(products), columns=3)
    canvas.showPage()
    canvas.save()


def _intro(cursor: _Cursor) -> None:
    canvas = cursor.canvas
    canvas.setFont(BOLD, 20)
    cursor.y -= 20
    canvas.drawString(MARGIN, cursor.y, "PackStation demo sheet")
    style = ParagraphStyle("intro", fontName=FONT, fontSize=10, leading=13)
    paragraph = Paragraph(HOW_TO_PLAY, style)
    _, height = paragraph.wrapOn(canvas, PAGE_WIDTH - 2 * MARGIN, PAGE_HEIGHT)
    cursor.y -= 10 + height
    paragraph.drawOn(canvas, MARGIN, cursor.y)
    cursor.y -= ROW_GAP


def _section(cursor: _Cursor, title: str, tiles: Sequence[Tile], columns: int) -> None:
    width = _column_width(columns)
    rows = [tiles[i : i + columns] for i in range(0, len(tiles), columns)]
    for index, row in enumerate(rows):
        height = max(_tile_height(tile) for tile in row)
        # Keep the section title on the same page as its first row.
        cursor.need(height + (22 if index == 0 else 0))
        if index == 0:
            _title(cursor, title)
        for column, tile in enumerate(row):
            _draw_tile(cursor.canvas, tile, MARGIN + column * (width + GUTTER), cursor.y, width)
        cursor.y -= height + ROW_GAP


def _title(cursor: _Cursor, title: str) -> None:
    cursor.canvas.setFont(BOLD, 13)
    cursor.y -= 14
    cursor.canvas.drawString(MARGIN, cursor.y, title)
    cursor.canvas.setLineWidth(0.5)
    cursor.canvas.line(MARGIN, cursor.y - 3, PAGE_WIDTH - MARGIN, cursor.y - 3)
    cursor.y -= 10


def _tile_height(tile: Tile) -> float:
    return len(tile.caption) * (CAPTION_SIZE + 2) + 4 + float(tile.symbol.height)


def _draw_tile(canvas: Canvas, tile: Tile, x: float, top: float, width: float) -> None:
    y = top
    for number, line in enumerate(tile.caption):
        font = BOLD if number == 0 else FONT
        y -= CAPTION_SIZE + 2
        canvas.setFont(font, _fitted_size(line, font, width))
        canvas.drawCentredString(x + width / 2, y, line)
    symbol_x = x + (width - float(tile.symbol.width)) / 2
    renderPDF.draw(tile.symbol, canvas, symbol_x, y - 4 - float(tile.symbol.height))


def _fitted_size(line: str, font: str, width: float) -> float:
    """Caption size, shrunk rather than cut when a line is wider than its column."""
    natural = float(stringWidth(line, font, CAPTION_SIZE))
    return CAPTION_SIZE if natural <= width else CAPTION_SIZE * width / natural


def _column_width(columns: int) -> float:
    return (PAGE_WIDTH - 2 * MARGIN - (columns - 1) * GUTTER) / columns


def _badge_tiles(packers: Sequence[DemoPacker]) -> list[Tile]:
    tiles = []
    for packer in packers:
        role = "Supervisor, PIN " + packer.pin if packer.pin else packer.role.capitalize()
        tiles.append(Tile((packer.name, role), code128(packer.badge, _column_width(2))))
    return tiles


def _command_tiles(commands: Commands) -> list[Tile]:
    return [
        Tile((caption,), code128(getattr(commands, name), _column_width(2)))
        for name, caption in COMMAND_CAPTIONS.items()
    ]


def _reason_tiles(commands: Commands) -> list[Tile]:
    return [
        Tile((f"Reason {number}",), code128(code, _column_width(3)))
        for number, code in enumerate(commands.reason_codes(), start=1)
    ]


def _order_tile(order: DemoOrder) -> Tile:
    lines = "line" if len(order.lines) == 1 else "lines"
    caption = (
        f"{order.number} to {order.ship_to.country}",
        f"{order.courier} {order.service}",
        f"{len(order.lines)} {lines}, {order.units} units",
    )
    return Tile(caption, code128(order.number, _column_width(3)))


def _product_tiles(products: Sequence[DemoProduct]) -> list[Tile]:
    tiles = []
    for product in products:
        tiles.append(Tile((product.name, f"SKU {product.sku}"), retail(product.unit_barcode)))
        if product.case_gtin:
            caption = (product.name, f"SKU {product.sku}, case of {product.case_units}")
            tiles.append(Tile(caption, code128(product.case_gtin, _column_width(3))))
    return tiles
