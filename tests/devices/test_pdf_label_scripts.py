"""Addresses in Thai, Chinese, Vietnamese and accented Latin print as written."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from devices.barcode_decode import read_symbols
from devices.pdf import pdf_label
from devices.pdf.font_files import FontFiles, PreferredFiles
from devices.pdf.fonts import FallbackFonts, GlyphMissingError, label_fonts
from devices.pdf.pdf_label import render_label_pdf
from devices.pdf.text_draw import draw_text
from devices.pdf.text_fit import clusters, wrap
from station.labels import Address, LabelContent
from tests.helpers.pdf import page_images, pdf_text, words
from tests.helpers.pdf_inspect import embedded_fonts, fontconfig_font

SENDER = Address("PackStation Demo Warehouse", "1 Logistics Way", "Springfield", "12345", "US")
THAI = Address(
    "คุณสมศักดิ์ ปิ่นทอง",
    "99/1 ถนนสุขุมวิท ซอย 21 แขวงคลองเตยเหนือ",
    "กรุงเทพมหานคร",
    "10110",
    "TH",
)
CHINESE = Address("王小明", "朝阳区建国路88号 SOHO现代城2号楼1201室", "北京市", "100022", "CN")
VIETNAMESE = Address(
    "Nguyễn Thị Hương",
    "Số 12 Đường Lê Lợi, Phường Bến Nghé",
    "Thành phố Hồ Chí Minh",
    "700000",
    "VN",
)
# The Turkish dotless i is meant: a letter beyond Latin-1.
LATIN = Address("Łukasz Żółć-Øvergård", "Şehit Ömer Sokağı 5", "Kraków", "30-001", "PL")  # noqa: RUF001
DEJAVU = {"DejaVuSans", "DejaVuSans-Bold"}


def make_label(ship_to: Address, **changes: object) -> LabelContent:
    return LabelContent(
        SENDER, ship_to, "SO-7", "AeroExpress", "Express", "1Z999AA10123456784", **changes
    )  # type: ignore[arg-type]


def write(label: LabelContent, tmp_path: Path) -> Path:
    pdf = tmp_path / "label.pdf"
    pdf.write_bytes(render_label_pdf(label))
    return pdf


@pytest.mark.parametrize("address", [THAI, CHINESE, VIETNAMESE, LATIN], ids=lambda a: a.country)
@pytest.mark.parametrize("size", ["4x6", "100x100"])
def test_address_text_is_in_the_pdf_as_written(tmp_path: Path, address: Address, size: str) -> None:
    pdf = write(make_label(address, size=size), tmp_path)

    text = words(pdf_text(pdf))

    for part in (address.name, address.street, f"{address.postcode} {address.city}"):
        assert part in text
    assert read_symbols(page_images(pdf, tmp_path / "pages")[0])[0].text == "1Z999AA10123456784"


@pytest.mark.parametrize(("address", "sample"), [(THAI, "ถ"), (CHINESE, "路")])
def test_scripts_dejavu_lacks_are_set_in_the_systems_fallback_font(
    tmp_path: Path, address: Address, sample: str
) -> None:
    fonts = embedded_fonts(write(make_label(address), tmp_path))

    regular, _ = fontconfig_font(sample)
    bold_name, _ = fontconfig_font(address.name[0], bold=True)
    assert {regular, bold_name} <= fonts
    assert fonts >= DEJAVU


@pytest.mark.parametrize("address", [VIETNAMESE, LATIN], ids=lambda a: a.country)
def test_vietnamese_and_accented_latin_need_no_fallback(tmp_path: Path, address: Address) -> None:
    assert embedded_fonts(write(make_label(address), tmp_path)) == DEJAVU


def test_decomposed_vietnamese_prints_composed(tmp_path: Path) -> None:
    # "ệ" typed as e + combining circumflex + combining dot below.
    decomposed = Address("Nguye\u0302\u0303n Thi\u0323", "Đường Lê Lợi", "Huế", "530000", "VN")

    text = words(pdf_text(write(make_label(decomposed), tmp_path)))

    assert "Nguyễn Thị" in text


@pytest.mark.parametrize("char", ["\U000f0000", "\u0378"], ids=["private-use", "unassigned"])
def test_character_no_font_has_is_refused_naming_it(char: str) -> None:
    address = Address(f"Anna {char} Berg", "Storgatan 1", "Stockholm", "111 22", "SE")

    expected = rf"U\+{ord(char):04X}.*Install.*print the label again"
    with pytest.raises(GlyphMissingError, match=expected):
        render_label_pdf(make_label(address))


def ink_top(pdf: Path, out: Path) -> int:
    """The first pixel row with ink on the page."""
    (page,) = page_images(pdf, out, dpi=300)
    with Image.open(page) as image:
        dark = np.asarray(image.convert("L")) < 128
    return int(np.flatnonzero(dark.any(axis=1))[0])


def test_thai_tone_mark_stands_above_the_upper_vowel_not_on_it(tmp_path: Path) -> None:
    regular, _ = label_fonts()
    tops = {}
    for name, text in (("consonant", "ท"), ("vowel", "ที"), ("tone", "ที่")):
        pdf = tmp_path / f"{name}.pdf"
        canvas = Canvas(str(pdf), pagesize=(200, 100))
        draw_text(canvas, 20, 30, text, regular, 40)
        canvas.save()
        tops[name] = ink_top(pdf, tmp_path / name)

    # Drawn unshaped, a modern Thai font (Noto Sans Thai) puts the tone mark
    # over the vowel, where it all but vanishes: "ที่" prints as "ที".
    vowel_height = tops["consonant"] - tops["vowel"]
    assert tops["tone"] < tops["vowel"] - vowel_height / 2


def test_thai_without_spaces_wraps_between_clusters_only() -> None:
    regular, _ = label_fonts()
    text = "แขวงคลองเตยเหนือเขตวัฒนากรุงเทพมหานครที่อยู่ปิ่นทอง"

    lines = wrap(text, regular, 14, 60)

    assert len(lines) > 2
    assert "".join(lines) == text
    for line in lines:
        assert line[0] not in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4c"
        assert line[-1] not in "เแโใไ"


def test_clusters_keep_marks_with_their_letter() -> None:
    assert clusters("ปิ่นเต") == ["ปิ่", "น", "เต"]


def test_fallback_found_in_a_fonts_folder_as_on_windows(tmp_path: Path) -> None:
    _, thai_font = fontconfig_font("ถ")
    folder_font = tmp_path / "Fonts" / thai_font.name
    folder_font.parent.mkdir()
    shutil.copy(thai_font, folder_font)
    regular, _ = label_fonts()
    fonts = FontFiles(PreferredFiles([tmp_path / "Fonts" / "arial.ttf", folder_font]))
    fallbacks = FallbackFonts(fonts)

    runs = fallbacks.runs("99/1 ถนนสุขุมวิท", regular)

    assert [run.text for run in runs] == ["99/1 ", "ถนนสุขุมวิท"]
    assert runs[0].font == regular
    assert runs[1].font.startswith(f"Fallback-{folder_font.stem}-0-")
    assert runs[1].shaped  # it has vowel marks


def test_fonts_folder_without_the_script_reports_the_character() -> None:
    regular, _ = label_fonts()
    fallbacks = FallbackFonts(FontFiles(PreferredFiles([])))

    with pytest.raises(GlyphMissingError, match=r"'ถ' \(U\+0E16 THAI CHARACTER THO THUNG\)"):
        fallbacks.runs("ถนน", regular)


def test_without_dejavu_every_script_still_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A machine without DejaVu (e.g. Windows): labels are set in the built-in
    # Helvetica, which has Latin-1 only; everything else comes from fallbacks.
    monkeypatch.setattr(pdf_label, "label_fonts", lambda: label_fonts(tmp_path))
    mixed = Address("Łukasz ปิ่นทอง", "建国路88号", "Hà Nội", "10000", "VN")

    text = words(pdf_text(write(make_label(mixed), tmp_path)))

    assert "Łukasz ปิ่นทอง" in text
    assert "建国路88号" in text
    assert "10000 Hà Nội" in text
