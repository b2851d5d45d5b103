"""A 4x6 inch courier label as PDF, for file and office/thermal printers that take PDF."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

from devices.printing.fonts import label_fonts
from devices.printing.text_fit import Line, Para, fit_block, wrap
from station.labels import Address, LabelContent

PAGE_WIDTH, PAGE_HEIGHT = 288.0, 432.0  # 4 x 6 in, in points
MARGIN = 10.0
INNER = PAGE_WIDTH - 2 * MARGIN
# One dot of a 203 dpi thermal head. Whole-dot bar widths keep every bar the
# same width when the printer rasterises the page, which is what makes a
# Code 128 read first time.
DOT = 72.0 / 203.0
BAR_HEIGHT = 78.0
QUIET_MODULES = 10


def render_label_pdf(label: LabelContent) -> bytes:
    """Render one label as a single-page 4x6 in PDF."""
    regular, bold = label_fonts()
    buffer = io.BytesIO()
    # invariant: no timestamps in the file, so a resend produces the same bytes.
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=True)
    canvas.setTitle(f"Label {label.order_number} {label.parcel_no}/{label.parcel_count}")
    _draw_header(canvas, label, regular, bold)
    _draw_courier(canvas, label, regular, bold)
    _draw_ship_to(canvas, label.ship_to, regular, bold)
    _draw_order(canvas, label, bold)
    _draw_tracking(canvas, label.tracking, regular, bold)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_lines(canvas: Canvas, lines: Sequence[Line], x: float, top: float) -> None:
    """Draw lines downwards from `top` (a distance from the top edge)."""
    y = PAGE_HEIGHT - top
    for line in lines:
        y -= line.height
        canvas.setFont(line.font, line.size)
        canvas.drawString(x, y + line.size * 0.22, line.text)


def _rule(canvas: Canvas, top: float, width: float = 1.0) -> None:
    canvas.setLineWidth(width)
    canvas.line(MARGIN, PAGE_HEIGHT - top, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - top)


def _address_paras(address: Address, regular: str, bold: str, size: float) -> list[Para]:
    paras = [
        Para(address.name, bold, size * 1.25),
        Para(address.street, regular, size),
        Para(f"{address.postcode} {address.city}", regular, size),
        Para(address.country, bold, size),
    ]
    if address.phone:
        paras.append(Para(f"Tel. {address.phone}", regular, size * 0.75))
    return paras


def _draw_header(canvas: Canvas, label: LabelContent, regular: str, bold: str) -> None:
    sender = label.sender
    rest = (sender.street, f"{sender.postcode} {sender.city}", sender.country)
    paras = [Para("FROM", bold, 6.5), Para(sender.name, bold, 7.5)]
    paras += [Para(text, regular, 7.5) for text in rest]
    _draw_lines(canvas, fit_block(paras, 165, 50), MARGIN, MARGIN)
    parcel = [Para("PARCEL", bold, 6.5), Para(f"{label.parcel_no}/{label.parcel_count}", bold, 24)]
    if label.weight_g is not None:
        parcel.append(Para(f"{label.weight_g / 1000:.2f} kg", bold, 11))
    _draw_lines(canvas, fit_block(parcel, 85, 50), MARGIN + 183, MARGIN)
    _rule(canvas, 64)


def _draw_courier(canvas: Canvas, label: LabelContent, regular: str, bold: str) -> None:
    paras = [Para(label.courier, bold, 22), Para(label.service, regular, 13)]
    _draw_lines(canvas, fit_block(paras, INNER, 50), MARGIN, 68)
    _rule(canvas, 122, 2.0)


def _draw_ship_to(canvas: Canvas, ship_to: Address, regular: str, bold: str) -> None:
    paras = [Para("SHIP TO", bold, 8), *_address_paras(ship_to, regular, bold, 14)]
    _draw_lines(canvas, fit_block(paras, INNER, 142), MARGIN, 126)
    _rule(canvas, 272)


def _draw_order(canvas: Canvas, label: LabelContent, bold: str) -> None:
    lines = fit_block([Para(f"Order {label.order_number}", bold, 12)], INNER, 26)
    _draw_lines(canvas, lines, MARGIN, 276)
    _rule(canvas, 302)


def _tracking_symbol(tracking: str) -> Code128:
    """The widest whole-dot Code 128 that fits the label with its quiet zones."""
    for dots in (3, 2):
        symbol = _code128(tracking, dots * DOT)
        if symbol.width <= PAGE_WIDTH:
            return symbol
    # Longer than any courier's tracking number: fit the page and accept a
    # thinner bar rather than cut the symbol.
    modules = Code128(tracking, barWidth=1.0, quiet=0).width + 2 * QUIET_MODULES
    return _code128(tracking, PAGE_WIDTH / modules)


def _code128(value: str, bar_width: float) -> Code128:
    quiet = QUIET_MODULES * bar_width
    return Code128(
        value,
        barWidth=bar_width,
        barHeight=BAR_HEIGHT,
        humanReadable=False,
        lquiet=quiet,
        rquiet=quiet,
    )


def _draw_tracking(canvas: Canvas, tracking: str, regular: str, bold: str) -> None:
    canvas.setFont(bold, 7)
    canvas.drawString(MARGIN, PAGE_HEIGHT - 312, "TRACKING")
    symbol = _tracking_symbol(tracking)
    symbol.drawOn(canvas, (PAGE_WIDTH - symbol.width) / 2, PAGE_HEIGHT - 318 - BAR_HEIGHT)
    lines = wrap(tracking, regular, 12, INNER)
    y = PAGE_HEIGHT - 318 - BAR_HEIGHT - 14
    canvas.setFont(regular, 12)
    for text in lines:
        canvas.drawCentredString(PAGE_WIDTH / 2, y, text)
        y -= 13
