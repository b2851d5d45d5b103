"""A courier label as PDF, for file and office/thermal printers that take PDF.

The page size and the tracking barcode's symbology come from the courier's
profile (LabelContent.size and .symbology); the sort code and the logo are
printed when the label has them.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from pathlib import Path

from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from devices.pdf.fonts import label_fonts, text_width
from devices.pdf.label_layout import Box, Layout, layout_for
from devices.pdf.label_symbols import (
    LINEAR_SYMBOLOGIES,
    LinearSymbol,
    MatrixSymbol,
    human_readable,
    linear_symbol,
    matrix_symbol,
    snap,
)
from devices.pdf.text_draw import clean_text, draw_centred_text, draw_text
from devices.pdf.text_fit import LEADING, MIN_POINTS, Line, Para, TextDoesNotFit, fit_or_fail
from station.labels import Address, LabelContent

log = logging.getLogger(__name__)
TITLE_SIZE = 7.0
TRACKING_SIZE = 12.0
SORT_CODE_SIZE = 34.0


def render_label_pdf(label: LabelContent) -> bytes:
    """Render one label as a single-page PDF of the label's size.

    Raises:
        PermanentPrintError: the label can never print as it is: text too long
            for it, a character no installed font has, or tracking data its
            barcode cannot carry. The message says which and what to do.
    """
    regular, bold = label_fonts()
    logo = _load_logo(label.logo)
    layout = layout_for(label.size, sort_code=bool(label.sort_code), logo=logo is not None)
    buffer = io.BytesIO()
    # invariant: no timestamps in the file, so a resend produces the same bytes.
    canvas = Canvas(buffer, pagesize=(layout.width, layout.height), invariant=True)
    canvas.setTitle(f"Label {label.order_number} {label.parcel_no}/{label.parcel_count}")
    order = f"order {label.order_number}"
    _draw_header(canvas, layout, label, regular, bold)
    _draw_courier(canvas, layout, label, regular, bold, order)
    if logo is not None and layout.logo is not None:
        _draw_logo(canvas, layout, layout.logo, logo)
    ship_to = _ship_to_paras(label.ship_to, regular, bold)
    _fill(canvas, layout, layout.ship_to, ship_to, f"address of {order} (in the order)")
    if label.sort_code and layout.sort_code is not None:
        _draw_sort_code(canvas, layout, layout.sort_code, clean_text(label.sort_code), bold)
    order_line = [_para(f"Order {label.order_number}", bold, 12)]
    _fill(canvas, layout, layout.order, order_line, f"order number {label.order_number}")
    _draw_tracking(canvas, layout, label, regular, bold)
    for top, thickness in layout.rules:
        canvas.setLineWidth(thickness)
        y = layout.height - top
        canvas.line(layout.margin, y, layout.width - layout.margin, y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _para(text: str, font: str, size: float) -> Para:
    return Para(clean_text(text), font, size)


def _draw_lines(
    canvas: Canvas, layout: Layout, lines: Sequence[Line], box: Box, centred: bool = False
) -> None:
    """Draw lines downwards from the box's top edge."""
    y = layout.height - box.top
    for line in lines:
        y -= line.height
        baseline = y + line.size * 0.22
        if centred:
            centre = box.x + box.width / 2
            draw_centred_text(canvas, centre, baseline, line.text, line.font, line.size)
        else:
            draw_text(canvas, box.x, baseline, line.text, line.font, line.size)


def _fill(
    canvas: Canvas,
    layout: Layout,
    box: Box,
    paras: Sequence[Para],
    what: str,
    centred: bool = False,
) -> None:
    lines = fit_or_fail(paras, box.width, box.height, what)
    _draw_lines(canvas, layout, lines, box, centred)


def _draw_header(
    canvas: Canvas, layout: Layout, label: LabelContent, regular: str, bold: str
) -> None:
    sender = label.sender
    if layout.compact:
        paras = [
            _para(f"FROM {sender.name}", bold, 7.5),
            _para(sender.street, regular, 7.5),
            _para(f"{sender.postcode} {sender.city} {sender.country}", regular, 7.5),
        ]
    else:
        rest = (sender.street, f"{sender.postcode} {sender.city}", sender.country)
        paras = [Para("FROM", bold, 6.5), _para(sender.name, bold, 7.5)]
        paras += [_para(text, regular, 7.5) for text in rest]
    _fill(canvas, layout, layout.sender, paras, "sender address (in the [sender] settings)")
    parcel = [Para("PARCEL", bold, 6.5), Para(f"{label.parcel_no}/{label.parcel_count}", bold, 24)]
    if label.weight_g is not None:
        parcel.append(Para(f"{label.weight_g / 1000:.2f} kg", bold, 11))
    _fill(canvas, layout, layout.parcel, parcel, "parcel count")


def _draw_courier(
    canvas: Canvas, layout: Layout, label: LabelContent, regular: str, bold: str, order: str
) -> None:
    paras = [_para(label.courier, bold, 22), _para(label.service, regular, 13)]
    _fill(canvas, layout, layout.courier, paras, f"courier and service of {order}")


def _ship_to_paras(address: Address, regular: str, bold: str) -> list[Para]:
    paras = [
        Para("SHIP TO", bold, 8),
        _para(address.name, bold, 17.5),
        _para(address.street, regular, 14),
        _para(f"{address.postcode} {address.city}", regular, 14),
        _para(address.country, bold, 14),
    ]
    if address.phone:
        paras.append(_para(f"Tel. {address.phone}", regular, 10.5))
    return paras


def _load_logo(path: str | None) -> ImageReader | None:
    """The courier's logo, or None: a missing or unreadable logo never stops a label."""
    if not path:
        return None
    try:
        with Image.open(Path(path)) as image:
            image.load()
            return ImageReader(image.copy())
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        log.warning("courier logo %s left off the label: %s", path, exc)
        return None


def _draw_logo(canvas: Canvas, layout: Layout, box: Box, logo: ImageReader) -> None:
    # Scaled to the box, aspect ratio kept, against the box's right edge.
    canvas.drawImage(
        logo,
        box.x,
        layout.height - box.bottom,
        box.width,
        box.height,
        preserveAspectRatio=True,
        anchor="e",
        mask="auto",
    )


def _draw_sort_code(canvas: Canvas, layout: Layout, box: Box, sort_code: str, bold: str) -> None:
    """The routing code as big as its box allows, centred; never broken inside a word."""
    # One line, or one word a line ("MITTE 3"), whichever prints bigger.
    options = [[sort_code], sort_code.split()] if " " in sort_code else [[sort_code]]
    sizes = [_biggest_size(texts, bold, box) for texts in options]
    size = max(sizes)
    if size < MIN_POINTS:
        raise TextDoesNotFit(
            f"The sort code {sort_code!r} is too long to fit on the label: shorten it in "
            "the courier profile's routing, then print the label again."
        )
    lines = [Line(text, bold, size) for text in options[sizes.index(size)]]
    height = sum(line.height for line in lines)
    middle = Box(box.x, box.top + (box.height - height) / 2, box.width, height)
    _draw_lines(canvas, layout, lines, middle, centred=True)


def _biggest_size(texts: Sequence[str], font: str, box: Box) -> float:
    """The largest size, up to SORT_CODE_SIZE, at which `texts`, one a line, fit `box`."""
    widest = max(text_width(text, font, 1.0) for text in texts)
    return min(SORT_CODE_SIZE, box.height / (len(texts) * LEADING), box.width / widest)


def _draw_tracking(
    canvas: Canvas, layout: Layout, label: LabelContent, regular: str, bold: str
) -> None:
    data = label.barcode_data
    text = clean_text(human_readable(label.symbology, data))
    if label.symbology in LINEAR_SYMBOLOGIES:
        linear = linear_symbol(label.symbology, data, layout.width, layout.bar_height)
        _draw_linear(canvas, layout, linear, text, regular, bold)
    else:
        # A 2D code leaves at least half the band's width to the number beside it.
        box = layout.tracking
        matrix = matrix_symbol(label.symbology, data, min(box.width / 2, box.height))
        _draw_matrix(canvas, layout, matrix, text, bold)


def _draw_linear(
    canvas: Canvas, layout: Layout, symbol: LinearSymbol, text: str, regular: str, bold: str
) -> None:
    """TRACKING, the bars across the label, the human-readable text under them."""
    box = layout.tracking
    canvas.setFont(bold, TITLE_SIZE)
    canvas.drawString(box.x, layout.height - box.top - 10, "TRACKING")
    bars_top = box.top + 16
    # Centred, its quiet zones may reach into the margins: they are white anyway.
    x = snap(max(0.0, (layout.width - symbol.width) / 2))
    symbol.draw(canvas, x, snap(layout.height - bars_top - symbol.height))
    under = Box(box.x, bars_top + symbol.height, box.width, box.bottom - bars_top - symbol.height)
    paras = [Para(text, regular, TRACKING_SIZE)]
    _fill(canvas, layout, under, paras, "tracking number (in the order)", centred=True)


def _draw_matrix(
    canvas: Canvas, layout: Layout, symbol: MatrixSymbol, text: str, bold: str
) -> None:
    """The 2D code at the band's left, TRACKING and the number beside it."""
    box = layout.tracking
    x = snap(box.x)
    symbol.draw(canvas, x, snap(layout.height - box.top - symbol.height))
    beside = Box(x + symbol.width + 6, box.top, box.right - x - symbol.width - 6, box.height)
    paras = [Para("TRACKING", bold, TITLE_SIZE), Para(text, bold, 14)]
    _fill(canvas, layout, beside, paras, "tracking number (in the order)")
