"""Which characters a scanned value may hold: the one rule for scans, barcodes and numbers.

A badge, an order number, a product barcode or a command is made of printable
characters (letters of any script, digits, punctuation, symbols and the plain
space) plus GS, which GS1 scanners send for FNC1 between the fields of an
element string. Nothing else can arrive from a scanner as part of a value:
the serial framing refuses a line with any other byte, the keyboard wedge does
not take such a key as a character, a scan is read without them, and an
import refuses a value that has one (it could never be scanned).
"""

from __future__ import annotations

import unicodedata

GS = "\x1d"  # FNC1 inside a GS1 element string


def is_scan_char(char: str) -> bool:
    """True if `char` may be part of a scanned value."""
    return char == GS or char.isprintable()


def scan_chars_only(value: str) -> str:
    """`value` without what cannot be part of a scan (stray NUL, STX, DEL, zero-width…)."""
    return "".join(char for char in value if is_scan_char(char))


def first_unscannable(value: str) -> str | None:
    """Where `value` has a character no scan can carry, in words; None if it has none."""
    for position, char in enumerate(value, start=1):
        if not is_scan_char(char):
            return f"{describe_char(char)} at position {position}"
    return None


def describe_char(char: str) -> str:
    """E.g. "control character U+0000 (NULL)", "character U+1F600 (GRINNING FACE)"."""
    name = unicodedata.name(char, "")
    if not name and unicodedata.category(char) == "Cc":
        name = _CONTROL_NAMES.get(ord(char), "")
    kind = "control character" if unicodedata.category(char) == "Cc" else "character"
    return f"{kind} U+{ord(char):04X}" + (f" ({name})" if name else "")


_CONTROL_NAMES = {
    0x00: "NULL",
    0x02: "START OF TEXT",
    0x03: "END OF TEXT",
    0x09: "TAB",
    0x0A: "LINE FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
}


# Emoji, pictographs, dingbats and variation selectors: no label font draws them
# (a PDF label would be refused, a ZPL printer prints "?").
_PICTOGRAPHS = ((0x2600, 0x27BF), (0x2B00, 0x2BFF), (0xFE00, 0xFE0F), (0x1F000, 0x1FAFF))


def is_label_char(char: str) -> bool:
    """True if `char` can be printed on a label: printable, and not an emoji or pictograph.

    Letters of every script pass (the label finds a font for Thai or Chinese);
    private-use and unassigned code points do not (no font has them).
    """
    code = ord(char)
    if not char.isprintable() or unicodedata.category(char) in ("Co", "Cn"):
        return False
    return not any(low <= code <= high for low, high in _PICTOGRAPHS)


def first_unprintable(value: str) -> str | None:
    """Where `value` has a character no label can print, in words; None if it has none."""
    for position, char in enumerate(value, start=1):
        if not is_label_char(char):
            return f"{describe_char(char)} at position {position}"
    return None
