"""Addresses in Thai, Chinese, Vietnamese and Polish on a ZPL label: they print as written.

A Zebra's font 0 has no Thai or Chinese, so such text travels as a ^GF picture drawn
with an installed font. Without OCR, two checks say the picture is the text: the
printed dots (rendered by a real ZPL engine) are the picture dot for dot, and the
picture looks like the text drawn directly with Pillow in a font of that script,
far more than like other text in the same script or like the missing-glyph boxes a
font without the script draws.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from devices.pdf.font_files import FontFiles, PreferredFiles, system_fonts
from devices.pdf.fonts import DEJAVU_DIR
from devices.printers import text_image
from devices.printers.zpl import LabelDoesNotFit, TextHasNoFont, render_zpl
from station.labels import Address
from station.ports import PermanentPrintError
from tests.helpers.gfa import Graphic, graphics, label_size
from tests.helpers.zpl_render import render_zpl_png
from tests.helpers.zpl_sim import SHIP_TO, commands, fields, make_label

THAI = Address("สมชาย ใจดี", "99/1 ถนนสุขุมวิท", "กรุงเทพมหานคร", "10110", "TH")
CHINESE = Address("王小明", "建国路88号", "北京市朝阳区", "100022", "CN")
VIETNAMESE = Address("Nguyễn Văn Trỗi", "123 Đường Lê Lợi", "Hồ Chí Minh", "700000", "VN")
POLISH = Address("Łucja Wąsowska", "ul. Źródlana 5", "Łódź", "90-001", "PL")
# (address, the same script in other words, what a printer without the script shows:
# missing-glyph boxes, or the letters without their accents)
SCRIPTS = [
    pytest.param(THAI, "กขคงจ ฉชซ", "boxes", id="thai"),
    pytest.param(CHINESE, "明小王", "boxes", id="chinese"),
    pytest.param(VIETNAMESE, "Trỗi Văn Nguyễn", "unaccented", id="vietnamese"),
    pytest.param(POLISH, "Wąsowska Łucja", "unaccented", id="polish"),
]


def ink(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L")) < 128


def cropped(dots: np.ndarray) -> np.ndarray:
    rows, cols = np.nonzero(dots)
    assert rows.size, "nothing printed"
    return dots[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


def font_with(text: str) -> Path:
    """The best installed (bold) font with every character of `text`, as labels choose it."""
    found = system_fonts().fonts_for(text.replace(" ", ""), bold=True)
    if not found:
        pytest.fail(f"no font has {text!r}: install fonts-tlwg-loma-ttf and fonts-droid-fallback")
    return found[0].path


def without_script(text: str, kind: str) -> tuple[str, Path]:
    """`text` as a printer lacking its script would show it, and the font to draw it in."""
    if kind == "boxes":
        return text, DEJAVU_DIR / "DejaVuSans.ttf"  # no Thai or Chinese: every letter a box
    letters = unicodedata.normalize("NFKD", text.replace("Ł", "L").replace("Đ", "D"))
    plain = "".join(c for c in letters if not unicodedata.combining(c))
    return plain, font_with(text)


def drawn_directly(text: str, path: Path) -> np.ndarray:
    """`text` in one Pillow call, large, in the font at `path`: the reference."""
    font = ImageFont.truetype(str(path), 96)
    _, _, right, bottom = font.getbbox(text)
    image = Image.new("L", (right + 20, bottom + 20), 255)
    ImageDraw.Draw(image).text((10, 10), text, font=font, fill=0)
    return cropped(ink(image))


def likeness(printed: np.ndarray, reference: np.ndarray) -> float:
    """How much two texts' ink overlaps once scaled to one box: 1 is identical (Dice)."""
    printed, reference = cropped(printed), cropped(reference)
    height, width = printed.shape
    scaled = Image.fromarray(reference.astype(np.uint8) * 255).resize((width, height))
    other = np.asarray(scaled) >= 128
    return float(2 * (printed & other).sum() / (printed.sum() + other.sum()))


def print_dots(zpl: bytes, dpi: int) -> np.ndarray:
    """The label as a ZPL engine prints it, one array cell per dot."""
    width, length = label_size(zpl)
    dots_per_mm = round(dpi / 25.4)
    with Image.open(render_zpl_png(zpl, dpi, width / dots_per_mm, length / dots_per_mm)) as page:
        return ink(page)


def at(page: np.ndarray, graphic: Graphic) -> np.ndarray:
    return page[
        graphic.y : graphic.y + graphic.image.height, graphic.x : graphic.x + graphic.image.width
    ]


@pytest.mark.parametrize(("address", "other_words", "lacking"), SCRIPTS)
@pytest.mark.parametrize("dpi", [203, 300])
def test_a_name_in_any_script_prints_as_written(
    address: Address, other_words: str, lacking: str, dpi: int
) -> None:
    zpl = render_zpl(make_label(address, size="100x150"), dpi)
    texts = [f.text for f in fields(zpl) if "FD" in f.commands]
    assert address.name not in texts  # font 0 would print boxes for it
    page = print_dots(zpl, dpi)
    name = min(graphics(zpl), key=lambda g: g.y)  # the first line drawn: the name
    printed = at(page, name)
    assert np.array_equal(printed, ink(name.image))  # the engine printed the picture as sent
    font = font_with(address.name)
    same = likeness(printed, drawn_directly(address.name, font))
    other = likeness(printed, drawn_directly(other_words, font))
    poor = likeness(printed, drawn_directly(*without_script(address.name, lacking)))
    assert same > 0.8 and same - other > 0.3
    # Boxes look nothing like letters; letters without accents are close, but less so.
    assert same - poor > (0.3 if lacking == "boxes" else 0.05)


@pytest.mark.parametrize(("address", "other_words", "lacking"), SCRIPTS)
def test_every_line_of_the_address_is_drawn_inside_the_address_box(
    address: Address, other_words: str, lacking: str
) -> None:
    zpl = render_zpl(make_label(address))
    pictures = [g for g in graphics(zpl) if 345 <= g.y < 345 + 420]  # the ship-to region
    # Name, street and "postcode city" each need the picture; "SHIP TO" and the
    # country code do not.
    assert len(pictures) == 3
    bottom = 345
    for picture in sorted(pictures, key=lambda g: g.y):
        assert picture.y >= bottom and picture.x + picture.image.width <= 20 + 772
        bottom = picture.y + picture.image.height
    assert bottom <= 345 + 420


def test_western_european_text_stays_printer_text() -> None:
    ship_to = dataclasses.replace(SHIP_TO, name="Zoë Müller-Françoise Øster", city="São Paulo")
    zpl = render_zpl(make_label(ship_to))
    assert graphics(zpl) == []
    assert "Zoë Müller-Françoise Øster" in [f.text for f in fields(zpl)]


def test_a_long_chinese_street_wraps_between_characters_at_full_size() -> None:
    street = "北京市朝阳区建国路八十八号现代城一号楼二单元十八层一千八百零八室"

    def street_picture(street: str) -> Image.Image:
        zpl = render_zpl(make_label(dataclasses.replace(CHINESE, street=street)))
        _, street_line, _ = sorted(graphics(zpl), key=lambda g: g.y)[:3]
        return street_line.image

    short, long = street_picture("建国路"), street_picture(street)
    assert long.height > 1.8 * short.height  # two lines or more
    # Not shrunk to fit one line: the first line's characters are as tall as before.
    first_line = cropped(ink(long)[: short.height])
    assert first_line.shape[0] >= 0.9 * cropped(ink(short)).shape[0]


def test_a_script_no_installed_font_has_is_refused_with_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A computer whose only font is DejaVu Sans, which has no Thai.
    only_dejavu = FontFiles(PreferredFiles([DEJAVU_DIR / "DejaVuSans-Bold.ttf"]))
    monkeypatch.setattr(text_image, "system_fonts", lambda: only_dejavu)
    with pytest.raises(TextHasNoFont, match=r"install a font that has them") as raised:
        render_zpl(make_label(dataclasses.replace(SHIP_TO, name="สมชาย ใจดี")))
    assert isinstance(raised.value, PermanentPrintError)
    message = str(raised.value)
    assert "สมชายใจดี" in message and "address of order SO-100001" in message


def test_a_symbol_no_font_has_prints_as_a_visible_mark() -> None:
    zpl = render_zpl(make_label(dataclasses.replace(SHIP_TO, name="Jan \ue000 de Vries")))
    assert len(graphics(zpl)) == 1  # drawn, with "?" for the private-use character


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=25)


@settings(max_examples=60, deadline=None)
@given(name=TEXT, street=TEXT, city=TEXT)
def test_any_text_in_any_script_makes_one_clean_label_or_a_clear_refusal(
    name: str, street: str, city: str
) -> None:
    ship_to = Address(name, street, city, "10110", "TH")
    try:
        zpl = render_zpl(make_label(ship_to))
    except (LabelDoesNotFit, TextHasNoFont):
        return  # refused whole, with a message: never a cut or broken label
    found = commands(zpl)
    names = [c.name for c in found]
    assert names.count("XA") == 1 and names.count("XZ") == 1
    assert [c for c in found if c.prefix == "~"] == []
    for graphic in graphics(zpl):  # every picture reads back and stays on the label
        assert graphic.x + graphic.image.width <= 812 and graphic.y + graphic.image.height <= 1218
