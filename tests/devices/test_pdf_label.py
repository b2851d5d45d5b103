"""The PDF label: what a courier's scanner and a person read from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from reportlab.pdfbase.pdfmetrics import stringWidth

from devices.barcode_decode import decode_image
from devices.pdf import pdf_label
from devices.pdf.fonts import label_fonts
from devices.pdf.pdf_label import render_label_pdf
from devices.pdf.text_fit import wrap
from station.labels import Address, LabelContent
from tests.helpers.pdf import page_images, pdf_text, words

SENDER = Address("PackStation Demo Warehouse", "1 Logistics Way", "Springfield", "12345", "US")
LONG_ADDRESS = Address(
    name="Zoë Müller-Łukasiewicz",
    street="Rua São João 1234, Apartamento 56, Bloco C, Edifício Jardim das Flores Tropicais",
    city="São José dos Campos",
    postcode="12245-000",
    country="BR",
    phone="+55 12 91234-5678",
)


def make_label(tracking: str = "1Z999AA10123456784", **changes: object) -> LabelContent:
    fields: dict[str, object] = {
        "sender": SENDER,
        "ship_to": LONG_ADDRESS,
        "order_number": "SO-100001",
        "courier": "DHL Express",
        "service": "Express Worldwide",
        "tracking": tracking,
        "weight_g": 1250,
    }
    fields.update(changes)
    return LabelContent(**fields)  # type: ignore[arg-type]


def write(label: LabelContent, tmp_path: Path) -> Path:
    pdf = tmp_path / "label.pdf"
    pdf.write_bytes(render_label_pdf(label))
    return pdf


@pytest.mark.parametrize(
    "tracking",
    [
        "1Z999AA10123456784",  # UPS
        "JJD000390007880676",  # DHL piece id
        "01234567890123",  # DPD, all digits
        "3SABCD1234567",  # PostNL
        "00340434161234567890",  # SSCC
    ],
)
@pytest.mark.parametrize("dpi", [200, 203])
def test_tracking_barcode_scans_back(tmp_path: Path, tracking: str, dpi: int) -> None:
    pdf = write(make_label(tracking), tmp_path)

    (page,) = page_images(pdf, tmp_path / "pages", dpi=dpi)

    assert decode_image(page) == [tracking]


def test_label_is_one_4x6_inch_page(tmp_path: Path) -> None:
    pdf = write(make_label(), tmp_path)

    pages = page_images(pdf, tmp_path / "pages", dpi=100)

    assert len(pages) == 1
    with Image.open(pages[0]) as image:
        assert image.size == (400, 600)


def test_long_accented_address_appears_in_full(tmp_path: Path) -> None:
    text = words(pdf_text(write(make_label(), tmp_path)))

    for part in (
        LONG_ADDRESS.name,
        LONG_ADDRESS.street,
        f"{LONG_ADDRESS.postcode} {LONG_ADDRESS.city}",
        LONG_ADDRESS.phone,
    ):
        assert part is not None
        assert part in text


def test_label_shows_courier_service_order_parcel_and_weight(tmp_path: Path) -> None:
    label = make_label(parcel_no=2, parcel_count=3, weight_g=1250)

    text = words(pdf_text(write(label, tmp_path)))

    for expected in ("DHL Express", "Express Worldwide", "SO-100001", "2/3", "1.25 kg"):
        assert expected in text
    assert "1Z999AA10123456784" in text  # human-readable line under the barcode


def test_unknown_weight_is_left_out(tmp_path: Path) -> None:
    text = pdf_text(write(make_label(weight_g=None), tmp_path))

    assert "kg" not in text


def test_absurdly_long_address_still_complete_and_barcode_still_scans(tmp_path: Path) -> None:
    street = " ".join(f"Building{i} Wing{i} Corridor{i}" for i in range(25))
    city = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"
    ship_to = Address("A" * 80, street, city, "LL61 5UJ", "GB")
    pdf = write(make_label(ship_to=ship_to), tmp_path)

    text = "".join(pdf_text(pdf).split())
    (page,) = page_images(pdf, tmp_path / "pages")

    assert "".join(street.split()) in text
    assert "A" * 80 in text
    assert decode_image(page) == ["1Z999AA10123456784"]


def test_label_prints_without_dejavu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_label, "label_fonts", lambda: label_fonts(tmp_path))
    ship_to = Address("Jan de Vries", "Keizersgracht 12", "Amsterdam", "1015 CS", "NL")

    pdf = write(make_label(ship_to=ship_to), tmp_path)

    assert "Jan de Vries" in pdf_text(pdf)
    assert decode_image(page_images(pdf, tmp_path / "pages")[0]) == ["1Z999AA10123456784"]


@given(st.text(alphabet=st.characters(codec="latin-1"), max_size=300))
def test_wrapping_loses_no_characters_and_stays_in_width(text: str) -> None:
    regular, _ = label_fonts()

    lines = wrap(text, regular, 14, 120)

    assert "".join("".join(lines).split()) == "".join(text.split())
    # A single character wider than the box cannot be split further.
    assert all(stringWidth(line, regular, 14) <= 120 or len(line) == 1 for line in lines)
