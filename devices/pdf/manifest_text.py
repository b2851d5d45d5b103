"""Text on the manifest held to a width: set smaller, then wrapped, cut only past its lines.

What the manifest prints is a record a driver signs for, so a long tracking
number, order or driver's name is wrapped onto more lines rather than cut: a
number cut with "…" can no longer be keyed in when its barcode does not scan.
Only text longer than its lines at the smallest size (far past any real value:
the whole value is in the CSV and JSON) ends with "…".
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from devices.pdf.fonts import text_width
from devices.pdf.text_draw import draw_text
from devices.pdf.text_fit import LEADING, wrap

# Text is set no smaller than this share of its size: 7 pt for the 10 pt of a tracking
# number, still read at arm's length on a 150 dpi print.
FLOOR = 0.7
ELLIPSIS = "…"


@dataclass(frozen=True)
class FittedText:
    """Lines of one text, each no wider than the room it was fitted to."""

    lines: tuple[str, ...]
    font: str
    size: float

    @property
    def line_height(self) -> float:
        return self.size * LEADING

    @property
    def height(self) -> float:
        return len(self.lines) * self.line_height

    def draw(self, canvas: Canvas, x: float, baseline: float) -> None:
        """Draw the lines from the first one's baseline down."""
        for number, line in enumerate(self.lines):
            draw_text(canvas, x, baseline - number * self.line_height, line, self.font, self.size)

    def draw_right(self, canvas: Canvas, right: float, baseline: float) -> None:
        """Draw the lines with their right ends at `right`."""
        for number, line in enumerate(self.lines):
            left = right - text_width(line, self.font, self.size)
            y = baseline - number * self.line_height
            draw_text(canvas, left, y, line, self.font, self.size)


def fit_text(text: str, font: str, size: float, room: float, max_lines: int = 1) -> FittedText:
    """`text` in lines no wider than `room` points.

    One line, set smaller down to FLOOR x `size`; what is still too wide is wrapped at
    that size (between words, or between characters of a word wider than the room, as
    a tracking number is) onto at most `max_lines` lines, the last cut with "…".
    """
    full = text_width(text, font, size)
    if full <= room:
        return FittedText((text,), font, size)
    floor = size * FLOOR
    smaller = max(floor, size * room / full)
    # Widths grow with the size but shaping and kerning are not exactly linear.
    while smaller > floor and text_width(text, font, smaller) > room:
        smaller = max(floor, smaller - 0.1)
    if text_width(text, font, smaller) <= room:
        return FittedText((text,), font, smaller)
    lines = wrap(text, font, floor, room) or [ELLIPSIS]
    if len(lines) > max_lines:
        kept = lines[: max_lines - 1]
        lines = [*kept, _cut(lines[max_lines - 1], font, floor, room)]
    return FittedText(tuple(lines), font, floor)


def _cut(line: str, font: str, size: float, room: float) -> str:
    while line and text_width(line + ELLIPSIS, font, size) > room:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS
