"""The PDF label as each courier profile asks for it: size, symbology, sort code, logo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from devices.barcode_decode import Symbol, decode_image, read_symbols
from devices.pdf.pdf_label import render_label_pdf
from station.labels import Address, LabelContent
from station.ports import PermanentPrintError
from tests.helpers.pdf import page_images, pdf_text, words
from tests.helpers.pdf_inspect import images, page_size, words_with_boxes

SENDER = Address("PackStation Demo Warehouse", "1 Logistics Way", "Springfield", "12345", "US")
SHIP_TO = Address("Jan de Vries", "Keizersgracht 12", "Amsterdam", "1015 CS", "NL", "+31 20 1234")
TRACKING = "1Z999AA10123456784"
SSCC = "340123450000000017"  # extension 3, company prefix 4012345, serial 1, check digit 7
SIZES = {"4x6": (288.0, 432.0), "100x150": (283.465, 425.197), "100x100": (283.465, 283.465)}
SYMBOLOGIES = ("code128", "gs1-128", "qr", "datamatrix")
# What a scanner reads from each symbology's barcode.
EXPECTED = {
    "code128": Symbol(TRACKING, "Code 128", gs1=False),
    "gs1-128": Symbol(f"(00){SSCC}", "Code 128", gs1=True),
    "qr": Symbol(TRACKING, "QR Code", gs1=False),
    "datamatrix": Symbol(TRACKING, "Data Matrix", gs1=False),
}


def make_label(**changes: object) -> LabelContent:
    fields: dict[str, object] = {
        "sender": SENDER,
        "ship_to": SHIP_TO,
        "order_number": "SO-100001",
        "courier": "AeroExpress",
        "service": "Express by 12:00",
        "tracking": TRACKING,
        "weight_g": 1250,
    }
    fields.update(changes)
    return LabelContent(**fields)  # type: ignore[arg-type]


def profile_label(size: str, symbology: str, **changes: object) -> LabelContent:
    """A label as station.couriers.plan makes it for a profile with this size and symbology."""
    if symbology == "gs1-128":
        changes = {"tracking": SSCC, "barcode": f"(00){SSCC}", **changes}
    return make_label(size=size, symbology=symbology, **changes)


def write(label: LabelContent, tmp_path: Path, name: str = "label") -> Path:
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(render_label_pdf(label))
    return pdf


def make_logo(path: Path, size: tuple[int, int] = (300, 100)) -> Path:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, size[0] - 5, size[1] - 5), outline="black", width=6)
    draw.ellipse((20, 20, 80, 80), fill="black")
    image.save(path)
    return path


@pytest.mark.parametrize("symbology", SYMBOLOGIES)
@pytest.mark.parametrize("size", SIZES)
def test_each_size_and_symbology_scans_back_exactly(
    tmp_path: Path, size: str, symbology: str
) -> None:
    pdf = write(profile_label(size, symbology, sort_code="B12"), tmp_path)

    (page,) = page_images(pdf, tmp_path / "pages", dpi=203)

    assert read_symbols(page) == [EXPECTED[symbology]]
    assert page_size(pdf) == pytest.approx(SIZES[size], abs=0.01)


@pytest.mark.parametrize("symbology", ["code128", "qr"])
def test_zbar_reads_the_same_symbols(tmp_path: Path, symbology: str) -> None:
    pdf = write(profile_label("100x100", symbology), tmp_path)

    (page,) = page_images(pdf, tmp_path / "pages", dpi=200)

    assert decode_image(page) == [TRACKING]


def test_gs1_label_shows_the_sscc_grouped_for_people(tmp_path: Path) -> None:
    text = words(pdf_text(write(profile_label("4x6", "gs1-128"), tmp_path)))

    assert "(00) 3 4012345 000000001 7" in text


@pytest.mark.parametrize(
    ("symbology", "barcode", "tracking", "problem"),
    [
        ("gs1-128", "(00)340123450000000018", "340123450000000018", "not an SSCC"),
        ("gs1-128", "340123450000000017", "340123450000000017", "not an SSCC"),
        ("code128", "", "Zoë-123", "cannot carry"),
        ("pdf417", "", TRACKING, "'pdf417'"),
    ],
)
def test_barcode_data_it_cannot_carry_is_refused_with_the_reason(
    symbology: str, barcode: str, tracking: str, problem: str
) -> None:
    label = make_label(symbology=symbology, barcode=barcode, tracking=tracking)

    with pytest.raises(PermanentPrintError, match=problem):
        render_label_pdf(label)


def test_roll_sized_profile_prints_on_the_generic_4x6_label(tmp_path: Path) -> None:
    pdf = write(profile_label("80mm", "qr"), tmp_path)

    assert page_size(pdf) == pytest.approx(SIZES["4x6"], abs=0.01)
    assert read_symbols(page_images(pdf, tmp_path / "pages", dpi=203)[0]) == [EXPECTED["qr"]]


def test_unknown_size_is_refused_naming_it() -> None:
    with pytest.raises(PermanentPrintError, match=r"'A4'.*4x6, 100x150 or 100x100"):
        render_label_pdf(make_label(size="A4"))


@pytest.mark.parametrize("size", SIZES)
def test_sort_code_is_the_biggest_text_on_the_label(tmp_path: Path, size: str) -> None:
    boxes = words_with_boxes(write(profile_label(size, "code128", sort_code="B12"), tmp_path))

    (sort_code,) = [word for word in boxes if word.text == "B12"]
    street = next(word for word in boxes if word.text == "Keizersgracht")
    assert sort_code.height >= 2 * street.height
    assert all(word.height <= sort_code.height for word in boxes)


def test_label_without_sort_code_has_none(tmp_path: Path) -> None:
    with_code = words(pdf_text(write(make_label(sort_code="ZONE7"), tmp_path, "with")))
    without = words(pdf_text(write(make_label(sort_code=None), tmp_path, "without")))

    assert "ZONE7" in with_code
    assert "ZONE7" not in without


@pytest.mark.parametrize("logo_size", [(300, 100), (80, 160)])
def test_logo_is_printed_undistorted(tmp_path: Path, logo_size: tuple[int, int]) -> None:
    logo = make_logo(tmp_path / "logo.png", logo_size)

    pdf = write(make_label(logo=str(logo)), tmp_path)

    (placed,) = images(pdf)
    assert (placed.width_px, placed.height_px) == logo_size
    assert placed.x_ppi == placed.y_ppi


@pytest.mark.parametrize("logo", ["missing.png", "not-an-image.png"])
def test_a_logo_that_cannot_be_read_is_left_off_and_the_label_prints(
    tmp_path: Path, logo: str
) -> None:
    (tmp_path / "not-an-image.png").write_text("this is not a PNG")

    pdf = write(make_label(logo=str(tmp_path / logo)), tmp_path)

    assert images(pdf) == []
    assert "Jan de Vries" in pdf_text(pdf)
    assert read_symbols(page_images(pdf, tmp_path / "pages")[0]) == [EXPECTED["code128"]]


CROWDED_SENDER = Address(
    "PackStation Demo Warehouse Nord GmbH",
    "Unit 4B, Riverside Industrial Estate, 1 Logistics Way",
    "Springfield",
    "12345",
    "US",
)
CROWDED_SHIP_TO = Address(
    "Zoë Müller-Łukasiewicz c/o Frachtzentrum Nord",
    "Rua São João 1234, Apartamento 56, Bloco C, Edifício Jardim das Flores Tropicais",
    "São José dos Campos",
    "12245-000",
    "BR",
    "+55 12 91234-5678",
)


@pytest.mark.parametrize("symbology", SYMBOLOGIES)
@pytest.mark.parametrize("size", SIZES)
def test_a_crowded_label_keeps_every_word_on_the_page_apart_and_legible(
    tmp_path: Path, size: str, symbology: str
) -> None:
    logo = make_logo(tmp_path / "logo.png")
    label = profile_label(
        size,
        symbology,
        sender=CROWDED_SENDER,
        ship_to=CROWDED_SHIP_TO,
        sort_code="SP-12245",
        logo=str(logo),
    )
    pdf = write(label, tmp_path)

    boxes = words_with_boxes(pdf)
    width, height = SIZES[size]

    assert all(w.left >= 0 and w.top >= 0 for w in boxes)
    assert all(w.right <= width and w.bottom <= height for w in boxes)
    clashes = [
        (a.text, b.text)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a.overlaps(b.left, b.top, b.right, b.bottom)
    ]
    assert clashes == []
    assert min(word.height for word in boxes) >= 5.0  # points: about 14 dots at 203 dpi
    assert CROWDED_SHIP_TO.street in words(pdf_text(pdf))
    assert "SP-12245" in [word.text for word in boxes]  # whole: a sort code is never broken
    assert read_symbols(page_images(pdf, tmp_path / "pages", dpi=203)[0]) == [EXPECTED[symbology]]


def test_address_too_long_for_the_compact_label_is_refused_not_cut() -> None:
    street = " ".join(f"Building{i} Wing{i} Corridor{i}" for i in range(60))
    ship_to = Address("A" * 80, street, "Llanfairpwllgwyngyll", "LL61 5UJ", "GB")

    with pytest.raises(PermanentPrintError, match=r"address of order SO-100001.*Shorten it"):
        render_label_pdf(make_label(size="100x100", ship_to=ship_to))


def test_sort_code_too_long_for_its_box_is_refused_not_cut() -> None:
    with pytest.raises(PermanentPrintError, match="sort code 'XXXX"):
        render_label_pdf(make_label(size="100x100", sort_code="X" * 300))
