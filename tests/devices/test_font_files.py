"""The one font finder both label renderers use: the right fonts, best first, found again."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from PIL import ImageFont
from reportlab.pdfbase.ttfonts import TTFontFile

from devices.pdf.font_files import (
    MISS_MEMORY_S,
    Fontconfig,
    FontFile,
    FontFiles,
    PreferredFiles,
    system_source,
)
from devices.pdf.fonts import DEJAVU_DIR
from tests.helpers.pdf_inspect import fontconfig_font

DEJAVU = DEJAVU_DIR / "DejaVuSans.ttf"
DEJAVU_BOLD = DEJAVU_DIR / "DejaVuSans-Bold.ttf"


def has_all(font: FontFile, text: str) -> bool:
    """Read from the font file itself, not from the finder's own answer."""
    chars = TTFontFile(str(font.path), subfontIndex=font.index).charToGlyph
    return all(chars.get(ord(char), 0) for char in text)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("char", ["ถ", "路", "Ł", "ệ"], ids=["thai", "chinese", "polish", "viet"])
@pytest.mark.parametrize("bold", [False, True], ids=["regular", "bold"])
def test_the_best_font_is_the_one_fontconfig_names_for_the_character(char: str, bold: bool) -> None:
    fonts = FontFiles(Fontconfig(PreferredFiles([])))

    found = fonts.fonts_for(char, bold)

    assert found[0].path == fontconfig_font(char, bold=bold)[1]


def test_every_font_offered_has_every_character_and_pillow_opens_it() -> None:
    fonts = FontFiles(Fontconfig(PreferredFiles([])))
    text = "ถนนสุขุมวิท 99/1"

    found = fonts.fonts_for(text, bold=True)

    assert found
    for font in found:
        assert has_all(font, text)
        assert ImageFont.truetype(str(font.path), 20, index=font.index).getlength(text) > 0


def test_a_character_no_font_has_finds_nothing() -> None:
    fonts = FontFiles(Fontconfig(PreferredFiles([])))

    assert fonts.fonts_for("\u0378") == ()  # unassigned: in no font


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux list of font files")
def test_without_fontconfig_the_linux_list_finds_latin_thai_and_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no fc-match on it
    fonts = FontFiles(system_source())

    latin, thai, chinese = (fonts.fonts_for(text, bold=True)[0] for text in ("Ł", "ถ", "路"))

    assert latin.path.name == "DejaVuSans-Bold.ttf"  # bold faces first for bold text
    assert thai.path.name in {"NotoSansThai-Bold.ttf", "Loma-Bold.ttf", "Garuda-Bold.ttf"}
    assert chinese.path.name in {"DroidSansFallbackFull.ttf", "DroidSansFallback.ttf"}
    assert has_all(thai, "ถนน") and has_all(chinese, "建国路")


def test_a_fixed_list_names_files_in_font_folders_in_its_order(tmp_path: Path) -> None:
    folder = tmp_path / "Fonts" / "truetype"
    folder.mkdir(parents=True)
    for font in (DEJAVU, DEJAVU_BOLD):
        shutil.copy(font, folder / font.name)
    listed = PreferredFiles(
        [Path("missing.ttf"), Path("DejaVuSans.ttf")],
        [Path("DejaVuSans-Bold.ttf")],
        folders=[tmp_path / "Fonts"],
    )
    fonts = FontFiles(listed)

    assert fonts.fonts_for("Ł") == (FontFile(folder / "DejaVuSans.ttf"),)
    assert fonts.fonts_for("Ł", bold=True) == (
        FontFile(folder / "DejaVuSans-Bold.ttf"),
        FontFile(folder / "DejaVuSans.ttf"),
    )


def test_a_file_that_is_no_truetype_font_is_stepped_over(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font at all" * 20)
    fonts = FontFiles(PreferredFiles([broken, DEJAVU]))

    assert fonts.fonts_for("A") == (FontFile(DEJAVU),)
    assert not fonts.has(FontFile(broken), "A")


def test_a_font_installed_after_a_miss_is_found_when_the_label_is_printed_again(
    tmp_path: Path,
) -> None:
    _, thai_font = fontconfig_font("ถ")
    folder = tmp_path / "fonts"
    folder.mkdir()
    clock = Clock()
    fonts = FontFiles(PreferredFiles([Path(thai_font.name)], folders=[folder]), clock=clock)
    assert fonts.fonts_for("ถ") == ()

    shutil.copy(thai_font, folder / thai_font.name)
    # Fitting a label measures a missing character many times: it is not looked for each time.
    assert fonts.fonts_for("ถ") == ()
    clock.now += MISS_MEMORY_S

    assert fonts.fonts_for("ถ") == (FontFile(folder / thai_font.name),)


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for fc-match")
def test_a_failing_fontconfig_falls_back_to_the_fixed_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "fc-match"
    broken.write_text("#!/bin/sh\necho 'Fontconfig error: cannot load config' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    fonts = FontFiles(Fontconfig(PreferredFiles([DEJAVU])))

    assert fonts.fonts_for("Ł") == (FontFile(DEJAVU),)
    assert fonts.has(FontFile(DEJAVU), "Ł")
