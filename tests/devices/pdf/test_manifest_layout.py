"""The manifest PDF with long values: every text stays in its place and every row reads.

Pages are looked at the way poppler sees them (pdftotext -bbox for text, pdftoppm for
the pixels a scanner reads) and, for the bars and pictures, through pypdfium2's objects.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image

from devices.barcode_decode import decode_image
from devices.pdf.manifest import render_manifest_pdf
from station.handoff.manifest_data import (
    NO_DRAWN_SIGNATURE,
    LeftParcel,
    ManifestData,
    ManifestParcel,
)
from tests.helpers.pdf import page_images
from tests.helpers.pdf_inspect import Word, page_size

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)
MARGIN = 42.0  # the page's margin, as the manifest is designed
Box = tuple[float, float, float, float]  # left, top, right, bottom; points from the top left

# Long tracking numbers as couriers print them, each short enough for a 13 mil barcode
# across the row: an SSCC with its AI, a UPS number with references, a DHL piece id,
# a GS1-128 text with AIs, 60 digits of a combined barcode, 43 letters (the most).
SCANNABLE = (
    "00340123450000000017",
    "1Z999AA10123456784-REF-PO-4711-ORDER-00012",
    "JJD0146000062812307040000000000001",
    "(00)340123450000000017(401)DE1234567890ABC",
    "923469036125300000000000000000000000000000000000000000000001",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQ",
)
# No barcode can carry these: too long for the row at 13 mil, or not ASCII.
NOT_SCANNABLE = (
    "DHLCOMBINEDPIECEID-JJD0146000062812307040000000000001-REF-4711-ORDER-12",
    "JJD-ÄÖÜ-0001",
)


def manifest(trackings: tuple[str, ...]) -> ManifestData:
    return ManifestData(
        load="L-0A1B2C3D4E",
        load_uuid="0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        station="dock-1",
        courier="HansePost",
        services=("Paket",),
        date="2026-12-03",
        opened_at="2026-12-03T15:00:00+00:00",
        closed_at="2026-12-03T17:30:00+00:00",
        driver="Łukasz Żółć",
        vehicle="HH-PS 42",
        signature=NO_DRAWN_SIGNATURE,
        signature_sha256=None,
        photo=None,
        photo_sha256=None,
        parcels=tuple(
            ManifestParcel(
                tracking,
                f"AMAZON-302-1234567-{n:07d}-MARKETPLACE-DE" if n % 2 else f"SO-{n:06d}",
                "Paket International Premium Zustellung" if n % 3 == 0 else "Paket",
                None if n == 2 else 800 + 1000 * n,
                "2026-12-03T16:00:00+00:00",
            )
            for n, tracking in enumerate(trackings, start=1)
        ),
        left=(LeftParcel("JJD000000000999", "SO-000999", "box crushed"),),
    )


def write(data: ManifestData, folder: Path, photo: Path | None = None) -> Path:
    pdf = folder / "manifest.pdf"
    pdf.write_bytes(render_manifest_pdf(data, None, photo))
    return pdf


def page_words(pdf: Path) -> list[list[Word]]:
    """The words of each page, in pdftotext's reading order, without the footer."""
    height = page_size(pdf)[1]
    found = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [
        [
            Word(html.unescape(text), float(x0), float(y0), float(x1), float(y1))
            for x0, y0, x1, y1, text in _WORD.findall(page)
            if float(y1) < height - MARGIN - 8  # the footer: the hash and the page number
        ]
        for page in found.split("<page ")[1:]
    ]


def has_table(words: list[Word]) -> bool:
    """The page lists parcels (the handover may have a page of its own)."""
    return any(word.text == "Tracking" for word in words)


def column_edges(words: list[Word]) -> dict[str, tuple[float, float]]:
    """Each table column's left and right edge, from the titles of the table's head."""
    titles = {word.text: word for word in words if word.text in {"Order", "Service", "Weight"}}
    tracking = next(word for word in words if word.text == "Tracking")
    return {
        "tracking": (tracking.left, titles["Order"].left),
        "order": (titles["Order"].left, titles["Service"].left),
        "service": (titles["Service"].left, titles["Weight"].left),
    }


def drawn_boxes(pdf: Path, kind: int) -> list[list[Box]]:
    """Boxes of the path (bars, lines) or image objects of each page, top-left based."""
    document = pypdfium2.PdfDocument(pdf)
    found = []
    for page in document:
        height = page.get_height()
        boxes = []
        for obj in page.get_objects():
            if obj.type == kind:
                left, bottom, right, top = obj.get_bounds()
                boxes.append((left, height - top, right, height - bottom))
        found.append(boxes)
    return found


def overlaps(word: Word, box: Box) -> bool:
    return word.overlaps(*box)


def test_long_tracking_numbers_stay_in_their_column_and_read_whole(tmp_path: Path) -> None:
    trackings = SCANNABLE + NOT_SCANNABLE
    pdf = write(manifest(trackings), tmp_path)
    width, _ = page_size(pdf)

    tracking_text = ""
    for words in filter(has_table, page_words(pdf)):
        columns = column_edges(words)
        head = next(word for word in words if word.text == "Tracking")
        body = [word for word in words if word.top > head.bottom]
        for word in body:
            assert word.left >= MARGIN - 0.5 and word.right <= width - MARGIN + 0.5, word
            for name, (left, right) in columns.items():
                # A word that starts in a column ends before the next one begins.
                if left - 0.5 <= word.left < right:
                    assert word.right <= right - 2, (name, word)
        in_tracking = [word for word in body if columns["tracking"][0] - 0.5 <= word.left]
        in_tracking = [word for word in in_tracking if word.left < columns["tracking"][1]]
        tracking_text += "".join(word.text for word in in_tracking)

    # A number too long for one line is wrapped, never cut: each one reads whole.
    assert all(tracking in tracking_text for tracking in trackings)


@pytest.mark.parametrize("dpi", [150, 300])
def test_every_long_tracking_number_that_fits_scans_and_the_others_say_so(
    tmp_path: Path, dpi: int
) -> None:
    data = manifest(SCANNABLE + NOT_SCANNABLE)
    pdf = write(data, tmp_path)

    decoded = set()
    for image in page_images(pdf, tmp_path / "pages", dpi):
        decoded.update(decode_image(image))

    assert decoded == {*SCANNABLE, data.load}
    text = " ".join(word.text for words in page_words(pdf) for word in words)
    # The rows without a barcode say why, in words (the number above them stays).
    assert text.count("No barcode") == len(NOT_SCANNABLE)


def test_no_text_runs_into_a_rows_barcode(tmp_path: Path) -> None:
    pdf = write(manifest(SCANNABLE + NOT_SCANNABLE), tmp_path)
    width, _ = page_size(pdf)

    bars = drawn_boxes(pdf, pypdfium2.raw.FPDF_PAGEOBJ_PATH)
    for words, page_bars in zip(page_words(pdf), bars, strict=True):
        if not has_table(words):
            continue
        row_bars = [bar for bar in page_bars if 25 <= bar[3] - bar[1] <= 27]  # 26 pt tall
        assert row_bars
        assert all(bar[0] >= MARGIN and bar[2] <= width - MARGIN for bar in row_bars)
        for word in words:
            assert not any(overlaps(word, bar) for bar in row_bars), word


LONG_DRIVER = "Maximiliane Alexandra Wolkenstein-Trostburg von Hohenberg-Ost"  # 60 characters
LONG_VEHICLE = "HH-PS 4242 Mercedes Sprinter 3"  # 30


@pytest.mark.parametrize(
    ("driver", "vehicle"),
    [
        (LONG_DRIVER, LONG_VEHICLE),
        ("W" * 80, "M" * 80),  # the longest the close dialog takes, in the widest letters
    ],
)
def test_long_names_in_the_header_summary_and_handover_stay_on_the_page_and_read_whole(
    tmp_path: Path, driver: str, vehicle: str
) -> None:
    photo = tmp_path / "cage.png"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(photo)
    data = replace(
        manifest(tuple(f"JJD{n:015d}" for n in range(1, 4))),
        courier="DHL Paket International Express Logistics GmbH",
        services=("DHL Paket International Premium Zustellung mit Nachnahme",),
        station="dock-7-north-hall-receiving-and-dispatch",
        driver=driver,
        vehicle=vehicle,
        parcels=tuple(
            replace(parcel, weight_g=None if n == 0 else 12_345_670)
            for n, parcel in enumerate(manifest(tuple(f"JJD{n:015d}" for n in range(3))).parcels)
        ),
    )
    pdf = write(data, tmp_path, photo)
    width, _ = page_size(pdf)

    words = [word for page in page_words(pdf) for word in page]
    pictures = [box for page in drawn_boxes(pdf, pypdfium2.raw.FPDF_PAGEOBJ_IMAGE) for box in page]
    for word in words:
        assert word.left >= MARGIN - 0.5 and word.right <= width - MARGIN + 0.5, word
        assert not any(overlaps(word, picture) for picture in pictures), word
    for page in page_words(pdf):
        for number, first in enumerate(page):
            for second in page[number + 1 :]:
                inner = (
                    second.left + 0.5,
                    second.top + 0.5,
                    second.right - 0.5,
                    second.bottom - 0.5,
                )
                assert not first.overlaps(*inner), (first, second)
    joined = "".join(word.text for word in words)
    # The driver and the vehicle read whole wherever they are printed (summary, handover,
    # under the signature), wrapped if they must be, never cut.
    assert joined.count(driver.replace(" ", "")) >= 3
    assert joined.count(vehicle.replace(" ", "")) >= 2
    assert "Totalweight:" in joined and "Parcels:3" in joined
