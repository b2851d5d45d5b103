"""The manifest PDF: every barcode on it scans back to its value; the hash is on every page."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
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
    manifest_csv,
)


def manifest(parcels: int) -> ManifestData:
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
                f"00340123450000{n:04d}" if n % 2 else f"JJD{n:012d}",
                f"SO-{n:06d}",
                "Paket",
                None if n == 3 else 800 + n,
                "2026-12-03T16:00:00+00:00",
            )
            for n in range(1, parcels + 1)
        ),
        left=(LeftParcel("JJD000000000999", "SO-000999", "box crushed"),),
    )


def pages(pdf: bytes, dpi: int = 200) -> list[np.ndarray]:
    document = pypdfium2.PdfDocument(pdf)
    images = []
    for page in document:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        images.append(np.asarray(bitmap.to_pil().convert("L"), dtype=np.uint8))
    return images


@pytest.mark.parametrize("dpi", [150, 200])  # a 150 dpi print or scan reads too
def test_every_barcode_on_a_two_page_manifest_scans_back(dpi: int) -> None:
    data = manifest(20)
    rendered = pages(render_manifest_pdf(data, None, None), dpi)

    assert len(rendered) == 2
    found = [set(decode_image(page)) for page in rendered]
    trackings = {parcel.tracking for parcel in data.parcels}
    # Each page carries the load's barcode, and every parcel's scans back on some page.
    assert all(data.load in page for page in found)
    assert set().union(*found) == trackings | {data.load}


def test_a_long_courier_name_and_services_stay_clear_of_the_loads_barcode() -> None:
    data = replace(
        manifest(1),
        courier="DHL Express International Logistics GmbH",
        services=("Express Worldwide", "Economy Select", "Domestic Express 9:00"),
    )

    page = pypdfium2.PdfDocument(render_manifest_pdf(data, None, None))[0]

    objects = list(page.get_objects())
    bars = [obj.get_bounds() for obj in objects if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_PATH]
    bars = [bar for bar in bars if bar[3] - bar[1] == pytest.approx(40, abs=1)]  # the load's
    left = min(bar[0] for bar in bars)
    module = min(bar[2] - bar[0] for bar in bars)  # the narrowest bar
    bottom = min(bar[1] for bar in bars)
    text = page.get_textpage()
    beside = [
        obj.get_bounds()
        for obj in objects
        if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_TEXT and obj.get_bounds()[3] > bottom
    ]
    # The title and the lines beside the bars end before the quiet zone (10 modules),
    # and the title says it was cut.
    assert beside and all(right < left - 9 * module for _, _, right, _ in beside)
    assert "Manifest — DHL Express International" in text.get_text_range()
    assert "…" in text.get_text_range()


def test_signature_and_photo_are_drawn_and_the_text_says_the_hash(tmp_path: Path) -> None:
    signature = io.BytesIO()
    Image.new("L", (300, 100), 0).save(signature, "PNG")  # all ink: easy to find
    photo = tmp_path / "cage.png"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(photo)
    data = manifest(2)

    pdf = render_manifest_pdf(data, signature.getvalue(), photo)

    document = pypdfium2.PdfDocument(pdf)
    text = document[0].get_textpage().get_text_range()
    assert data.sha256 in text.replace("\r", "").replace("\n", "")
    assert "Parcels: 2" in text and "Łukasz Żółć" in text
    images = [
        obj for obj in document[0].get_objects() if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE
    ]
    assert len(images) == 2


def test_a_driver_named_in_another_script_is_printed_under_the_signature() -> None:
    data = replace(manifest(1), driver="李小龍")

    document = pypdfium2.PdfDocument(render_manifest_pdf(data, None, None))

    assert "Signature of 李小龍" in document[0].get_textpage().get_text_range()


def test_csv_lists_each_parcel_with_an_empty_weight_where_unweighed() -> None:
    rows = manifest_csv(manifest(3)).splitlines()
    assert rows[0] == "load,courier,date,tracking,order,service,weight_g"
    assert rows[3] == "L-0A1B2C3D4E,HansePost,2026-12-03,003401234500000003,SO-000003,Paket,"
