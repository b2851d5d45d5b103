"""ZPL labels as a printer prints them: rendered offline by a ZPL engine, barcodes read back.

Every label size, tracking symbology and resolution is rendered to pixels by zebrash
(tests/helpers/zpl_render.py) and its tracking barcode decoded by zxing-cpp and by
the station's own decoder (devices/barcode_decode.py), which must give the exact data.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from devices.barcode_decode import decode_image
from devices.printers.zpl import render_zpl
from devices.printers.zpl_layout import LabelSizeNotSupported
from station.couriers.profiles import LabelSize, Symbology
from station.labels import LabelContent
from station.ports import PermanentPrintError
from tests.helpers.zpl_render import render_zpl_png
from tests.helpers.zpl_sim import SHIP_TO, fields, make_label

SSCC = "340123450000000018"  # GS1's example SSCC, check digit included
FORMATS = {
    Symbology.CODE128: zxingcpp.BarcodeFormat.Code128,
    Symbology.GS1_128: zxingcpp.BarcodeFormat.Code128,
    Symbology.QR: zxingcpp.BarcodeFormat.QRCode,
    Symbology.DATAMATRIX: zxingcpp.BarcodeFormat.DataMatrix,
}
ZPL_SIZES = [LabelSize.IN_4X6, LabelSize.MM_100X150, LabelSize.MM_100X100]


def courier_label(size: LabelSize, symbology: Symbology, **changes: object) -> LabelContent:
    """A label as a courier profile of that size and symbology makes it."""
    values: dict[str, object] = {"size": size.value, "symbology": symbology.value}
    if symbology is Symbology.GS1_128:
        values.update(tracking=SSCC, barcode=f"(00){SSCC}")
    values.update(changes)
    return make_label(**values)


def printed(label: LabelContent, dpi: int) -> Path:
    size = LabelSize(label.size)
    assert size.height_mm is not None
    return render_zpl_png(render_zpl(label, dpi), dpi, size.width_mm, size.height_mm)


def zxing_reads(png: Path) -> list[zxingcpp.Barcode]:
    with Image.open(png) as image:
        return list(zxingcpp.read_barcodes(np.asarray(image.convert("L"))))


def text_of(zpl: bytes) -> list[str]:
    return [f.text for f in fields(zpl) if "FD" in f.commands]


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("symbology", list(Symbology))
@pytest.mark.parametrize("size", ZPL_SIZES)
def test_the_tracking_barcode_reads_back_exactly(
    size: LabelSize, symbology: Symbology, dpi: int
) -> None:
    label = courier_label(size, symbology)
    png = printed(label, dpi)
    [read] = zxing_reads(png)
    assert (read.format, read.text) == (FORMATS[symbology], label.barcode_data)
    if symbology is Symbology.GS1_128:
        # FNC1 first: a GS1 scanner reads AI 00, not 20 plain digits.
        assert (read.content_type, read.symbology_identifier) == (zxingcpp.ContentType.GS1, "]C1")
    if symbology is not Symbology.DATAMATRIX:  # zbar, the station's first choice, has none
        assert decode_image(png) in ([label.barcode_data], [f"00{SSCC}"])


@pytest.mark.parametrize("symbology", [Symbology.GS1_128, Symbology.QR, Symbology.DATAMATRIX])
def test_the_number_is_printed_as_text_next_to_a_barcode_without_its_own(
    symbology: Symbology,
) -> None:
    zpl = render_zpl(courier_label(LabelSize.IN_4X6, symbology))
    expected = f"(00) {SSCC}" if symbology is Symbology.GS1_128 else "1Z999AA10123456784"
    assert expected in text_of(zpl)


@pytest.mark.parametrize("symbology", [Symbology.CODE128, Symbology.QR])
def test_command_characters_in_the_tracking_reach_the_barcode_as_data(
    symbology: Symbology,
) -> None:
    label = courier_label(LabelSize.MM_100X150, symbology, tracking="AB^XZ~JR_1")
    zpl = render_zpl(label)
    assert zpl.count(b"^XZ") == 1 and b"~" not in zpl
    [read] = zxing_reads(printed(label, 203))
    assert read.text == "AB^XZ~JR_1"


@pytest.mark.parametrize(
    ("symbology", "tracking", "barcode", "why"),
    [
        (Symbology.GS1_128, "1Z999AA10123456784", "", "is not an SSCC"),
        (Symbology.GS1_128, SSCC, "(01)12345678901231", "is not an SSCC"),
        (Symbology.DATAMATRIX, "AB~1", "", "~ or _"),
        (Symbology.QR, "Zoë-1", "", "QR code cannot carry"),
        (Symbology.QR, "Q" * 300, "", "too long for a QR code"),
    ],
)
def test_data_a_symbology_cannot_carry_prints_the_number_and_says_why(
    symbology: Symbology, tracking: str, barcode: str, why: str
) -> None:
    label = courier_label(LabelSize.IN_4X6, symbology, tracking=tracking, barcode=barcode)
    zpl = render_zpl(label)
    notes = [t for t in text_of(zpl) if t.startswith("NO BARCODE")]
    assert len(notes) == 1 and why in notes[0]
    assert zxing_reads(printed(label, 203)) == []


def test_a_symbology_this_station_does_not_know_is_said_on_the_label() -> None:
    label = make_label(symbology="pdf417")
    assert any("'pdf417'" in t for t in text_of(render_zpl(label)))


@pytest.mark.parametrize("size", ZPL_SIZES)
def test_a_sort_code_prints_big_in_its_frame(size: LabelSize) -> None:
    zpl = render_zpl(courier_label(size, Symbology.CODE128, sort_code="AMS-12"))
    [sort] = [f for f in fields(zpl) if f.text == "AMS-12"]
    courier = next(f for f in fields(zpl) if f.text == "PostNL")
    assert sort.font_size > courier.font_size  # the biggest text on the label
    frames = [f for f in fields(zpl) if "GB" in f.commands and f.x <= sort.x and f.y <= sort.y]
    assert frames, "the sort code stands in a frame"
    [read] = zxing_reads(printed(courier_label(size, Symbology.CODE128, sort_code="AMS-12"), 203))
    assert read.text == "1Z999AA10123456784"


def test_without_a_sort_code_the_courier_takes_the_whole_row() -> None:
    name = "Deutsche Post DHL Paket International Premium"
    with_code = render_zpl(make_label(courier=name, sort_code="7"))
    without = render_zpl(make_label(courier=name))
    [narrow] = [f for f in fields(with_code) if f.text.startswith("Deutsche")]
    [wide] = [f for f in fields(without) if f.text.startswith("Deutsche")]
    assert narrow.block is not None and wide.block is not None
    assert narrow.block[0] < wide.block[0]


@pytest.mark.parametrize(
    ("size", "dpi", "width", "length"),
    [
        (LabelSize.IN_4X6, 203, 812, 1218),
        (LabelSize.MM_100X150, 203, 799, 1199),
        (LabelSize.MM_100X100, 203, 799, 799),
        (LabelSize.MM_100X100, 300, 1181, 1181),
        (LabelSize.MM_100X150, 300, 1181, 1772),
    ],
)
def test_the_label_is_sized_for_the_profile(
    size: LabelSize, dpi: int, width: int, length: int
) -> None:
    zpl = render_zpl(make_label(size=size.value), dpi)
    assert f"^PW{width}\n^LL{length}\n".encode() in zpl


@pytest.mark.parametrize("size", ["58mm", "80mm", "A4"])
def test_a_roll_or_unknown_size_is_refused_with_what_to_do(size: str) -> None:
    with pytest.raises(LabelSizeNotSupported, match=r"label_size in the courier's") as raised:
        render_zpl(make_label(size=size))
    assert isinstance(raised.value, PermanentPrintError)
    assert repr(size) in str(raised.value)


def test_a_long_address_fits_the_compact_label_without_overlap() -> None:
    ship_to = dataclasses.replace(
        SHIP_TO,
        name="Maximiliane Mustermann-Oberhuber",
        street="Kurfürstendamm 195, Hinterhaus, 3. Obergeschoss links",
    )
    label = courier_label(LabelSize.MM_100X100, Symbology.QR, ship_to=ship_to, sort_code="B-4")
    zpl = render_zpl(label, 300)
    blocks = sorted((f for f in fields(zpl) if f.block is not None), key=lambda f: (f.x, f.y))
    for above, below in itertools.pairwise(blocks):
        if above.x == below.x and above.block is not None:
            _, lines, gap = above.block
            assert above.y + lines * above.font_size + (lines - 1) * gap <= below.y
    [read] = zxing_reads(printed(label, 300))
    assert read.text == "1Z999AA10123456784"
