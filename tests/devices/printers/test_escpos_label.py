"""The ESC/POS label, recorded by python-escpos's Dummy printer and read back as bytes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import zxingcpp
from escpos.printer import Dummy
from PIL import Image

from devices.printers.escpos_label import PRINTABLE_DOTS, code128_data, print_escpos_label
from tests.helpers.zpl_sim import SHIP_TO, make_label

GS_K_CODE128 = b"\x1dkI"  # GS k 73: CODE128, function type B
CUT = b"\x1dV\x00"


def printed(paper_mm: int = 80, dots: int | None = None, **changes: object) -> bytes:
    dummy = Dummy(profile="TM-T88V")
    print_escpos_label(dummy, make_label(**changes), paper_mm, dots)  # type: ignore[arg-type]
    return bytes(dummy.output)


def barcode_data(output: bytes) -> bytes:
    start = output.index(GS_K_CODE128) + len(GS_K_CODE128)
    length = output[start]
    return output[start + 1 : start + 1 + length]


def test_label_has_the_text_a_barcode_and_a_cut() -> None:
    output = printed()
    for text in (b"FROM", b"PackStation Demo Warehouse", b"PostNL", b"SHIP TO", b"Jan de Vries"):
        assert text in output
    assert b"Keizersgracht 12" in output and b"1015 CS Amsterdam" in output
    assert b"Order SO-100001" in output and b"Parcel 1/2   1.25 kg" in output
    assert output.startswith(b"\x1b@")  # initialised first
    assert output.endswith(CUT)
    expected, _ = code128_data("1Z999AA10123456784")
    assert barcode_data(output) == expected.encode("ascii")


def test_control_characters_in_data_cannot_become_commands() -> None:
    hostile = "Evil\x1b@\x1dV\x00\x10\x04Name\r\nNext"
    output = printed(ship_to=dataclasses.replace(SHIP_TO, name=hostile))
    # ESC and the NUL/DLE/EOT become "?", GS (a separator) and CR LF spaces.
    assert b"Evil?@ V???Name  Next" in output
    assert output.count(CUT) == 1
    assert output.count(b"\x1b@") == 1  # only the initialise we sent


def test_barcode_packs_digit_runs_into_code_set_c() -> None:
    code, symbols = code128_data("1Z999AA10123456784")
    assert code == "{B1Z999AA1{C" + "".join(chr(n) for n in (1, 23, 45, 67, 84))
    assert symbols == len("1Z999AA1") + 1 + 5  # code set B chars, one switch, five pairs
    assert code128_data("{12") == ("{B{{12", 3)
    assert code128_data("123456") == ("{C" + chr(12) + chr(34) + chr(56), 3)


def test_a_58_mm_roll_gets_the_barcode_where_it_fits() -> None:
    output = printed(paper_mm=58, tracking="JD014600006281230701")
    assert GS_K_CODE128 in output
    assert b"-" * 32 + b"\n" in output and b"-" * 33 not in output
    # 189 modules: two dots each is 378, more than a 360-dot head; a 384-dot one takes it.
    assert GS_K_CODE128 not in printed(paper_mm=58, tracking="1Z999AA10123456784")
    assert GS_K_CODE128 in printed(paper_mm=58, dots=384, tracking="1Z999AA10123456784")


@pytest.mark.parametrize("tracking", ["ÄÖ-123", "X" * 60, ""])
def test_a_tracking_no_barcode_can_carry_is_printed_as_text_with_a_note(tracking: str) -> None:
    output = printed(paper_mm=58, tracking=tracking)
    assert GS_K_CODE128 not in output
    assert b"NO BARCODE" in output
    assert output.endswith(CUT)


def test_unknown_roll_width_is_refused() -> None:
    with pytest.raises(ValueError, match="mm"):
        printed(paper_mm=110)


SSCC = "340123450000000018"
GS_V_0 = b"\x1dv0"  # GS v 0: a raster image
QR_STORE = b"\x1d(k"  # GS ( k: a 2D code function


def raster_images(output: bytes) -> list[Image.Image]:
    """Every GS v 0 raster image in the output, as the printer would print it."""
    images = []
    start = output.find(GS_V_0)
    while start >= 0:
        head = start + len(GS_V_0) + 1  # after the density byte
        row_bytes = output[head] + 256 * output[head + 1]
        rows = output[head + 2] + 256 * output[head + 3]
        data = output[head + 4 : head + 4 + row_bytes * rows]
        # ESC/POS: a 1 bit is a printed dot. Pillow's "1" raw data: a 1 bit is white.
        inverted = bytes(b ^ 0xFF for b in data)
        images.append(Image.frombytes("1", (row_bytes * 8, rows), inverted))
        start = output.find(GS_V_0, head + 4 + len(data))
    return images


def read(image: Image.Image) -> list[zxingcpp.Barcode]:
    # A printed image sits on paper: give it a white margin as a scanner sees it.
    paper = Image.new("L", (image.width + 40, image.height + 40), 255)
    paper.paste(image.convert("L"), (20, 20))
    return list(zxingcpp.read_barcodes(np.asarray(paper)))


def qr_data(output: bytes) -> bytes:
    """The data of the QR code the printer is told to store (GS ( k, cn 49, fn 80)."""
    start = output.index(QR_STORE)
    while output[start + 5 : start + 8] != b"1P0":
        start = output.index(QR_STORE, start + 1)
    length = output[start + 3] + 256 * output[start + 4] - 3
    return output[start + 8 : start + 8 + length]


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_a_gs1_128_label_prints_an_image_a_scanner_reads_as_the_sscc(paper_mm: int) -> None:
    output = printed(paper_mm, symbology="gs1-128", tracking=SSCC, barcode=f"(00){SSCC}")
    assert GS_K_CODE128 not in output
    [image] = raster_images(output)
    assert image.width <= PRINTABLE_DOTS[paper_mm]
    [barcode] = read(image)
    assert barcode.text == f"(00){SSCC}"
    assert barcode.content_type == zxingcpp.ContentType.GS1  # FNC1 first: AI 00
    assert f"(00) {SSCC}".encode() in output


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_a_datamatrix_label_prints_an_image_a_scanner_reads(paper_mm: int) -> None:
    output = printed(paper_mm, symbology="datamatrix", tracking="JD014600006281230701")
    [image] = raster_images(output)
    assert image.width <= PRINTABLE_DOTS[paper_mm]
    [barcode] = read(image)
    assert (barcode.format, barcode.text) == (
        zxingcpp.BarcodeFormat.DataMatrix,
        "JD014600006281230701",
    )
    assert b"JD014600006281230701\n" in output  # and the number to type in


def test_a_qr_label_has_the_printer_draw_the_code() -> None:
    output = printed(58, symbology="qr", tracking="1Z999AA10123456784")
    assert qr_data(output) == b"1Z999AA10123456784"
    assert raster_images(output) == [] and GS_K_CODE128 not in output
    assert output.endswith(CUT)


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"symbology": "gs1-128", "tracking": "1Z999AA10123456784"}, b"is not an SSCC"),
        ({"symbology": "qr", "tracking": "Q" * 300}, b"too long for a QR code"),
        ({"symbology": "datamatrix", "tracking": "Zo\u00eb"}, b"DataMatrix cannot carry"),
    ],
)
def test_a_barcode_the_symbology_cannot_hold_is_a_note_and_the_number(
    changes: dict[str, object], why: bytes
) -> None:
    output = printed(80, **changes)
    assert b"NO BARCODE" in output and why in output.replace(b"\n", b" ")  # wrapped lines
    assert raster_images(output) == [] and QR_STORE not in output
    assert output.endswith(CUT)
