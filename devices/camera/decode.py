"""Barcodes in camera frames and still images, with where they are.

Two libraries can read them: zbar (pyzbar) and zxing-cpp. bench/camera_decode.py
measures both on distorted pictures of the project's own labels and products;
zxing-cpp read more, gave no false reads on blank or noisy frames, reads Data
Matrix (zbar cannot) and was faster on a 720p frame, so it is the camera's
decoder. zbar stays available for the measurement and as a fallback where the
zxing-cpp wheel cannot be loaded.

zxing-cpp's own search for inverted (light on dark) and for 90-degree turned
codes triples its time per frame (p99 over 33 ms on a 720p frame); no label or
product the station reads is inverted, and a camera sees each code in many
frames, so a camera looks for turned linear codes in every other frame only
(`FrameReader`), and a still image is searched both ways at once.

Both are limited to the symbologies the station uses: fewer symbologies mean
fewer chances of a false read in a busy picture, and less time per frame.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from devices.barcode_decode import DecoderUnavailableError, GrayImage
from station.errors import UserError

# What the station reads: Code 128 and GS1-128 (tracking, badges, orders, commands),
# EAN-13, UPC-A, EAN-8 and UPC-E (products), ITF-14 (cases), QR and Data Matrix
# (tracking barcodes of some couriers, GS1 Data Matrix on products).
SYMBOLOGIES_IN_USE = (
    "Code 128",
    "EAN-13",
    "UPC-A",
    "EAN-8",
    "UPC-E",
    "ITF",
    "QR Code",
    "Data Matrix",
)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")

# ITU-R BT.601 luma weights, in OpenCV's BGR channel order.
_BGR_LUMA = np.array([0.114, 0.587, 0.299], dtype=np.float32)


class ImageUnreadableError(UserError):
    """A still image that cannot be opened as a picture."""


@dataclass(frozen=True)
class Found:
    """A barcode in a picture: its text, symbology and corners (pixels, clockwise)."""

    text: str
    format: str  # one of SYMBOLOGIES_IN_USE
    position: tuple[tuple[int, int], ...]
    # Its text is GS1 element strings, each application identifier in parentheses as
    # zxing-cpp writes them ("(00)340123..."): a GS1-128 code, not any Code 128.
    gs1: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "format": self.format,
            "position": [list(p) for p in self.position],
        }


FrameDecoder = Callable[[GrayImage], list[Found]]


def grayscale(frame: npt.NDArray[Any]) -> GrayImage:
    """A grayscale copy of a grayscale, BGR or BGRA frame, as both libraries take it."""
    if frame.ndim == 3:
        frame = frame[:, :, :3] @ _BGR_LUMA
    return np.ascontiguousarray(frame, dtype=np.uint8)


def decode_frame(frame: npt.NDArray[Any]) -> list[Found]:
    """Every barcode of the symbologies in use in a frame or still, in any orientation."""
    return camera_decoder()(grayscale(frame))


@functools.cache
def camera_decoder() -> FrameDecoder:
    """The chosen decoder (zxing-cpp), else zbar; loaded on first use. Any orientation."""
    try:
        return zxing_decoder()
    except DecoderUnavailableError:
        return zbar_decoder()


@functools.cache
def _upright_decoders() -> tuple[FrameDecoder, FrameDecoder | None]:
    """(every symbology upright, linear codes upright) for a camera; zbar needs no
    second pass, it finds turned codes at no extra cost."""
    try:
        return zxing_decoder(turned=False), zxing_decoder(turned=False, linear_only=True)
    except DecoderUnavailableError:
        return zbar_decoder(), None


class FrameReader:
    """Decodes a camera's frames: every code upright in every other frame, and in the
    frames between, linear codes turned 90 degrees as well as upright ones.

    Only a linear code has an orientation to search: QR and Data Matrix are found at any
    angle by the upright pass. A turned frame looks for linear codes only, in the frame
    and in the frame turned a quarter, which costs less than the upright pass with its
    2D detectors (these take up to 100 ms on a turned frame full of bars), so an upright
    linear code is read in the first frame it is in.

    One per camera (it keeps the alternation); call from one thread.
    """

    def __init__(
        self, decoder: FrameDecoder | None = None, linear: FrameDecoder | None = None
    ) -> None:
        """Args:
        decoder: reads every symbology upright (default: zxing-cpp).
        linear: reads linear codes upright, for the turned frames (default: zxing-cpp;
            None with a `decoder` given: every frame is read with `decoder` alone).
        """
        if decoder is None:
            decoder, linear = _upright_decoders()
        self._decode = decoder
        self._linear = linear
        self._turn = False

    def __call__(self, frame: npt.NDArray[Any]) -> list[Found]:
        gray = grayscale(frame)
        self._turn = not self._turn
        if not self._turn or self._linear is None:
            return self._decode(gray)
        width = gray.shape[1]
        # np.rot90 turns a quarter anticlockwise: (x', y') there is (width-1-y', x') here.
        turned = [
            replace(found, position=tuple((width - 1 - y, x) for x, y in found.position))
            for found in self._linear(np.ascontiguousarray(np.rot90(gray)))
        ]
        upright = self._linear(gray)
        seen = {found.text for found in upright}
        return upright + [found for found in turned if found.text not in seen]


def zxing_decoder(turned: bool = True, linear_only: bool = False) -> FrameDecoder:
    """zxing-cpp for the symbologies in use (`linear_only`: not QR and Data Matrix);
    `turned` also finds codes turned 90 degrees."""
    try:
        import zxingcpp
    except ImportError as exc:
        raise DecoderUnavailableError(
            "The zxing-cpp Python package cannot be loaded: reinstall PackStation's "
            "dependencies (uv sync)."
        ) from exc
    formats = zxingcpp.BarcodeFormat
    # Their BarcodeFormats is made at each call: one kept alive until exit is reported by
    # nanobind as a leak when the interpreter shuts down.
    wanted = (
        formats.Code128,
        formats.EAN13,
        formats.UPCA,
        formats.EAN8,
        formats.UPCE,
        formats.ITF,
    ) + (() if linear_only else (formats.QRCode, formats.DataMatrix))

    def with_zxing(gray: GrayImage) -> list[Found]:
        found = []
        for code in zxingcpp.read_barcodes(
            gray,
            formats=zxingcpp.BarcodeFormats(wanted),
            try_rotate=turned,
            try_invert=False,
        ):
            corners = code.position
            points = (
                corners.top_left,
                corners.top_right,
                corners.bottom_right,
                corners.bottom_left,
            )
            found.append(
                Found(
                    code.text,
                    str(code.format),
                    tuple((p.x, p.y) for p in points),
                    gs1=code.content_type == zxingcpp.ContentType.GS1,
                )
            )
        return found

    return with_zxing


# zbar's names for the symbologies in use (zbar reads no Data Matrix).
_ZBAR_FORMATS = {
    "CODE128": "Code 128",
    "EAN13": "EAN-13",
    "UPCA": "UPC-A",
    "EAN8": "EAN-8",
    "UPCE": "UPC-E",
    "I25": "ITF",
    "QRCODE": "QR Code",
}


def zbar_decoder() -> FrameDecoder:
    try:
        from pyzbar import pyzbar
    # pyzbar raises ImportError without libzbar; ctypes may raise OSError when
    # the library is there but one of its own dependencies is not.
    except (ImportError, OSError) as exc:
        raise DecoderUnavailableError(
            "No barcode reader library could be loaded. Install libzbar0 (the zbar "
            "library) or the zxing-cpp Python package, then restart PackStation."
        ) from exc
    symbols = [pyzbar.ZBarSymbol[name] for name in _ZBAR_FORMATS]

    def with_zbar(gray: GrayImage) -> list[Found]:
        return [
            Found(
                code.data.decode("utf-8", "replace"),
                _ZBAR_FORMATS.get(code.type, code.type),
                tuple((point.x, point.y) for point in code.polygon),
            )
            for code in pyzbar.decode(gray, symbols=symbols)
        ]

    return with_zbar


# The codes whose own checks make one frame's read trustworthy: Reed-Solomon error
# correction over every codeword, so a blurred frame fails to decode rather than
# decoding to other text.
SELF_CHECKING = frozenset({"QR Code", "Data Matrix"})

# zbar's symbols that re-read a linear code zxing-cpp found, by zxing-cpp's format.
_EAN_UPC = ("EAN13", "UPCA", "EAN8", "UPCE")
_RE_READ_AS = {
    "Code 128": ("CODE128",),
    "EAN-13": _EAN_UPC,
    "UPC-A": _EAN_UPC,
    "EAN-8": _EAN_UPC,
    "UPC-E": _EAN_UPC,
    "ITF": ("I25",),
}


class SecondOpinion:
    """Whether a code one frame read can be trusted without waiting for the next frame.

    A linear code's check digit is weak (EAN's mod 10 lets a blurred frame read other
    digits with a valid check digit: the test set of bench/camera_decode.py has one).
    zbar, re-reading only the crop around the code zxing-cpp found, is a second reader
    with other scan lines and another algorithm: on that set it read the true digits of
    the misread and agreed with 88 of 99 true reads, at about 5 ms a crop. Where it does
    not agree (or cannot load), the code waits for a second frame. QR and Data Matrix
    need no second opinion (SELF_CHECKING).

    Call from one thread (zbar's scanner is not shared between threads here anyway).
    """

    def __init__(self) -> None:
        try:
            from pyzbar import pyzbar
        except (ImportError, OSError):  # as zbar_decoder: no libzbar, two frames always
            self._zbar: Any = None
        else:
            self._zbar = pyzbar
            self._symbols = {
                name: [pyzbar.ZBarSymbol[symbol] for symbol in symbols]
                for name, symbols in _RE_READ_AS.items()
            }

    def __call__(self, frame: npt.NDArray[Any], found: Found) -> bool:
        if found.format in SELF_CHECKING:
            return True
        if self._zbar is None or found.format not in _RE_READ_AS:
            return False
        crop = grayscale(_around(frame, found.position))
        return any(
            _same_reading(found, code.data.decode("utf-8", "replace"))
            for code in self._zbar.decode(crop, symbols=self._symbols[found.format])
        )


def _around(frame: npt.NDArray[Any], position: tuple[tuple[int, int], ...]) -> Any:
    """The part of the frame around a code, with a quiet zone (a linear code's position
    can be the one scan line it was read on)."""
    xs = [x for x, _ in position]
    ys = [y for _, y in position]
    pad = max(24, (max(xs) - min(xs)) // 8, (max(ys) - min(ys)) // 8)
    height, width = frame.shape[:2]
    top, bottom = max(0, min(ys) - pad), min(height, max(ys) + pad)
    left, right = max(0, min(xs) - pad), min(width, max(xs) + pad)
    return frame[top:bottom, left:right]


def _same_reading(found: Found, zbar_text: str) -> bool:
    """Whether zbar read the text zxing-cpp `found`. Of a GS1 code zxing-cpp puts the
    application identifiers in parentheses and zbar gives the raw digits (with GS
    separators): only there are parentheses and GS not part of the text (a Code 128
    "AB(12)" is not an "AB12"). zbar may read a UPC-A as its EAN-13 (a leading zero)."""

    def plain(text: str) -> str:
        if found.gs1:
            text = text.replace("(", "").replace(")", "").replace("\x1d", "")
        return text.zfill(14) if text.isdigit() and len(text) <= 14 else text

    return plain(found.text) == plain(zbar_text)


@dataclass(frozen=True)
class StillResult:
    """What `main.py decode` prints for one image."""

    file: str
    barcodes: tuple[Found, ...] = ()
    ms: float = 0.0
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        line: dict[str, Any] = {
            "file": self.file,
            "barcodes": [found.as_json() for found in self.barcodes],
            "ms": round(self.ms, 1),
        }
        if self.error is not None:
            line["error"] = self.error
        return line


def read_still(path: Path) -> GrayImage:
    """A still image (PNG, JPEG, WebP, BMP) as grayscale pixels.

    Raises:
        ImageUnreadableError: the file is missing, unreadable or not such a picture.
    """
    from PIL import Image, UnidentifiedImageError

    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise ImageUnreadableError(
            f"{path}: not a PNG, JPEG, WebP or BMP picture (by its name); "
            "convert it to one of those"
        )
    try:
        with Image.open(path) as picture:
            picture.load()
            return np.asarray(picture.convert("L"), dtype=np.uint8)
    except FileNotFoundError as exc:
        raise ImageUnreadableError(f"{path}: no such file; check the path") from exc
    except Image.DecompressionBombError as exc:
        # Pillow's guard against a small file that unpacks into gigabytes of pixels.
        raise ImageUnreadableError(
            f"{path}: too large a picture to read ({exc.args[0].split(' exceeds')[0]}); "
            "scale it down below 178 million pixels"
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageUnreadableError(
            f"{path}: cannot be read as a picture ({exc}); check that it is a whole "
            "PNG, JPEG, WebP or BMP file"
        ) from exc


def decode_still(path: Path, decoder: FrameDecoder | None = None) -> StillResult:
    """The barcodes of one still image; an unreadable file gives a result with its error."""
    try:
        gray = read_still(path)
    except ImageUnreadableError as exc:
        return StillResult(str(path), error=str(exc))
    started = time.perf_counter()
    found = (decoder or camera_decoder())(gray)
    return StillResult(str(path), tuple(found), (time.perf_counter() - started) * 1000)
