"""Where this computer keeps a font for a given character.

Labels are set in DejaVu Sans; a character it lacks (Thai, Chinese, ...) is set
in a font found here. Where fontconfig is installed (every Linux desktop, and
macOS with Homebrew's fontconfig) it is asked, since it knows every installed
font and which characters each covers. Elsewhere a short list of fonts that
ship with Windows or macOS is tried.

Only candidates are named here: the caller loads each one and checks that it
really has the character, because reportlab embeds only TrueType outlines and
fontconfig may offer a font whose outlines are CFF (many .otf files).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# fontconfig sorts fonts that cover the character first: a few are enough to
# step over any that reportlab cannot load.
MAX_FONTCONFIG_CANDIDATES = 4
FC_TIMEOUT_S = 10.0
# fontconfig numbers the named instances of a variable font above this; the
# face itself is the low part.
_FACE_MASK = 0xFFFF


@dataclass(frozen=True)
class FontFile:
    """One face in a font file; `index` picks the face in a collection (.ttc)."""

    path: Path
    index: int = 0


FontFinder = Callable[[str, bool], Iterable[FontFile]]


def fontconfig_candidates(char: str, bold: bool) -> list[FontFile]:
    """Fonts fontconfig offers for `char`, best first (none if fc-match cannot run)."""
    pattern = f"sans-serif:fontformat=TrueType:charset={ord(char):x}"
    if bold:
        pattern += ":weight=bold"
    try:
        result = subprocess.run(
            ["fc-match", "-s", "--format", "%{file}\t%{index}\n", pattern],
            capture_output=True,
            text=True,
            timeout=FC_TIMEOUT_S,
            check=True,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("fc-match could not look for a font for U+%04X: %s", ord(char), exc)
        return []
    found: list[FontFile] = []
    for line in result.stdout.splitlines():
        path, _, index = line.partition("\t")
        candidate = FontFile(Path(path), int(index or 0) & _FACE_MASK)
        if path and candidate not in found:
            found.append(candidate)
        if len(found) == MAX_FONTCONFIG_CANDIDATES:
            break
    return found


class PreferredFiles:
    """A fixed list of font files, tried in order (bold files first for bold text)."""

    def __init__(self, regular: Sequence[Path], bold: Sequence[Path] = ()) -> None:
        self.regular = tuple(regular)
        self.bold = tuple(bold)

    def __call__(self, char: str, bold: bool) -> list[FontFile]:
        paths = (*self.bold, *self.regular) if bold else self.regular
        return [FontFile(path) for path in paths if path.is_file()]


def _windows_fonts() -> PreferredFiles:
    folder = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    # (regular, bold): broad coverage first, then Thai, then Chinese, Japanese, Korean, Indic.
    pairs = (
        ("arial.ttf", "arialbd.ttf"),
        ("segoeui.ttf", "segoeuib.ttf"),
        ("tahoma.ttf", "tahomabd.ttf"),
        ("LeelawUI.ttf", "LeelaUIb.ttf"),
        ("msyh.ttc", "msyhbd.ttc"),
        ("simsun.ttc", "simsun.ttc"),
        ("YuGothR.ttc", "YuGothB.ttc"),
        ("malgun.ttf", "malgunbd.ttf"),
        ("Nirmala.ttf", "NirmalaB.ttf"),
        ("seguisym.ttf", "seguisym.ttf"),
    )
    return PreferredFiles(
        [folder / regular for regular, _ in pairs], [folder / bold for _, bold in pairs]
    )


def _macos_fonts() -> PreferredFiles:
    supplemental = Path("/System/Library/Fonts/Supplemental")
    return PreferredFiles(
        [
            supplemental / "Arial Unicode.ttf",  # Thai and CJK in one TrueType font
            Path("/Library/Fonts/Arial Unicode.ttf"),
            supplemental / "Tahoma.ttf",
            Path("/System/Library/Fonts/STHeiti Light.ttc"),
        ],
        [supplemental / "Tahoma Bold.ttf", Path("/System/Library/Fonts/STHeiti Medium.ttc")],
    )


def system_finder() -> FontFinder:
    """The way to find fonts on this computer."""
    if shutil.which("fc-match"):
        return fontconfig_candidates
    if sys.platform == "win32":
        return _windows_fonts()
    if sys.platform == "darwin":
        return _macos_fonts()
    return PreferredFiles([])
