"""The tracking barcode of a PDF label, in the symbology the courier's profile asks for.

Every bar and module is a whole number of dots of a 203 dpi thermal head, and
the caller places symbols on whole dots: when the printer rasterises the page
every bar then keeps its width, which is what makes a barcode read first time.

Code 128 and GS1-128 come from reportlab (GS1-128 is Code 128 with FNC1 first,
written "\\xf1" there). QR and Data Matrix modules come from zxing-cpp's writer:
reportlab's own Data Matrix has one fixed 44x44 size and leaves a stray NUL at
the end of some data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import zxingcpp
from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

from station.couriers.check_digits import is_valid_mod10
from station.ports import PermanentPrintError

DOT = 72.0 / 203.0
LINEAR_DOTS = (3, 2, 1)  # Code 128 module widths to try, widest first
LINEAR_QUIET_MODULES = 10
MATRIX_DOTS = range(8, 2, -1)  # 1 mm down to 0.375 mm modules
QR_QUIET_MODULES = 4
DATAMATRIX_QUIET_MODULES = 2  # ISO 16022 asks for one
FNC1 = "\xf1"
LINEAR_SYMBOLOGIES = frozenset(("code128", "gs1-128"))
_SSCC = re.compile(r"\(00\)([0-9]{18})")


class BarcodeError(PermanentPrintError):
    """The tracking barcode cannot be made from this data, or not in this space."""


def snap(points: float) -> float:
    """`points` rounded to a whole number of dots."""
    return round(points / DOT) * DOT


@dataclass(frozen=True)
class LinearSymbol:
    """A Code 128 symbol; width and height include its quiet zones."""

    code: Code128
    width: float
    height: float

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        """Draw with the quiet zone's bottom left corner at (x, y)."""
        self.code.drawOn(canvas, x, y)


@dataclass(frozen=True)
class MatrixSymbol:
    """A 2D symbol: dark modules (rows top first), the module size and the quiet zone."""

    dark: npt.NDArray[np.bool_]
    module: float
    quiet: int

    @property
    def width(self) -> float:
        return float((self.dark.shape[1] + 2 * self.quiet) * self.module)

    @property
    def height(self) -> float:
        return float((self.dark.shape[0] + 2 * self.quiet) * self.module)

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        """Draw with the quiet zone's bottom left corner at (x, y)."""
        rows = self.dark.shape[0]
        for row, modules in enumerate(self.dark):
            bottom = y + (rows - 1 - row + self.quiet) * self.module
            for start, length in _dark_runs(modules):
                left = x + (start + self.quiet) * self.module
                canvas.rect(left, bottom, length * self.module, self.module, stroke=0, fill=1)


def _dark_runs(modules: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules in a row: one rectangle each."""
    edges = np.flatnonzero(np.diff(np.concatenate(([False], modules, [False])).astype(np.int8)))
    pairs = zip(edges[::2], edges[1::2], strict=True)
    return [(int(start), int(end - start)) for start, end in pairs]


def human_readable(symbology: str, data: str) -> str:
    """The text printed with the barcode; an SSCC grouped as "(00) 3 4012345 000000001 8"."""
    match = _SSCC.fullmatch(data)
    if symbology != "gs1-128" or match is None:
        return data
    digits = match.group(1)
    # Extension digit, a 7-digit company prefix, serial reference, check digit:
    # the usual grouping, for a person to read and type.
    return f"(00) {digits[0]} {digits[1:8]} {digits[8:17]} {digits[17]}"


def linear_symbol(symbology: str, data: str, width: float, bar_height: float) -> LinearSymbol:
    """The widest whole-dot Code 128 or GS1-128 symbol for `data` within `width`.

    Raises:
        BarcodeError: the data cannot be this symbology, or it does not fit
            even with one-dot bars.
    """
    if symbology == "gs1-128":
        return _linear(FNC1 + "00" + _sscc_digits(data), data, width, bar_height)
    return _linear(_code128_data(data), data, width, bar_height)


def matrix_symbol(symbology: str, data: str, side: float) -> MatrixSymbol:
    """The QR or Data Matrix symbol for `data` with the biggest whole-dot modules within `side`.

    Raises:
        BarcodeError: the symbology is none a PDF label prints, the data cannot
            be encoded, or the symbol does not fit with the smallest modules.
    """
    if symbology == "qr":
        dark = _modules(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        quiet = QR_QUIET_MODULES
    elif symbology == "datamatrix":
        dark = _modules(data, zxingcpp.BarcodeFormat.DataMatrix, force_square=True)
        quiet = DATAMATRIX_QUIET_MODULES
    else:
        raise BarcodeError(
            f"The courier profile asks for a {symbology!r} barcode, which PDF labels do not "
            "print (they print code128, gs1-128, qr and datamatrix): fix the profile's symbology."
        )
    for dots in MATRIX_DOTS:
        symbol = MatrixSymbol(dark, dots * DOT, quiet)
        if max(symbol.width, symbol.height) <= side:
            return symbol
    raise BarcodeError(
        f"The tracking data {data!r} is too long for a {symbology} code on this label: "
        "check the tracking number in the order."
    )


def _code128_data(data: str) -> str:
    if not data:
        raise BarcodeError(
            "The label has no tracking number for its barcode: add one to the order."
        )
    if not all(" " <= char <= "~" for char in data):
        raise BarcodeError(
            f"The tracking number {data!r} has characters a Code 128 barcode cannot carry "
            "(only ASCII letters, digits and punctuation): correct it in the order."
        )
    return data


def _sscc_digits(data: str) -> str:
    match = _SSCC.fullmatch(data)
    if match is None or not is_valid_mod10(match.group(1)):
        raise BarcodeError(
            f"The GS1-128 barcode data {data!r} is not an SSCC: it must be (00) followed by "
            "18 digits ending in their GS1 check digit. Check the courier's tracking range."
        )
    return match.group(1)


def _linear(value: str, data: str, width: float, height: float) -> LinearSymbol:
    for dots in LINEAR_DOTS:
        quiet = LINEAR_QUIET_MODULES * dots * DOT
        code = Code128(
            value,
            barWidth=dots * DOT,
            barHeight=height,
            humanReadable=False,
            lquiet=quiet,
            rquiet=quiet,
        )
        if code.width <= width:
            return LinearSymbol(code, code.width, height)
    raise BarcodeError(
        f"The tracking number {data!r} is too long for a barcode on this label: "
        "check the tracking number in the order."
    )


def _modules(
    data: str, symbol_format: zxingcpp.BarcodeFormat, **options: object
) -> npt.NDArray[np.bool_]:
    if not data:
        raise BarcodeError(
            "The label has no tracking number for its barcode: add one to the order."
        )
    try:
        barcode = zxingcpp.create_barcode(data, symbol_format, **options)
    except ValueError as exc:
        raise BarcodeError(
            f"The tracking data {data!r} cannot be made into a barcode ({exc}): "
            "check the tracking number in the order."
        ) from exc
    # One pixel per module, dark = 0.
    pixels = np.asarray(barcode.to_image(scale=1, add_quiet_zones=False))
    return np.asarray(pixels < 128)
