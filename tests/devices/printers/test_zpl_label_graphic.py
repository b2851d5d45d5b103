"""Images as ZPL ^GFA graphics: read back by Zebra's rules, and printed by a real ZPL engine."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image, ImageDraw

from devices.printers.zpl_graphic import image_to_gfa
from tests.helpers.gfa import decode_gf, graphics
from tests.helpers.zpl_render import render_zpl_png

GFA = re.compile(r"\^GFA,(\d+),(\d+),(\d+),([0-9A-Fa-zG-Y:,]*)")


def ink(image: Image.Image) -> np.ndarray:
    """True where a printer prints a dot."""
    return np.asarray(image.convert("L")) < 128


def noise(width: int, height: int, seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(np.where(rng.random((height, width)) < 0.5, 0, 255).astype(np.uint8))


def drawing(width: int, height: int) -> Image.Image:
    """What labels hold: long white runs, solid black bars, repeated rows, text."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 10, width - 1, 30), fill=0)  # a full-width black rule
    draw.rectangle((width // 3, 40, width - 1, 60), fill=0)  # black to the right edge
    for x in range(5, width - 5, 7):
        draw.line((x, 70, x, height - 20), fill=0, width=3)  # bars, many equal rows
    draw.text((10, height - 15), "Zoë Müller 1015 CS", fill=0)
    return image


def decoded(gfa: str) -> np.ndarray:
    match = GFA.fullmatch(gfa)
    assert match, gfa[:60]
    return ink(decode_gf(gfa[3:]))


@pytest.mark.parametrize(
    "image",
    [
        noise(37, 23, seed=1),  # a width that is not whole bytes
        noise(200, 40, seed=2),
        drawing(812, 120),
        drawing(2000, 90),  # runs longer than one count letter pair says (419)
        Image.new("L", (64, 8), 0),  # all black
        Image.new("L", (64, 8), 255),  # all white
    ],
    ids=["odd-width", "noise", "label-like", "long-runs", "black", "white"],
)
def test_the_graphic_reads_back_dot_for_dot_by_zebras_rules(image: Image.Image) -> None:
    for compress in (True, False):
        got = decoded(image_to_gfa(image, compress=compress))
        assert got.shape == (image.height, (image.width + 7) // 8 * 8)
        assert np.array_equal(got[:, : image.width], ink(image))
        assert not got[:, image.width :].any()  # the byte padding is white


def test_compression_makes_a_mostly_white_label_small() -> None:
    label = drawing(812, 1218)
    plain, packed = image_to_gfa(label, compress=False), image_to_gfa(label)
    assert len(plain) > 2 * 102 * 1218  # every byte as two hex digits
    assert len(packed) < len(plain) / 20
    assert "!" not in packed  # a row ending black is spelled out with counts


def test_the_graphic_can_carry_no_command_prefix() -> None:
    gfa = image_to_gfa(noise(120, 60, seed=3))
    assert GFA.fullmatch(gfa) and "^" not in gfa[1:] and "~" not in gfa


def test_grey_is_thresholded_and_transparency_is_paper() -> None:
    image = Image.new("RGBA", (16, 2), (0, 0, 0, 0))  # transparent black
    image.putpixel((0, 0), (0, 0, 0, 255))
    image.putpixel((1, 0), (100, 100, 100, 255))  # dark grey prints
    image.putpixel((2, 0), (200, 200, 200, 255))  # light grey does not
    got = decoded(image_to_gfa(image))
    assert got[0, :4].tolist() == [True, True, False, False]
    assert got.sum() == 2


@pytest.mark.parametrize("dpi", [203, 300])
def test_a_zpl_engine_prints_the_graphic_where_and_as_it_is(dpi: int) -> None:
    image = drawing(400, 160)
    zpl = f"^XA^PW600^LL300^LH0,0^FO50,70{image_to_gfa(image)}^FS^XZ".encode("ascii")
    [placed] = graphics(zpl)
    assert (placed.x, placed.y) == (50, 70)
    dots_per_mm = round(dpi / 25.4)  # the renderer's resolution: 8 or 12 dots a mm
    png = render_zpl_png(zpl, dpi, 600 / dots_per_mm, 300 / dots_per_mm)
    with Image.open(png) as printed:
        page = ink(printed)
    assert np.array_equal(page[70 : 70 + 160, 50 : 50 + 400], ink(image))
    page[70 : 70 + 160, 50 : 50 + 400] = False
    assert not page.any()  # nothing printed anywhere else
