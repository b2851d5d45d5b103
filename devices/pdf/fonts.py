"""The one place that decides which fonts PDF labels and packing slips are set in.

Text is set in DejaVu Sans (accented Latin, Vietnamese, Greek, Cyrillic). A
character it lacks is set in a fallback font found on this computer (by
devices.pdf.font_files, as for the ZPL label's pictures), so one line can be
several runs, each in the font that has its characters: "99/1 ถนนสุขุม" is
"99/1 " in DejaVu Sans and the Thai in a Thai font.

Runs with combining marks (Thai vowels and tone marks) are shaped with
HarfBuzz: without it, a modern Thai font such as Noto Sans Thai draws a tone
mark on top of an upper vowel instead of above it, and "ที่" reads as "ที".

A character no font has is a GlyphMissingError naming it: a label never prints
empty boxes in place of an address.
"""

from __future__ import annotations

import functools
import logging
import threading
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, TTFont, shapeStr

from devices.pdf.font_files import FontFile, FontFiles, install_hint, system_fonts
from station.ports import PermanentPrintError

log = logging.getLogger(__name__)
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
_MARKS = frozenset(("Mn", "Mc", "Me"))
# Control and format characters are never drawn (text_draw.clean_text takes
# them out): measured in the run they are in, they send nobody looking for a font.
_NOT_DRAWN = frozenset(("Cc", "Cf"))


class GlyphMissingError(PermanentPrintError):
    """A character on the label is in no font on this computer."""


@dataclass(frozen=True)
class Run:
    """Part of a line set in one font; `shaped` runs go through HarfBuzz."""

    text: str
    font: str
    shaped: bool = False


@functools.cache
def label_fonts(font_dir: Path = DEJAVU_DIR) -> tuple[str, str]:
    """Register and return the (regular, bold) font names for labels.

    DejaVu Sans covers accented Latin (Ł, ő, ș, ã) that the built-in Helvetica
    cannot show, so it is used when installed; Helvetica is the fallback so a
    label still prints on a machine without it (other characters then come
    from fallback fonts).
    """
    regular, bold = font_dir / "DejaVuSans.ttf", font_dir / "DejaVuSans-Bold.ttf"
    if not (regular.is_file() and bold.is_file()):
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    return "DejaVuSans", "DejaVuSans-Bold"


def is_mark(char: str) -> bool:
    """A combining mark: drawn over or under the character before it."""
    return unicodedata.category(char) in _MARKS


def covers(font: str, char: str) -> bool:
    """True if `font` has a glyph for `char`."""
    found = pdfmetrics.getFont(font)
    if isinstance(found, TTFont):
        return bool(found.face.charToGlyph.get(ord(char), 0))
    # One of the 14 built-in PDF fonts, which reportlab writes in WinAnsi
    # encoding: what cp1252 can encode.
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


class FallbackFonts:
    """Fonts for the characters a label's own font lacks, loaded once each.

    `files` finds them (and looks again for a character it missed, after a while).
    """

    def __init__(self, files: FontFiles) -> None:
        self._files = files
        self._loaded: dict[bool, list[str]] = {False: [], True: []}
        self._rejected: set[FontFile] = set()
        self._by_char: dict[tuple[str, bool], str] = {}
        # Labels render in one process, but in-process rendering (when the
        # render child is gone) may come from several print threads at once.
        self._lock = threading.Lock()

    def runs(self, text: str, font: str, *, strict: bool = True) -> list[Run]:
        """`text` split into runs of `font` and the fallbacks it needs.

        Raises:
            GlyphMissingError: (only if `strict`) a character is in no font; it
                is then measured in `font` when not strict.
        """
        bold = "bold" in font.lower()
        result: list[Run] = []
        current, chars = font, ""
        for char in text:
            chosen = self._font_for(char, font, current if chars else None, bold)
            if chosen is None:
                if strict:
                    raise GlyphMissingError(missing_glyph_message(char, text))
                chosen = current
            if chosen != current and chars:
                result.append(_run(chars, current))
                chars = ""
            current = chosen
            chars += char
        if chars:
            result.append(_run(chars, current))
        return result

    def _font_for(self, char: str, font: str, current: str | None, bold: bool) -> str | None:
        # Marks and spaces stay with the text before them: a mark belongs to
        # its base letter, and a Thai space in a Thai run keeps the run whole.
        if current is not None and (is_mark(char) or char.isspace()) and covers(current, char):
            return current
        if unicodedata.category(char) in _NOT_DRAWN:
            return current or font
        if covers(font, char):
            return font
        return self.fallback(char, bold)

    def fallback(self, char: str, bold: bool) -> str | None:
        """The registered name of a font that has `char`, or None if none has it."""
        with self._lock:
            key = (char, bold)
            known = self._by_char.get(key)
            if known is not None:
                return known
            # A font already loaded first: one script in one font, fewer fonts embedded.
            found = next((f for f in self._loaded[bold] if covers(f, char)), None)
            if found is None:
                found = self._load_for(char, bold)
            if found is not None:
                self._by_char[key] = found
            return found

    def _load_for(self, char: str, bold: bool) -> str | None:
        for candidate in self._files.fonts_for(char, bold):
            if candidate in self._rejected:
                continue
            name = _register(candidate)
            if name is None:
                self._rejected.add(candidate)
                continue
            if name not in self._loaded[bold]:
                self._loaded[bold].append(name)
            if covers(name, char):
                return name
        return None


def _run(text: str, font: str) -> Run:
    shaped = any(is_mark(char) for char in text) and bool(
        getattr(pdfmetrics.getFont(font), "shapable", False)
    )
    return Run(text, font, shaped)


def _register(candidate: FontFile) -> str | None:
    # reportlab's font names are global: the path's checksum keeps two files
    # of the same name (in different folders) apart.
    tag = zlib.crc32(str(candidate.path).encode()) & 0xFFFF
    name = f"Fallback-{candidate.path.stem}-{candidate.index}-{tag:04x}"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        pdfmetrics.registerFont(TTFont(name, str(candidate.path), subfontIndex=candidate.index))
    # reportlab raises many kinds of error for fonts it cannot embed (CFF
    # outlines, a damaged file, an odd table): any of them means "not usable".
    except Exception as exc:
        log.info("font %s (face %d) is not usable: %s", candidate.path, candidate.index, exc)
        return None
    return name


@functools.cache
def system_fallbacks() -> FallbackFonts:
    return FallbackFonts(system_fonts())


def runs(text: str, font: str, *, strict: bool = True) -> list[Run]:
    """`text` as runs of `font` and this computer's fallback fonts (see FallbackFonts.runs)."""
    return system_fallbacks().runs(text, font, strict=strict)


def shape(run: Run, size: float) -> str:
    """The run's text, shaped (a reportlab ShapedStr) when it needs shaping."""
    return _shaped(run.text, run.font, size) if run.shaped else run.text


# Fitting text measures the same runs at the same sizes again and again.
@functools.lru_cache(maxsize=1024)
def _shaped(text: str, font: str, size: float) -> str:
    shaped: str = shapeStr(text, font, size)  # a ShapedStr when HarfBuzz changed anything
    return shaped


def run_width(run: Run, size: float) -> float:
    text = shape(run, size)
    if isinstance(text, ShapedStr):
        return float(sum(glyph.x_advance for glyph in text.__shapeData__) * size / 1000)
    return float(pdfmetrics.stringWidth(text, run.font, size))


def text_width(text: str, font: str, size: float) -> float:
    """Width of `text` as drawn, fallback fonts and shaping included.

    A character no font has is measured in `font`: drawing it raises instead.
    """
    return sum(run_width(run, size) for run in runs(text, font, strict=False))


def missing_glyph_message(char: str, text: str) -> str:
    name = unicodedata.name(char, "unnamed character")
    snippet = text if len(text) <= 40 else text[:37] + "..."
    return (
        f"The label cannot be printed: no font on this computer has the character "
        f"{char!r} (U+{ord(char):04X} {name}) in {snippet!r}. {install_hint(char)} "
        "Then print the label again."
    )
