"""Fit paragraphs into a box by wrapping and shrinking, never by cutting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

LEADING = 1.18
# Below this fraction of the design size the text is unreadable anyway; a block
# that still does not fit is then drawn whole and overflows rather than lose words.
MIN_SCALE = 0.3
_SCALE_STEP = 0.04


@dataclass(frozen=True)
class Para:
    """A paragraph as designed: its text, font and size at full scale."""

    text: str
    font: str
    size: float


@dataclass(frozen=True)
class Line:
    text: str
    font: str
    size: float

    @property
    def height(self) -> float:
        return self.size * LEADING


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word wider than the box is broken between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if current and stringWidth(current + char, font, size) > width:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines


def fit_block(paras: Sequence[Para], width: float, height: float) -> list[Line]:
    """Lay out paragraphs in a width x height box, shrinking all of them together.

    Shrinking the whole block keeps the hierarchy (name bigger than street).
    """
    scale = 1.0
    while True:
        lines = [
            Line(text, para.font, para.size * scale)
            for para in paras
            for text in wrap(para.text, para.font, para.size * scale, width)
        ]
        if sum(line.height for line in lines) <= height or scale <= MIN_SCALE:
            return lines
        scale -= _SCALE_STEP
