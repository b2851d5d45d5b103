"""The one place that decides which fonts labels are set in."""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")


@functools.cache
def label_fonts(font_dir: Path = DEJAVU_DIR) -> tuple[str, str]:
    """Register and return the (regular, bold) font names for labels.

    DejaVu Sans covers accented Latin (Ł, ő, ș, ã) that the built-in Helvetica
    cannot show, so it is used when installed; Helvetica is the fallback so a
    label still prints on a machine without it.
    """
    regular, bold = font_dir / "DejaVuSans.ttf", font_dir / "DejaVuSans-Bold.ttf"
    if not (regular.is_file() and bold.is_file()):
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    return "DejaVuSans", "DejaVuSans-Bold"
