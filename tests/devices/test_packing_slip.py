"""The packing slip PDF: what the customer reads and what a scanner reads from it."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from devices.barcode_decode import decode_image
from devices.pdf.packing_slip import NO_BARCODE, render_slip_pdf
from devices.pdf.paper import Paper
from station.labels import Address
from station.slips import SlipContent, SlipLine
from tests.helpers.pdf import page_images, pdf_text, words

SENDER = Address("PackStation Demo Warehouse", "1 Logistics Way", "Springfield", "12345", "US")
SHIP_TO = Address("Zoë Müller", "Hauptstraße 5", "Berlin", "10115", "DE", "+49 30 1234567")
LINES = (
    SlipLine("MUG-350", "Ceramic Mug 350 ml", 2, 2),
    SlipLine("CABLE-USBC", "USB-C Cable 1 m", 3, 1),
    SlipLine("TAPE-48", "Packing Tape 48 mm", 1, 1),
)


def make_slip(
    order_number: str = "SO-100001",
    lines: tuple[SlipLine, ...] = LINES,
    short: bool = True,
    packer: str | None = "Anna Schmidt",
) -> SlipContent:
    return SlipContent(
        order_number=order_number,
        sender=SENDER,
        ship_to=SHIP_TO,
        lines=lines,
        packed_at="2024-05-01T14:03:22+00:00",
        station="bench-01",
        packer=packer,
        parcel_count=2,
        short=short,
    )


def many_lines(count: int) -> tuple[SlipLine, ...]:
    return tuple(SlipLine(f"SKU-{n:04d}", f"Product {n}", 2, 2) for n in range(count))


def write(slip: SlipContent, tmp_path: Path, paper: Paper = Paper.A4) -> Path:
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(render_slip_pdf(slip, paper))
    return pdf


@pytest.mark.parametrize("order_number", ["SO-100001", "100023456789", "ORD/2024/000123-B"])
@pytest.mark.parametrize("dpi", [200, 300])
def test_order_number_barcode_scans_back(tmp_path: Path, order_number: str, dpi: int) -> None:
    pdf = write(make_slip(order_number), tmp_path)

    (page,) = page_images(pdf, tmp_path / "pages", dpi=dpi)

    assert decode_image(page) == [order_number]


@pytest.mark.parametrize(("paper", "size_mm"), [(Paper.A4, (210, 297)), (Paper.LETTER, (216, 279))])
def test_slip_is_laid_out_for_the_chosen_paper(
    tmp_path: Path, paper: Paper, size_mm: tuple[int, int]
) -> None:
    pdf = write(make_slip(), tmp_path, paper)

    (page,) = page_images(pdf, tmp_path / "pages", dpi=254)  # 10 pixels a millimetre

    with Image.open(page) as image:
        assert (round(image.width / 10), round(image.height / 10)) == size_mm
    (hi_res,) = page_images(pdf, tmp_path / "hi-res", dpi=200)
    assert decode_image(hi_res) == ["SO-100001"]


def test_slip_shows_addresses_and_how_it_was_packed(tmp_path: Path) -> None:
    text = words(pdf_text(write(make_slip(), tmp_path)))

    assert "PACKING SLIP" in text
    assert "Order SO-100001" in text
    assert "PackStation Demo Warehouse 1 Logistics Way 12345 Springfield US" in text
    assert "Zoë Müller Hauptstraße 5 10115 Berlin DE Tel. +49 30 1234567" in text
    # Header titles first, then the values in the same order.
    assert "PARCEL COUNT PACKED AT PACKED BY STATION" in text
    assert "2 2024-05-01 14:03 UTC Anna Schmidt bench-01" in text


def test_every_line_reads_with_its_counts_and_short_lines_are_marked(tmp_path: Path) -> None:
    rows = table_rows(write(make_slip(), tmp_path))

    assert rows == [
        "SKU Item Ordered Packed",
        "MUG-350 Ceramic Mug 350 ml 2 2",
        "CABLE-USBC USB-C Cable 1 m 3 1 SHORT: 2 missing",
        "TAPE-48 Packing Tape 48 mm 1 1",
        "Total units 6 4",
    ]
    assert "SHIPPED SHORT" in words(pdf_text(tmp_path / "slip.pdf"))


def test_a_complete_slip_has_no_short_marks(tmp_path: Path) -> None:
    complete = tuple(SlipLine(line.sku, line.name, line.ordered, line.ordered) for line in LINES)
    pdf = write(make_slip(lines=complete, short=False), tmp_path)

    assert "SHORT" not in pdf_text(pdf)
    assert table_rows(pdf)[-1] == "Total units 6 6"


def test_long_names_wrap_without_losing_words(tmp_path: Path) -> None:
    name = (
        "Stainless Steel Vacuum Insulated Travel Mug with Leak-Proof Lid, Bamboo Handle "
        "and Replaceable Silicone Seal, 450 ml, Forest Green"
    )
    slip = make_slip(lines=(SlipLine("MUG-450-GRN-BAMBOO-LID", name, 1, 1),), short=False)

    text = words(pdf_text(write(slip, tmp_path)))

    assert name in text
    assert "MUG-450-GRN-BAMBOO-LID" in text.replace(" ", "")


def test_no_packer_is_shown_as_a_dash(tmp_path: Path) -> None:
    text = words(pdf_text(write(make_slip(packer=None), tmp_path)))

    assert "2 2024-05-01 14:03 UTC - bench-01" in text


def test_many_lines_flow_onto_numbered_pages_each_with_the_header(tmp_path: Path) -> None:
    lines = many_lines(120)
    pdf = write(make_slip(lines=lines, short=False), tmp_path)

    pages = page_images(pdf, tmp_path / "pages", dpi=200)
    texts = [words(_page_text(pdf, number)) for number in range(1, len(pages) + 1)]

    assert len(pages) > 2
    for number, (page, text) in enumerate(zip(pages, texts, strict=True), start=1):
        assert decode_image(page) == ["SO-100001"], f"page {number}"
        assert "PACKING SLIP" in text
        assert "Zoë Müller" in text
        assert f"Page {number} of {len(pages)}" in text
    skus = re.findall(r"SKU-\d{4}", " ".join(texts))
    assert skus == [line.sku for line in lines]  # each once, in order
    assert [("Total units" in text) for text in texts] == [False] * (len(pages) - 1) + [True]


def test_order_number_a_barcode_cannot_hold_is_printed_and_says_so(tmp_path: Path) -> None:
    pdf = write(make_slip("SO-Ü-7"), tmp_path)

    (page,) = page_images(pdf, tmp_path / "pages", dpi=200)

    # Code 128 holds ASCII only: a barcode of part of the number would name another order.
    assert decode_image(page) == []
    text = words(pdf_text(pdf))
    assert "Order SO-Ü-7" in text
    assert NO_BARCODE in text


def test_a_resend_renders_the_same_bytes() -> None:
    assert render_slip_pdf(make_slip()) == render_slip_pdf(make_slip())


def test_empty_slip_still_renders_its_header_and_totals(tmp_path: Path) -> None:
    pdf = write(make_slip(lines=(), short=False), tmp_path)

    text = words(pdf_text(pdf))

    assert "Order SO-100001" in text
    assert "Total units" in text
    assert "Page 1 of 1" in text


def _page_text(pdf: Path, number: int) -> str:
    """The text of one page (the shared helper reads the whole file)."""
    return _pdftotext(pdf, "-f", str(number), "-l", str(number))


def table_rows(pdf: Path) -> list[str]:
    """The table as a person reads it: one string per printed line, heading to total."""
    lines = [words(line) for line in _pdftotext(pdf, "-layout").splitlines()]
    start = lines.index("SKU Item Ordered Packed")
    end = next(i for i, line in enumerate(lines) if line.startswith("Total units"))
    return [line for line in lines[start : end + 1] if line]


def _pdftotext(pdf: Path, *options: str) -> str:
    # The shared helper has no options; -layout keeps each table row on one line.
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *options, str(pdf), "-"], check=True, capture_output=True
    )
    return result.stdout.decode("utf-8")


def test_non_latin_addresses_and_names_print_as_written(tmp_path: Path) -> None:
    thai = Address("สมชาย ใจดี", "99 ถนนสุขุมวิท", "กรุงเทพฯ", "10110", "TH")
    lines = (SlipLine("TEA-1", "绿茶 Green tea", 1, 1),)
    slip = replace(make_slip(lines=lines, short=False), ship_to=thai)
    text = pdf_text(write(slip, tmp_path))
    assert "สมชาย ใจดี" in text and "กรุงเทพฯ" in text
    assert "绿茶" in text
