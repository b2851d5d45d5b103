"""Which installed TrueType font draws a character, for label text a printer font cannot.

A label printer's own fonts know Latin and little else, so Thai, Chinese, Vietnamese or
Polish text is drawn on this computer and sent as a picture. That needs a font per
script: each character goes to the first font below that has a glyph for it. Bold faces
come first because label text reads best bold on a thermal head (and a Zebra's own font
0 is bold too).

Only TrueType outlines are used (.ttf, and .ttc collections' first face): their
character maps are read with reportlab's parser, which every PackStation install has.
On Debian the fonts come from fonts-dejavu-core (Latin with Vietnamese, Greek,
Cyrillic), fonts-tlwg-loma-ttf or fonts-noto-core (Thai) and fonts-droid-fallback
(Chinese, Japanese, Korean). The PDF label finds its fonts through fontconfig
(devices.printing.font_files); this fixed list needs no fontconfig, and names the
same packages.
"""

from __future__ import annotations

import functools
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase.ttfonts import TTFError, TTFontFile

# In order of preference; a name missing from this computer is skipped.
FONT_FILES = (
    "DejaVuSans-Bold.ttf",
    "DejaVuSans.ttf",
    "NotoSans-Bold.ttf",
    "NotoSans-Regular.ttf",
    "NotoSansThai-Bold.ttf",
    "NotoSansThai-Regular.ttf",
    "Loma-Bold.ttf",
    "Loma.ttf",
    "Garuda-Bold.ttf",
    "Garuda.ttf",
    "DroidSansFallbackFull.ttf",
    "DroidSansFallback.ttf",
    "wqy-zenhei.ttc",
    # Windows and macOS carry these.
    "arialbd.ttf",
    "tahomabd.ttf",
    "LeelaUIb.ttf",
    "msyhbd.ttc",
    "msyh.ttc",
    "Arial Unicode.ttf",
)


def font_dirs() -> tuple[Path, ...]:
    """Where fonts are installed on Linux, macOS and Windows."""
    home = Path.home()
    windows = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"
    return (
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        home / "Library/Fonts",
        windows,
    )


@dataclass(frozen=True, eq=False)  # one object per font file: compared by identity
class GlyphFont:
    path: Path
    chars: frozenset[int]  # the code points it has glyphs for

    def covers(self, char: str) -> bool:
        return ord(char) in self.chars


@functools.cache
def installed_fonts(dirs: tuple[Path, ...] | None = None) -> tuple[GlyphFont, ...]:
    """The fonts of FONT_FILES found in `dirs` (default: font_dirs()), in FONT_FILES order."""
    found = _files_by_name(dirs if dirs is not None else font_dirs())
    fonts = []
    for name in FONT_FILES:
        path = found.get(name.casefold())
        chars = _character_map(path) if path is not None else None
        if path is not None and chars:
            fonts.append(GlyphFont(path, chars))
    return tuple(fonts)


def font_for(char: str, fonts: tuple[GlyphFont, ...]) -> GlyphFont | None:
    """The first of `fonts` with a glyph for `char`, or None."""
    return next((font for font in fonts if font.covers(char)), None)


def _files_by_name(dirs: tuple[Path, ...]) -> dict[str, Path]:
    wanted = {name.casefold() for name in FONT_FILES}
    found: dict[str, Path] = {}
    for path in _walk(dirs):
        key = path.name.casefold()
        if key in wanted and key not in found:
            found[key] = path
    return found


def _walk(dirs: tuple[Path, ...]) -> Iterator[Path]:
    for folder in dirs:
        # os.walk skips folders it cannot read instead of failing the label.
        for root, _, files in os.walk(folder):
            for name in sorted(files):
                yield Path(root) / name


def _character_map(path: Path) -> frozenset[int] | None:
    try:
        parsed = TTFontFile(str(path), charInfo=1)
    except (TTFError, OSError, ValueError, KeyError, IndexError, struct.error):
        # Not TrueType outlines, a font that forbids embedding, or a damaged file:
        # the next font in the list may do.
        return None
    return frozenset(parsed.charToGlyph)
