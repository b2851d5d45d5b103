"""Drawing a line of label text run by run, each run in the font that has it.

A shaped run's glyphs are what HarfBuzz chose (a Thai consonant without its
tail, a tone mark raised over a vowel), and some of them stand for no single
character. Each shaped run is therefore wrapped in a marked-content span whose
ActualText is the run's real text: copying, searching and pdftotext read the
address as written, not the glyphs' private code points.
"""

from __future__ import annotations

import unicodedata

from reportlab.pdfgen.canvas import Canvas

from devices.pdf.fonts import Run, run_width, runs, shape, text_width
from devices.printers.text import printable

_INVISIBLE = frozenset(("Cf",))  # zero-width joiners, soft hyphens, BOMs: no glyph to draw


def clean_text(text: str) -> str:
    """`text` as a label prints it: composed (NFC), control characters made harmless.

    Composed form lets a font with "ệ" draw it whole rather than stack marks
    it may not have; format characters (zero-width space, soft hyphen) have no
    glyph and are left out rather than drawn as boxes.
    """
    composed = unicodedata.normalize("NFC", printable(text))
    return "".join(char for char in composed if unicodedata.category(char) not in _INVISIBLE)


def draw_text(canvas: Canvas, x: float, y: float, text: str, font: str, size: float) -> float:
    """Draw `text` with its left end at `x` on baseline `y`; returns its width.

    Raises:
        GlyphMissingError: a character is in no font on this computer.
    """
    start = x
    for run in runs(text, font):
        x += _draw_run(canvas, x, y, run, size)
    return x - start


def draw_centred_text(
    canvas: Canvas, centre: float, y: float, text: str, font: str, size: float
) -> None:
    draw_text(canvas, centre - text_width(text, font, size) / 2, y, text, font, size)


def _draw_run(canvas: Canvas, x: float, y: float, run: Run, size: float) -> float:
    if not run.shaped:
        canvas.setFont(run.font, size)
        canvas.drawString(x, y, run.text)
        return run_width(run, size)
    canvas.addLiteral(f"/Span <</ActualText <FEFF{run.text.encode('utf-16-be').hex()}>>> BDC")
    text = canvas.beginText(x, y)
    text.setFont(run.font, size)
    text.textOut(shape(run, size))
    canvas.drawText(text)
    canvas.addLiteral("EMC")
    return run_width(run, size)
