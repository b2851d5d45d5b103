"""Read barcodes from images (camera frames, rendered labels).

pyzbar needs the libzbar system library; where it is missing (a bare Windows
or macOS install) zxing-cpp, a self-contained wheel, reads the same symbols.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from station.errors import UserError

GrayImage = npt.NDArray[np.uint8]
Decoder = Callable[[GrayImage], list[str]]

# ITU-R BT.601 luma weights, in OpenCV's BGR channel order.
_BGR_LUMA = np.array([0.114, 0.587, 0.299])


class DecoderUnavailableError(UserError):
    """Neither barcode library can be loaded."""


def decode_image(image: npt.NDArray[Any] | Path) -> list[str]:
    """Texts of all barcodes found in an image file or array.

    Args:
        image: a file path, or an array that is grayscale (H x W) or BGR/BGRA
            (H x W x 3/4) as OpenCV delivers camera frames.
    """
    return _decoder()(_grayscale(image))


def _grayscale(image: npt.NDArray[Any] | Path) -> GrayImage:
    if isinstance(image, Path):
        with Image.open(image) as picture:
            return np.asarray(picture.convert("L"), dtype=np.uint8)
    if image.ndim == 3:
        image = image[:, :, :3] @ _BGR_LUMA
    return np.ascontiguousarray(image, dtype=np.uint8)


@dataclass(frozen=True)
class Symbol:
    """A barcode read from an image, with what kind of symbol carried it.

    `text` shows GS1 data in its human-readable form, e.g. "(00)340123450000000017".
    """

    text: str
    symbology: str  # "Code 128", "QR Code", "Data Matrix", ...
    gs1: bool  # the symbol marks its data as GS1 element strings (FNC1 first)


def read_symbols(image: npt.NDArray[Any] | Path) -> list[Symbol]:
    """Every barcode in an image with its symbology, read with zxing-cpp.

    Unlike decode_image this also reads Data Matrix (zbar cannot) and tells
    GS1 symbols from plain ones.
    """
    try:
        import zxingcpp
    except ImportError as exc:
        raise DecoderUnavailableError(
            "The zxing-cpp Python package cannot be loaded: reinstall PackStation's "
            "dependencies (uv sync)."
        ) from exc
    return [
        Symbol(found.text, str(found.format), found.content_type == zxingcpp.ContentType.GS1)
        for found in zxingcpp.read_barcodes(_grayscale(image))
    ]


@functools.cache
def _decoder() -> Decoder:
    """Pick the backend on first use; importing this module loads neither library."""
    try:
        from pyzbar import pyzbar
    # pyzbar raises ImportError without libzbar; ctypes may raise OSError when
    # the library is there but one of its own dependencies is not.
    except (ImportError, OSError):
        pass
    else:

        def with_pyzbar(gray: GrayImage) -> list[str]:
            return [found.data.decode("utf-8", "replace") for found in pyzbar.decode(gray)]

        return with_pyzbar
    try:
        import zxingcpp
    except ImportError as exc:
        raise DecoderUnavailableError(
            "No barcode reader library could be loaded. Install libzbar0 (the zbar "
            "library) or the zxing-cpp Python package, then restart PackStation."
        ) from exc

    def with_zxing(gray: GrayImage) -> list[str]:
        return [found.text for found in zxingcpp.read_barcodes(gray)]

    return with_zxing
