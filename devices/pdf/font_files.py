"""Which font files on this computer have a character, best first: the one finder for labels.

Label text a renderer's own font lacks (Thai, Chinese, ...) is set in a font found
here: the PDF label registers the file with reportlab, the ZPL label draws with it
in Pillow. Both get the same answer, a FontFile (path and face index).

Where fontconfig is installed (every Linux desktop, and macOS with Homebrew's
fontconfig) it lists the fonts, in its order of preference, with the characters
each has. Elsewhere a fixed list per operating system is looked for in the usual
font folders, and each font's character map is read with reportlab's parser.
Only TrueType outlines are offered: reportlab cannot embed CFF (many .otf files).

What is found is remembered. A miss is remembered only for MISS_MEMORY_S: the
fonts are then listed again, so a font installed after a label was refused is
found when the label is printed again, without a restart.
"""

from __future__ import annotations

import bisect
import functools
import logging
import os
import shutil
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from reportlab.pdfbase.ttfonts import TTFError, TTFontFile

log = logging.getLogger(__name__)

MAX_FONTS = 4  # enough to step over a font a renderer cannot load
MISS_MEMORY_S = 30.0
FC_TIMEOUT_S = 10.0
# fontconfig numbers the named instances of a variable font above this; the
# face itself is the low part.
_FACE_MASK = 0xFFFF
_CACHE_LIMIT = 4096  # texts whose fonts are remembered; then it starts afresh
_NOTHING: frozenset[int] = frozenset()


@dataclass(frozen=True)
class FontFile:
    """One face in a font file; `index` picks the face in a collection (.ttc)."""

    path: Path
    index: int = 0


class FontSource(Protocol):
    """Where the fonts of this computer are listed."""

    def installed(self, bold: bool) -> list[FontFile]:
        """The TrueType fonts installed now, best first (bold faces first if `bold`)."""
        ...

    def characters(self, font: FontFile) -> Container[int]:
        """The code points `font` has glyphs for (none if it cannot be read)."""
        ...


class CharRanges(Container[int]):
    """Code points as fontconfig writes a charset ("20-7e a0-ff 131"), found by bisection."""

    def __init__(self, charset: str) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for part in charset.split():
            first, _, last = part.partition("-")
            self._starts.append(int(first, 16))
            self._ends.append(int(last or first, 16))

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, int):
            return False
        at = bisect.bisect_right(self._starts, code) - 1
        return at >= 0 and code <= self._ends[at]


class Fontconfig:
    """The fonts fontconfig knows, in its order of preference for sans-serif text.

    One call lists every font with its characters. fontconfig ranks coverage of
    a character above family, so the first font listed here that has a
    character is the one `fc-match "sans-serif:charset=..."` names for it.
    """

    def __init__(self, fallback: FontSource) -> None:
        self._fallback = fallback  # used if fc-match fails
        self._chars: dict[FontFile, CharRanges] = {}

    def installed(self, bold: bool) -> list[FontFile]:
        try:
            listed = _fontconfig_list(bold)
        except (OSError, subprocess.SubprocessError, ValueError) as exc:
            log.warning("fontconfig could not list the fonts, using a fixed list: %s", exc)
            return self._fallback.installed(bold)
        self._chars = listed
        return list(listed)

    def characters(self, font: FontFile) -> Container[int]:
        found = self._chars.get(font)
        return found if found is not None else self._fallback.characters(font)


def _fontconfig_list(bold: bool) -> dict[FontFile, CharRanges]:
    pattern = "sans-serif:fontformat=TrueType" + (":weight=bold" if bold else "")
    wanted = "%{file}\t%{index}\t%{fontformat}\t%{charset}\n"
    result = subprocess.run(
        ["fc-match", "--all", "--format", wanted, pattern],
        capture_output=True,
        text=True,
        timeout=FC_TIMEOUT_S,
        check=True,
    )
    listed: dict[FontFile, CharRanges] = {}
    for line in result.stdout.splitlines():
        fields = line.split("\t")
        if len(fields) != 4:
            continue
        path, index, form, charset = fields
        font = FontFile(Path(path), int(index or 0) & _FACE_MASK)
        # CFF and Type 1 fonts come after every TrueType one, and are of no use.
        if path and form == "TrueType" and font not in listed:
            listed[font] = CharRanges(charset)
    return listed


class PreferredFiles:
    """Font files in a fixed order of preference, for computers without fontconfig.

    An entry is a path, or a bare file name looked for in `folders` and their
    subfolders; one not found is skipped. Bold text tries the `bold` files first.
    """

    def __init__(
        self, regular: Sequence[Path], bold: Sequence[Path] = (), folders: Sequence[Path] = ()
    ) -> None:
        self.regular = tuple(regular)
        self.bold = tuple(bold)
        self.folders = tuple(folders)

    def installed(self, bold: bool) -> list[FontFile]:
        wanted = (*self.bold, *self.regular) if bold else self.regular
        by_name = _files_by_name(self.folders)
        found: list[FontFile] = []
        for entry in wanted:
            path = entry if entry.is_absolute() else by_name.get(entry.name.casefold())
            if path is not None and path.is_file() and FontFile(path) not in found:
                found.append(FontFile(path))
        return found

    def characters(self, font: FontFile) -> Container[int]:
        try:
            stat = font.path.stat()
        except OSError:
            return _NOTHING
        # The file's size and time in the key: a font replaced since is read again.
        return _character_map(font, stat.st_mtime_ns, stat.st_size)


def _files_by_name(folders: tuple[Path, ...]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in _walk(folders):
        found.setdefault(path.name.casefold(), path)
    return found


def _walk(folders: tuple[Path, ...]) -> Iterator[Path]:
    for folder in folders:
        # os.walk skips folders it cannot read instead of failing the label.
        for root, _, files in os.walk(folder):
            for name in sorted(files):
                yield Path(root) / name


@functools.lru_cache(maxsize=64)
def _character_map(font: FontFile, mtime_ns: int, size: int) -> frozenset[int]:
    try:
        parsed = TTFontFile(str(font.path), charInfo=1, subfontIndex=font.index)
    except (TTFError, OSError, ValueError, KeyError, IndexError, struct.error) as exc:
        # Not TrueType outlines, a font that forbids embedding, or a damaged file:
        # the next font in the list may do.
        log.info("font %s (face %d) is not usable: %s", font.path, font.index, exc)
        return _NOTHING
    return frozenset(parsed.charToGlyph)


def _pairs(pairs: Sequence[tuple[str, str]], folders: Sequence[Path]) -> PreferredFiles:
    return PreferredFiles(
        [Path(regular) for regular, _ in pairs], [Path(bold) for _, bold in pairs], folders
    )


def _windows_fonts() -> PreferredFiles:
    windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
    local = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData/Local"))
    user = local / "Microsoft/Windows/Fonts"  # fonts installed without administrator rights
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
    return _pairs(pairs, [windir / "Fonts", user])


def _macos_fonts() -> PreferredFiles:
    pairs = (
        ("Arial Unicode.ttf", "Arial Unicode.ttf"),  # Thai and CJK in one TrueType font
        ("Tahoma.ttf", "Tahoma Bold.ttf"),
        ("STHeiti Light.ttc", "STHeiti Medium.ttc"),
    )
    folders = [Path("/System/Library/Fonts"), Path("/Library/Fonts"), Path.home() / "Library/Fonts"]
    return _pairs(pairs, folders)


def _linux_fonts() -> PreferredFiles:
    # Debian: fonts-dejavu-core (Latin, Vietnamese, Greek, Cyrillic), fonts-noto-core,
    # fonts-tlwg-loma-ttf (Thai), fonts-droid-fallback and fonts-wqy-zenhei (CJK).
    pairs = (
        ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
        ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
        ("NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf"),
        ("Loma.ttf", "Loma-Bold.ttf"),
        ("Garuda.ttf", "Garuda-Bold.ttf"),
        ("DroidSansFallbackFull.ttf", "DroidSansFallbackFull.ttf"),
        ("DroidSansFallback.ttf", "DroidSansFallback.ttf"),
        ("wqy-zenhei.ttc", "wqy-zenhei.ttc"),
    )
    home = Path.home()
    folders = [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local/share/fonts",
        home / ".fonts",
    ]
    return _pairs(pairs, folders)


def system_source() -> FontSource:
    """How this computer's fonts are listed: fontconfig, or this OS's fixed list."""
    if sys.platform == "win32":
        fixed = _windows_fonts()
    elif sys.platform == "darwin":
        fixed = _macos_fonts()
    else:
        fixed = _linux_fonts()
    return Fontconfig(fixed) if shutil.which("fc-match") else fixed


class FontFiles:
    """Font files that have given characters, best first, remembered once found."""

    def __init__(self, source: FontSource, clock: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._clock = clock
        self._listed: dict[bool, list[FontFile]] = {}
        self._chars: dict[FontFile, Container[int]] = {}
        self._found: dict[tuple[str, bool], tuple[FontFile, ...]] = {}
        self._listed_at = clock()
        # Labels render in one process, but in-process rendering (when the
        # render child is gone) may come from several print threads at once.
        self._lock = threading.Lock()

    def fonts_for(self, text: str, bold: bool = False) -> tuple[FontFile, ...]:
        """Up to MAX_FONTS fonts that have every character of `text`, best first.

        None is an answer remembered for MISS_MEMORY_S; then the fonts are listed again.
        """
        key = ("".join(sorted(set(text))), bold)
        with self._lock:
            found = self._found.get(key)
            if found is None:
                found = self._search(*key)
            if not found and self._clock() - self._listed_at >= MISS_MEMORY_S:
                self._forget()  # a font may have been installed since
                found = self._search(*key)
            return found

    def has(self, font: FontFile, char: str) -> bool:
        """True if `font` has a glyph for `char`."""
        with self._lock:
            return ord(char) in self._characters(font)

    def _search(self, chars: str, bold: bool) -> tuple[FontFile, ...]:
        if bold not in self._listed:
            if not self._listed:  # the age of the oldest list decides when to look again
                self._listed_at = self._clock()
            self._listed[bold] = self._source.installed(bold)
        found: list[FontFile] = []
        for font in self._listed[bold]:
            have = self._characters(font)
            if all(ord(char) in have for char in chars):
                found.append(font)
                if len(found) == MAX_FONTS:
                    break
        if len(self._found) >= _CACHE_LIMIT:
            self._found.clear()
        self._found[(chars, bold)] = result = tuple(found)
        return result

    def _characters(self, font: FontFile) -> Container[int]:
        known = self._chars.get(font)
        if known is None:
            known = self._chars[font] = self._source.characters(font)
        return known

    def _forget(self) -> None:
        self._listed.clear()
        self._chars.clear()
        self._found.clear()


@functools.cache
def system_fonts() -> FontFiles:
    """The fonts of this computer, shared by every label renderer in this process."""
    return FontFiles(system_source())


def install_hint(char: str) -> str:
    """What to install on this computer for a font that has `char`."""
    if sys.platform == "win32":
        return (
            "Install the fonts for that language: Settings > System > Optional features > "
            "Add a feature > the language's Supplemental Fonts."
        )
    if sys.platform == "darwin":
        return "Install a TrueType (.ttf) font that has it, e.g. with Font Book."
    code = ord(char)
    if 0x0E00 <= code <= 0x0E7F:
        package = "fonts-thai-tlwg-ttf"
    elif 0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0x20000 <= code <= 0x3FFFF:
        package = "fonts-droid-fallback"
    else:
        package = "fonts-noto-core"
    return (
        f"Install a TrueType font that has it (on Debian or Ubuntu: "
        f"sudo apt-get install {package})."
    )
