"""Reading barcodes back from images, with either decoding library."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from devices import barcode_decode
from devices.barcode_decode import DecoderUnavailableError, decode_image
from devices.pdf.pdf_label import render_label_pdf
from station.labels import Address, LabelContent
from tests.helpers.pdf import page_images

TRACKING = "JJD000390007880676"


@pytest.fixture
def label_page(tmp_path: Path) -> Path:
    address = Address("Jan de Vries", "Keizersgracht 12", "Amsterdam", "1015 CS", "NL")
    label = LabelContent(address, address, "SO-100001", "DHL Express", "Express", TRACKING)
    pdf = tmp_path / "label.pdf"
    pdf.write_bytes(render_label_pdf(label))
    return page_images(pdf, tmp_path / "pages")[0]


@pytest.fixture
def fresh_backend() -> Iterator[None]:
    """Let a test choose the backend again, and forget its choice afterwards."""
    barcode_decode._decoder.cache_clear()
    yield
    barcode_decode._decoder.cache_clear()


def test_reads_a_bgr_camera_frame(label_page: Path) -> None:
    with Image.open(label_page) as image:
        rgb = np.asarray(image.convert("RGB"))

    assert decode_image(rgb[:, :, ::-1].copy()) == [TRACKING]


def test_blank_image_reads_nothing() -> None:
    assert decode_image(np.full((200, 300), 255, dtype=np.uint8)) == []


def test_falls_back_to_zxing_without_libzbar(
    label_page: Path, monkeypatch: pytest.MonkeyPatch, fresh_backend: None
) -> None:
    # A None entry in sys.modules makes the import raise ImportError, as
    # pyzbar does when libzbar is missing.
    monkeypatch.setitem(sys.modules, "pyzbar", None)
    monkeypatch.setitem(sys.modules, "pyzbar.pyzbar", None)

    assert decode_image(label_page) == [TRACKING]


def test_no_library_at_all_says_what_to_install(
    label_page: Path, monkeypatch: pytest.MonkeyPatch, fresh_backend: None
) -> None:
    for name in ("pyzbar", "pyzbar.pyzbar", "zxingcpp"):
        monkeypatch.setitem(sys.modules, name, None)

    with pytest.raises(DecoderUnavailableError, match=r"libzbar0.*zxing-cpp"):
        decode_image(label_page)
