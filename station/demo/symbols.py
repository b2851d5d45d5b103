"""Barcode symbols for the printed demo sheet, each with its quiet zones."""

from __future__ import annotations

from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.eanbc import UPCA, Ean13BarcodeWidget
from reportlab.graphics.shapes import Drawing, Group, String

# 0.35-0.42 mm modules: office laser printers reproduce them cleanly and
# handheld scanners read them from arm's length.
CODE128_BAR = 1.2
RETAIL_BAR = 1.0  # ~0.35 mm, close to the EAN/UPC nominal 0.33 mm
BAR_HEIGHT = 36.0
QUIET = 10  # modules each side for Code 128
TEXT_SPACE = 13.0  # below the bars, for the human-readable text
# EAN-13 and UPC-A need 11 modules left and 7 right by the GS1 specification.
RETAIL_QUIET_LEFT = 11
WIDGET_QUIET = 9


def code128(value: str, max_width: float, bar: float = CODE128_BAR) -> Drawing:
    """A Code 128 with its text under it; bars narrowed only if it would not fit."""
    modules = Code128(value, barWidth=1.0, quiet=0).width + 2 * QUIET
    bar = min(bar, max_width / modules)
    bars = createBarcodeDrawing(
        "Code128",
        value=value,
        barWidth=bar,
        barHeight=BAR_HEIGHT,
        humanReadable=False,
        lquiet=QUIET * bar,
        rquiet=QUIET * bar,
    )
    # reportlab's own human-readable line touches the bars; set it apart.
    width = float(bars.width)
    drawing = Drawing(width, BAR_HEIGHT + TEXT_SPACE)
    drawing.add(Group(bars, transform=(1, 0, 0, 1, 0, TEXT_SPACE)))
    drawing.add(String(width / 2, 2, value, fontName="Helvetica", fontSize=9, textAnchor="middle"))
    return drawing


def retail(gtin: str) -> Drawing:
    """EAN-13 for 13 digits, UPC-A for 12; the widget recomputes the check digit."""
    widget_class = UPCA if len(gtin) == 12 else Ean13BarcodeWidget
    widget = widget_class(gtin[:-1], barWidth=RETAIL_BAR, barHeight=BAR_HEIGHT)
    # The widget leaves 9 modules each side and refuses other values (its
    # attribute map wrongly validates lquiet as a boolean), so the drawing is
    # widened on the left to reach the specified 11.
    extra = (RETAIL_QUIET_LEFT - WIDGET_QUIET) * RETAIL_BAR
    widget.x = extra
    drawing = Drawing(float(widget.width) + extra, BAR_HEIGHT)
    drawing.add(widget)
    return drawing
