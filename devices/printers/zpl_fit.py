"""Fitting label text into ZPL field blocks (^FB) so that nothing is cut.

The printer wraps a ^FB itself, with its real glyph widths, and a block that
needs more lines than it was given prints its overflow over the last line:
text lost without a word. So each block gets as many lines as our estimate
says it needs, and the estimate errs wide (font 0 glyphs are narrower than
the widths below), so the printer never needs more lines than it was given.
Where an estimate says a block cannot fit, every font in the region shrinks
until it does.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

# Widths as a fraction of the font's width parameter (^A0N,h,w with w = h).
_NARROW = frozenset(" .,:;'!|`ijlIftr()[]")
_WIDE = frozenset("MWmw@%&")
_SCALES = tuple(1.0 - step * 0.05 for step in range(14))  # 100 % down to 35 %


@dataclass(frozen=True)
class Para:
    """A paragraph as the layout wants it: its text and its preferred font height."""

    text: str
    size: int


@dataclass(frozen=True)
class Block:
    """A paragraph placed in its region: one ^FB field.

    `words` are the paragraph's words; a word wider than a line is split
    into `chunks` that each fill a line, and the renderer joins them with
    a forced line break (the printer would otherwise run them off the label).
    """

    words: tuple[tuple[str, ...], ...]
    top: int
    size: int
    lines: int
    gap: int

    @property
    def height(self) -> int:
        return self.lines * self.size + (self.lines - 1) * self.gap


def char_width(char: str, size: int) -> float:
    """A generous estimate of one glyph's advance in font 0 at height `size`."""
    if unicodedata.category(char) in ("Mn", "Me"):
        factor = 0.0  # a mark sits on the letter before it (Thai vowels, tone marks)
    elif char in _NARROW:
        factor = 0.4
    elif char in _WIDE:
        factor = 0.95
    elif _wide(char):
        factor = 1.0
    elif char.isupper() or char.isdigit():
        factor = 0.7
    else:
        factor = 0.62
    return factor * size


def breaks_anywhere(chunks: Sequence[str]) -> bool:
    """Whether a line may break between these chunks of one word.

    Chinese, Japanese and Korean text has no spaces and wraps between any two
    characters, so a long run of it is no reason to shrink the font.
    """
    return all(_wide(chunk[-1]) or _wide(after[0]) for chunk, after in pairwise(chunks))


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def text_width(text: str, size: int) -> float:
    return sum(char_width(char, size) for char in text)


def split_word(word: str, size: int, width: int) -> tuple[str, ...]:
    """`word` cut into pieces that each fit `width` (one piece when it fits)."""
    chunks: list[str] = []
    current = ""
    for char in word:
        if current and text_width(current + char, size) > width:
            chunks.append(current)
            current = ""
        current += char
    chunks.append(current)
    return tuple(chunks)


def count_lines(words: Sequence[tuple[str, ...]], size: int, width: int) -> int:
    """Lines a greedy word wrap needs, the way ^FB wraps at spaces."""
    lines = 0
    used = 0.0
    space = char_width(" ", size)
    for chunks in words:
        if len(chunks) > 1:  # a split word starts a line and fills whole lines
            lines += len(chunks)
            used = text_width(chunks[-1], size)
            continue
        needed = text_width(chunks[0], size)
        if lines and used + space + needed <= width:
            used += space + needed
        else:
            lines += 1
            used = needed
    return lines


def fit(paras: Sequence[Para], width: int, height: int, min_size: int) -> list[Block] | None:
    """Blocks for `paras` stacked from the region's top, or None if they cannot fit.

    Every font shrinks by the same factor, so the layout keeps its emphasis
    (the name stays larger than the street) however long the address is.
    """
    for scale in _SCALES:
        blocks = _stack(paras, width, scale, min_size)
        if blocks is None:
            continue
        bottom = blocks[-1].top + blocks[-1].height if blocks else 0
        if bottom <= height:
            return blocks
    return None


def _stack(paras: Sequence[Para], width: int, scale: float, min_size: int) -> list[Block] | None:
    blocks: list[Block] = []
    top = 0
    for para in paras:
        size = max(min_size, round(para.size * scale))
        words = tuple(split_word(word, size, width) for word in para.text.split())
        if not words:
            continue
        if scale > _SCALES[-1] and any(
            len(chunks) > 1 and not breaks_anywhere(chunks) for chunks in words
        ):
            # A word wider than the line: try a smaller font before cutting it.
            return None
        gap = max(2, size // 8)
        block = Block(words, top, size, count_lines(words, size, width), gap)
        blocks.append(block)
        top += block.height + gap
    return blocks
