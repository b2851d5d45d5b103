"""Label text drawn on this computer, for printers whose own fonts lack its script.

A paragraph is wrapped between words to a width, in at most a given number of lines,
in one installed font that has all of it, or else each character in the best font that
has it (devices.pdf.font_files finds them, for the PDF label too): a line that
mixes Thai and Chinese takes each from a font of its script. Bold faces come first
because label text reads best bold on a thermal head (and a Zebra's own font 0 is bold
too). Pillow lays out each run, with HarfBuzz shaping where Pillow has it, so Thai
vowel and tone marks sit on their consonants.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from devices.pdf.font_files import FontFile, FontFiles, install_hint, system_fonts
from devices.printers.text import REPLACEMENT

MIN_EM = 8  # pixels: smaller text is a smudge on a 203 dpi head
_SHRINK = 0.9
BOLD = True


class MissingGlyphs(ValueError):
    """No installed font has some letters of the text."""

    def __init__(self, chars: str) -> None:
        super().__init__(f"no installed font has {chars!r}. {install_hint(chars[0])}")
        self.chars = chars


@dataclass(frozen=True)
class _Run:
    text: str
    font: FontFile


Line = tuple[_Run, ...]


def paragraph_image(
    text: str,
    width: int,
    line_height: int,
    gap: int,
    max_lines: int,
    fonts: FontFiles | None = None,
) -> Image.Image | None:
    """`text` in black on white (mode "1"), at most `width` wide and `max_lines` lines.

    Lines are `line_height + gap` apart and no glyph reaches past its line's
    `line_height`. The text is as large as fits; None if it does not fit even at
    MIN_EM pixels. `fonts` is where fonts are found (default: this computer's).

    Raises:
        MissingGlyphs: no installed font has some letter, digit or mark of `text`.
            Other characters no font has (a rare symbol) print as "?".
    """
    fonts = system_fonts() if fonts is None else fonts
    chars = _assign_fonts(text, fonts)
    em = _largest_em(_merged(chars), line_height)
    while em >= MIN_EM:
        lines = _wrap(chars, em, width, max_lines, fonts)
        if lines is not None:
            return _draw(lines, em, _extent(_merged(chars), em), line_height + gap)
        em = math.floor(em * _SHRINK)
    return None


def _assign_fonts(text: str, fonts: FontFiles) -> list[_Run]:
    """One run per character, with the font that draws it.

    One font for the whole paragraph where one has every character, so a line
    keeps one look; otherwise each character's best font.
    """
    whole = _best(fonts, text.replace(" ", ""))
    if whole is not None:
        return [_Run(char, whole) for char in text]
    out: list[_Run] = []
    missing: list[str] = []
    for char in text:
        previous = out[-1].font if out else None
        # A space or a mark stays in its neighbour's font: a mark drawn in another
        # font than its letter would not sit on it.
        if previous and (char == " " or _is_mark(char)) and fonts.has(previous, char):
            out.append(_Run(char, previous))
            continue
        font = _best(fonts, char)
        if font is None and unicodedata.category(char)[0] not in "LMN":
            char, font = REPLACEMENT, _best(fonts, REPLACEMENT)  # a rare symbol: "?"
        if font is None:
            missing.append(char)
        else:
            out.append(_Run(char, font))
    if missing:
        raise MissingGlyphs("".join(dict.fromkeys(missing)))
    return out


def _best(fonts: FontFiles, chars: str) -> FontFile | None:
    return next(iter(fonts.fonts_for(chars, BOLD)), None)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


@functools.lru_cache(maxsize=64)
def _face(font: FontFile, em: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font.path), em, index=font.index)


def _largest_em(runs: Line, line_height: int) -> int:
    """The largest size, up to `line_height`, at which the text's ink fits in a line."""
    em = line_height
    while em > MIN_EM and sum(_extent(runs, em)) > line_height:
        em -= 1
    return em


def _extent(runs: Line, em: int) -> tuple[int, int]:
    """How far the text's ink reaches above and below its baseline at size `em`."""
    boxes = [_face(run.font, em).getbbox(run.text, anchor="ls") for run in runs]
    ascent = max((-top for _, top, _, _ in boxes), default=0)
    descent = max((bottom for _, _, _, bottom in boxes), default=0)
    return max(math.ceil(ascent), 0), max(math.ceil(descent), 0)


def _wrap(
    chars: list[_Run], em: int, width: int, max_lines: int, fonts: FontFiles
) -> list[Line] | None:
    """Greedy wrap at spaces; a word wider than a line is broken between characters."""
    lines: list[list[_Run]] = [[]]
    for word in _words(chars):
        line = lines[-1]
        candidate = [*line, _space(line[-1].font, word[0].font, fonts), *word] if line else word
        if _width(candidate, em) <= width:
            lines[-1] = candidate
            continue
        if line:
            lines.append([])
        for cluster in _clusters(word):
            if lines[-1] and _width([*lines[-1], *cluster], em) > width:
                lines.append([])
            lines[-1].extend(cluster)
        if len(lines) > max_lines:
            return None
    if len(lines) > max_lines or any(_width(line, em) > width for line in lines):
        return None
    return [_merged(line) for line in lines]


def _space(before: FontFile, after: FontFile, fonts: FontFiles) -> _Run:
    return _Run(" ", before if fonts.has(before, " ") else after)


def _words(chars: list[_Run]) -> list[list[_Run]]:
    words: list[list[_Run]] = []
    current: list[_Run] = []
    for run in chars:
        if run.text.isspace():
            if current:
                words.append(current)
            current = []
        else:
            current.append(run)
    if current:
        words.append(current)
    return words


def _clusters(word: list[_Run]) -> list[list[_Run]]:
    """The word cut where it may be broken: never before a combining mark."""
    clusters: list[list[_Run]] = []
    for run in word:
        if clusters and _is_mark(run.text):
            clusters[-1].append(run)
        else:
            clusters.append([run])
    return clusters


def _merged(line: Sequence[_Run]) -> Line:
    """Neighbouring characters in one font as one run, so they are shaped together."""
    runs: list[_Run] = []
    for run in line:
        if runs and runs[-1].font == run.font:
            runs[-1] = _Run(runs[-1].text + run.text, run.font)
        else:
            runs.append(run)
    return tuple(runs)


def _width(line: Sequence[_Run], em: int) -> float:
    return sum(_face(run.font, em).getlength(run.text) for run in _merged(line))


def _draw(lines: list[Line], em: int, extent: tuple[int, int], pitch: int) -> Image.Image:
    ascent, descent = extent
    width = max(1, math.ceil(max(_width(line, em) for line in lines)))
    height = max(1, (len(lines) - 1) * pitch + ascent + descent)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        x = 0.0
        baseline = index * pitch + ascent
        for run in line:
            face = _face(run.font, em)
            draw.text((x, baseline), run.text, font=face, fill=0, anchor="ls")
            x += face.getlength(run.text)
    return image.point(lambda v: 255 if v >= 128 else 0, mode="1")
