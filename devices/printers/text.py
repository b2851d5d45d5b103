"""Label text as it may reach a printer: no control characters at all; and what a
tracking barcode can carry.

Both printer languages treat control characters as commands (ESC/POS
commands start with ESC, GS, FS or DLE; a Zebra also takes 0x10 and 0x1E as
its command prefixes), so data from orders must never carry one.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that separate words in imported data (a tab in a CSV cell, a
# line break in a street): they print as the space they stand for.
_SPACES = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")
# Any other control character or lone surrogate has no glyph: it prints as a
# visible mark, so the label still shows that something was there.
REPLACEMENT = "?"
# Bytes a QR code of version 1, 2, ... holds at error correction M in byte mode, the
# least dense mode data can need (digits and capitals pack tighter).
QR_BYTES_M = (14, 26, 42, 62, 84, 106, 122, 152, 180, 213)
# GS1-128 tracking: an SSCC under application identifier 00, as courier profiles write it.
_SSCC = re.compile(r"\(00\)([0-9]{18})")


def printable(text: str) -> str:
    """`text` with every control character made harmless (see module docstring)."""
    return "".join(_printable_char(char) for char in text)


def _printable_char(char: str) -> str:
    if char in _SPACES:
        return " "
    if unicodedata.category(char) in ("Cc", "Cs"):
        return REPLACEMENT
    return char


def zpl_field_data(text: str, *, block: bool) -> str:
    """`text` as ZPL ^FH field data: the command prefixes and the hex indicator as hex.

    ^, ~ and _ are written _5E, _7E and _5F, so no field can end the label or reset
    the printer. In a field block (^FB) a backslash starts an escape of its own (`\\&`
    is a line break), so there it is doubled, the way ^FB writes a backslash.
    """
    out = []
    for char in printable(text):
        if char in "^~_" or char < " " or char == "\x7f":
            out.append("".join(f"_{byte:02X}" for byte in char.encode("utf-8")))
        elif char == "\\" and block:
            out.append("\\\\")
        else:
            out.append(char)
    return "".join(out)


def code128_problem(data: str, symbol: str = "Code 128 barcode") -> str | None:
    """Why `data` cannot be a Code 128 barcode (or another `symbol`), or None if it can.

    Tracking barcodes carry printable ASCII, whatever their symbology: a scanner
    types what it reads, and control characters are gone after `printable`.
    """
    if not data:
        return "is empty"
    if not all(" " <= char <= "~" for char in data):
        return f"has characters a {symbol} cannot carry"
    return None


def qr_modules(data: str) -> int | None:
    """The side in modules of a QR code (error correction M) holding `data`, at most.

    None past version 10 (57 modules), more than a label's tracking code needs.
    """
    version = next((v for v, cap in enumerate(QR_BYTES_M, 1) if len(data) <= cap), None)
    return None if version is None else 17 + 4 * version


def sscc_digits(barcode_data: str) -> str | None:
    """The 18 digits of "(00)" + SSCC, the GS1-128 tracking barcode's data; None if not that."""
    match = _SSCC.fullmatch(barcode_data.replace(" ", ""))
    return match.group(1) if match else None


def printer_font_can_print(text: str) -> bool:
    """Whether a label printer's built-in font prints every character of `text`.

    Windows-1252 (Western European Latin) is the set a Zebra's font 0 has always
    carried (its ^CI27 code page); other scripts are drawn as a picture instead.
    """
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True
