"""The packing slip as PDF: what goes in the box, on A4 or US Letter paper.

Every page repeats the whole header, order barcode included, so any loose
page can be scanned back to its order; the lines table flows over as many
pages as it needs, each numbered "Page n of m".
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from devices.pdf.fonts import label_fonts
from devices.pdf.paper import Paper
from devices.pdf.text_draw import draw_text
from devices.pdf.text_fit import LEADING, Line, Para, fit_block, wrap
from station.labels import Address
from station.slips import SlipContent, SlipLine

MARGIN = 42.0  # ~15 mm: inside what every office printer can reach
# Bars in whole hundredths of an inch land on whole dots at 200, 300 and 600 dpi,
# so every bar keeps its width when the page is rasterised for the printer.
WIDE_MODULE, NARROW_MODULE = 1.44, 0.72
QUIET_MODULES = 10
BAR_HEIGHT = 40.0
CELL_PAD = 3.0
TEXT_SIZE = 9.0
FOOTER_HEIGHT = 18.0
NO_BARCODE = "(no barcode: the order number has letters a barcode cannot hold)"
SHORT_FILL = 0.88  # the grey behind a short line: visible on paper, text still black


@dataclass(frozen=True)
class _Column:
    title: str
    width: float  # 0: takes the width the others leave
    numeric: bool = False


_COLUMNS = (
    _Column("SKU", 92),
    _Column("Item", 0),
    _Column("Ordered", 48, numeric=True),
    _Column("Packed", 48, numeric=True),
    _Column("", 96),  # the short-line mark
)


@dataclass(frozen=True)
class _Row:
    cells: tuple[tuple[str, ...], ...]  # the wrapped lines of each column
    font: str
    short: bool = False

    @property
    def height(self) -> float:
        return max(len(lines) for lines in self.cells) * TEXT_SIZE * LEADING + 2 * CELL_PAD


@dataclass(frozen=True)
class _Layout:
    """What every page of one slip shares."""

    slip: SlipContent
    width: float
    height: float
    regular: str
    bold: str
    widths: tuple[float, ...]

    @property
    def inner(self) -> float:
        return self.width - 2 * MARGIN


def render_slip_pdf(slip: SlipContent, paper: Paper = Paper.A4) -> bytes:
    """Render the packing slip as a PDF of one or more pages."""
    regular, bold = label_fonts()
    width, height = paper.size
    inner = width - 2 * MARGIN
    fixed = sum(column.width for column in _COLUMNS)
    widths = tuple(column.width or inner - fixed for column in _COLUMNS)
    layout = _Layout(slip, width, height, regular, bold, widths)
    rows = [_line_row(line, layout) for line in slip.lines]
    rows.append(_total_row(slip.lines, layout))
    header_bottom = _header_height(slip)
    room = height - MARGIN - FOOTER_HEIGHT - header_bottom - _heading_row(layout).height
    pages = _paginate(rows, room)

    buffer = io.BytesIO()
    # invariant: no timestamps in the file, so a resend produces the same bytes.
    canvas = Canvas(buffer, pagesize=(width, height), invariant=True)
    canvas.setTitle(f"Packing slip {slip.order_number}")
    for number, page_rows in enumerate(pages, start=1):
        _draw_header(canvas, layout)
        _draw_table(canvas, layout, header_bottom, page_rows)
        _draw_footer(canvas, layout, number, len(pages))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _paginate(rows: Sequence[_Row], room: float) -> list[list[_Row]]:
    """Greedy page filling; a page always takes at least one row, so this ends."""
    pages: list[list[_Row]] = [[]]
    used = 0.0
    for row in rows:
        if pages[-1] and used + row.height > room:
            pages.append([])
            used = 0.0
        pages[-1].append(row)
        used += row.height
    return pages


def _row(texts: Sequence[str], font: str, layout: _Layout, short: bool = False) -> _Row:
    cells = tuple(
        tuple(wrap(text, font, TEXT_SIZE, width - 2 * CELL_PAD)) or ("",)
        for text, width in zip(texts, layout.widths, strict=True)
    )
    return _Row(cells, font, short)


def _heading_row(layout: _Layout) -> _Row:
    return _row([column.title for column in _COLUMNS], layout.bold, layout)


def _line_row(line: SlipLine, layout: _Layout) -> _Row:
    missing = line.ordered - line.packed
    mark = f"SHORT: {missing} missing" if missing > 0 else ""
    texts = [line.sku, line.name, str(line.ordered), str(line.packed), mark]
    return _row(texts, layout.bold if missing > 0 else layout.regular, layout, short=missing > 0)


def _total_row(lines: Sequence[SlipLine], layout: _Layout) -> _Row:
    ordered = sum(line.ordered for line in lines)
    packed = sum(line.packed for line in lines)
    return _row(["", "Total units", str(ordered), str(packed), ""], layout.bold, layout)


# The header, from the top edge down: title and barcode, the two addresses,
# the packing facts, and the shipped-short notice when there is one.
_TITLE_TOP, _ADDRESS_TOP, _FACTS_TOP = MARGIN, MARGIN + 70, MARGIN + 170
_NOTICE_TOP = _FACTS_TOP + 36
_NOTICE_HEIGHT = 22.0


def _header_height(slip: SlipContent) -> float:
    """Distance from the top edge to where the table starts."""
    return (_NOTICE_TOP + _NOTICE_HEIGHT if slip.short else _NOTICE_TOP) + 6


def _draw_header(canvas: Canvas, layout: _Layout) -> None:
    slip, regular, bold = layout.slip, layout.regular, layout.bold
    symbol_width = _draw_order_barcode(canvas, layout)
    title = [Para("PACKING SLIP", bold, 20), Para(f"Order {slip.order_number}", bold, 13)]
    _draw_block(canvas, layout, title, MARGIN, _TITLE_TOP, layout.inner - symbol_width - 12, 56)
    half = (layout.inner - 20) / 2
    sender = [Para("FROM", bold, 7), *_address(slip.sender, regular, bold, 9)]
    _draw_block(canvas, layout, sender, MARGIN, _ADDRESS_TOP, half, 90)
    ship_to = [Para("SHIP TO", bold, 7), *_address(slip.ship_to, regular, bold, 11)]
    _draw_block(canvas, layout, ship_to, MARGIN + half + 20, _ADDRESS_TOP, half, 90)
    _draw_facts(canvas, layout)
    if slip.short:
        _draw_short_notice(canvas, layout)


def _address(address: Address, regular: str, bold: str, size: float) -> list[Para]:
    paras = [
        Para(address.name, bold, size),
        Para(address.street, regular, size),
        Para(f"{address.postcode} {address.city}", regular, size),
        Para(address.country, regular, size),
    ]
    if address.phone:
        paras.append(Para(f"Tel. {address.phone}", regular, size * 0.85))
    return paras


def _draw_facts(canvas: Canvas, layout: _Layout) -> None:
    slip = layout.slip
    facts = (
        ("PARCEL COUNT", str(slip.parcel_count)),
        ("PACKED AT", _packed_at(slip.packed_at)),
        ("PACKED BY", slip.packer or "-"),
        ("STATION", slip.station),
    )
    width = layout.inner / len(facts)
    for index, (title, value) in enumerate(facts):
        paras = [Para(title, layout.bold, 7), Para(value, layout.regular, 9)]
        _draw_block(canvas, layout, paras, MARGIN + index * width, _FACTS_TOP, width - 8, 32)
    _rule(canvas, layout, _FACTS_TOP - 6, 0.5)


def _packed_at(text: str) -> str:
    """ISO 8601 as a person reads it, in UTC; text that is no date is shown as it is."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # the slip content stores UTC
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _draw_short_notice(canvas: Canvas, layout: _Layout) -> None:
    top = _NOTICE_TOP
    canvas.setLineWidth(1.5)
    canvas.rect(MARGIN, layout.height - top - _NOTICE_HEIGHT, layout.inner, _NOTICE_HEIGHT)
    text = "SHIPPED SHORT: some items could not be packed. The lines marked SHORT are incomplete."
    lines = fit_block([Para(text, layout.bold, 10)], layout.inner - 12, _NOTICE_HEIGHT - 4)
    _draw_lines(canvas, layout, lines, MARGIN + 6, top + 3)


def _draw_order_barcode(canvas: Canvas, layout: _Layout) -> float:
    """The order number as Code 128 at the top right; returns the width it took."""
    order = layout.slip.order_number
    room = layout.inner * 0.55
    symbol = _order_symbol(order, room)
    right = layout.width - MARGIN
    if symbol is None:
        # Not Code 128 material (letters beyond ASCII): the number is still
        # printed in full in the title, so the slip stays usable by eye.
        canvas.setFont(layout.regular, 8)
        canvas.drawRightString(right, layout.height - _TITLE_TOP - 12, NO_BARCODE)
        return float(stringWidth(NO_BARCODE, layout.regular, 8))
    top = layout.height - _TITLE_TOP
    symbol.drawOn(canvas, right - symbol.width, top - BAR_HEIGHT)
    canvas.setFont(layout.regular, 9)
    canvas.drawCentredString(right - symbol.width / 2, top - BAR_HEIGHT - 11, order)
    return float(symbol.width)


def _order_symbol(value: str, room: float) -> Code128 | None:
    # reportlab's Code 128 silently drops what it cannot encode: a symbol of
    # part of the number would scan as another order, so none is drawn.
    if not (value.isascii() and value.isprintable()):
        return None
    for module in (WIDE_MODULE, NARROW_MODULE):
        symbol = _code128(value, module)
        if symbol.width <= room:
            return symbol
    # Longer than any order number we expect: shrink to fit rather than overlap.
    modules = Code128(value, barWidth=1.0, quiet=0).width + 2 * QUIET_MODULES
    return _code128(value, room / modules)


def _code128(value: str, module: float) -> Code128:
    quiet = QUIET_MODULES * module
    return Code128(
        value,
        barWidth=module,
        barHeight=BAR_HEIGHT,
        humanReadable=False,
        lquiet=quiet,
        rquiet=quiet,
    )


def _draw_table(canvas: Canvas, layout: _Layout, top: float, rows: Sequence[_Row]) -> None:
    heading = _heading_row(layout)
    _draw_row(canvas, layout, heading, top)
    top += heading.height
    _rule(canvas, layout, top, 1.0)
    for row in rows:
        _draw_row(canvas, layout, row, top)
        top += row.height
        _rule(canvas, layout, top, 0.3)


def _draw_row(canvas: Canvas, layout: _Layout, row: _Row, top: float) -> None:
    if row.short:
        canvas.setFillGray(SHORT_FILL)
        canvas.rect(MARGIN, layout.height - top - row.height, layout.inner, row.height, 0, 1)
        canvas.setFillGray(0)
    canvas.setFont(row.font, TEXT_SIZE)
    x = MARGIN
    for column, width, lines in zip(_COLUMNS, layout.widths, row.cells, strict=True):
        y = layout.height - top - CELL_PAD
        for text in lines:
            y -= TEXT_SIZE * LEADING
            baseline = y + TEXT_SIZE * 0.22
            if column.numeric:
                canvas.drawRightString(x + width - CELL_PAD, baseline, text)
            else:
                # Product names may be in any script: drawn with the label's fallback fonts.
                draw_text(canvas, x + CELL_PAD, baseline, text, row.font, TEXT_SIZE)
        x += width


def _draw_footer(canvas: Canvas, layout: _Layout, number: int, count: int) -> None:
    y = MARGIN - 4
    canvas.setFont(layout.regular, 8)
    canvas.drawString(MARGIN, y, f"Order {layout.slip.order_number}")
    canvas.drawRightString(layout.width - MARGIN, y, f"Page {number} of {count}")


def _draw_block(
    canvas: Canvas,
    layout: _Layout,
    paras: Sequence[Para],
    x: float,
    top: float,
    width: float,
    height: float,
) -> None:
    _draw_lines(canvas, layout, fit_block(paras, width, height), x, top)


def _draw_lines(
    canvas: Canvas, layout: _Layout, lines: Sequence[Line], x: float, top: float
) -> None:
    y = layout.height - top
    for line in lines:
        y -= line.height
        draw_text(canvas, x, y + line.size * 0.22, line.text, line.font, line.size)


def _rule(canvas: Canvas, layout: _Layout, top: float, width: float) -> None:
    canvas.setLineWidth(width)
    y = layout.height - top
    canvas.line(MARGIN, y, layout.width - MARGIN, y)
