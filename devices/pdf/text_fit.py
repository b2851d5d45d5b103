"""Fit paragraphs into a box by wrapping and shrinking, never by cutting.

Widths are measured as the text is drawn: in the fallback fonts a line needs
(Thai, Chinese) and with shaping (see devices.pdf.fonts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from devices.pdf.fonts import is_mark, text_width
from station.ports import PermanentPrintError

LEADING = 1.18
# Below this fraction of the design size the text is unreadable anyway; a block
# that still does not fit is then drawn whole and overflows rather than lose words
# (fit_block), or refused (fit_or_fail).
MIN_SCALE = 0.3
# The smallest text a 203 dpi head prints legibly (about 14 dots high); text
# designed smaller is not shrunk at all.
MIN_POINTS = 5.0
_SCALE_STEP = 0.04
# Thai and Lao vowels written before the consonant they follow in speech: a
# line never ends on one.
_LEADING_VOWELS = frozenset("เแโใไເແໂໃໄ")


class TextDoesNotFit(PermanentPrintError):
    """Some text is too long for its place on the label, even in the smallest legible size."""


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


def clusters(word: str) -> list[str]:
    """`word` in the pieces a line may break between.

    A combining mark stays with its letter (a Thai tone mark never starts a
    line) and a Thai or Lao leading vowel with the consonant after it.
    """
    pieces: list[str] = []
    for char in word:
        if pieces and (is_mark(char) or pieces[-1][-1] in _LEADING_VOWELS):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word wider than the box is broken between characters.

    Text without spaces (Chinese, Thai) is a single word, so it breaks between
    characters too, never inside a character's cluster of marks.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for piece in clusters(word):
            if current and text_width(current + piece, font, size) > width:
                lines.append(current)
                current = ""
            current += piece
    if current:
        lines.append(current)
    return lines


def _lay_out(paras: Sequence[Para], width: float, scale: float, floor: float) -> list[Line]:
    lines: list[Line] = []
    for para in paras:
        size = max(para.size * scale, min(para.size, floor))
        lines += [Line(text, para.font, size) for text in wrap(para.text, para.font, size, width)]
    return lines


def _fit(paras: Sequence[Para], width: float, height: float, floor: float) -> list[Line] | None:
    scale = 1.0
    while True:
        lines = _lay_out(paras, width, scale, floor)
        if sum(line.height for line in lines) <= height:
            return lines
        if scale <= MIN_SCALE:
            return None
        scale -= _SCALE_STEP


def fit_block(paras: Sequence[Para], width: float, height: float) -> list[Line]:
    """Lay out paragraphs in a width x height box, shrinking all of them together.

    Shrinking the whole block keeps the hierarchy (name bigger than street).
    A block that does not fit at MIN_SCALE is returned at that scale, taller
    than the box.
    """
    fitted = _fit(paras, width, height, floor=0.0)
    return fitted if fitted is not None else _lay_out(paras, width, MIN_SCALE, 0.0)


def fit_or_fail(paras: Sequence[Para], width: float, height: float, what: str) -> list[Line]:
    """As fit_block, but text is never smaller than MIN_POINTS and never overflows.

    Args:
        what: names the text and where to shorten it for the message, e.g.
            "address of order SO-1 (shorten it in the order)".

    Raises:
        TextDoesNotFit: the block is too tall even in the smallest legible size.
    """
    fitted = _fit(paras, width, height, floor=MIN_POINTS)
    if fitted is None:
        raise TextDoesNotFit(
            f"The {what} is too long to fit on the label even in the smallest legible "
            "font. Shorten it, then print the label again."
        )
    return fitted
