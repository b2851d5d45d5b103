"""Tracking barcodes as pictures, for printers that cannot draw the symbology themselves.

ESC/POS printers draw Code 128 and QR codes natively, but not DataMatrix, and not every
one takes the FNC1 a GS1-128 barcode starts with; those two are printed as raster
images. Bars and modules are whole dots, so a scanner reads them as the printer would
have drawn them.
"""

from __future__ import annotations

import numpy as np
import zxingcpp
from PIL import Image
from reportlab.graphics.barcode.code128 import Code128

FNC1 = "\xf1"  # reportlab's Code 128 writes this as the FNC1 symbol
QUIET_MODULES = 10


def gs1_128_image(sscc: str, module: int, height: int) -> Image.Image:
    """A GS1-128 barcode of AI 00 and the 18-digit `sscc`, with its quiet zones.

    Black bars on white, `module` dots per module, `height` dots high (mode "1").
    """
    widths = _code128_widths(FNC1 + "00" + sscc)
    row = [QUIET_MODULES * [False]]
    for index, width in enumerate(widths):
        row.append(width * [index % 2 == 0])  # bar, space, bar, ...
    row.append(QUIET_MODULES * [False])
    modules = np.concatenate([np.array(part, dtype=bool) for part in row])
    dots = np.repeat(modules, module)
    ink = np.tile(dots, (height, 1))
    return Image.fromarray(np.where(ink, 0, 255).astype(np.uint8)).convert("1")


def gs1_128_width(sscc: str, module: int) -> int:
    """The width in dots of gs1_128_image(sscc, module, ...)."""
    return (sum(_code128_widths(FNC1 + "00" + sscc)) + 2 * QUIET_MODULES) * module


def datamatrix_image(data: str, module: int) -> Image.Image:
    """A square ECC 200 DataMatrix of `data`, `module` dots per module, quiet zone included."""
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.DataMatrix)
    matrix = np.asarray(zxingcpp.write_barcode_to_image(symbol, scale=module))
    return Image.fromarray(matrix.astype(np.uint8)).convert("1")


def _code128_widths(value: str) -> list[int]:
    """Module widths of the symbol's bars and spaces, starting with a bar."""
    symbol = Code128(value, quiet=0)
    symbol.validate()
    symbol.encode()
    # reportlab spells a symbol as letters: upper case for a bar, lower case for a
    # space, A (or a) meaning one module wide.
    return [ord(letter.upper()) - ord("A") + 1 for letter in symbol.decompose()]
