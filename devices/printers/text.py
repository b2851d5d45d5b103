"""Label text as it may reach a printer: no control characters at all.

Both printer languages treat control characters as commands (ESC/POS
commands start with ESC, GS, FS or DLE; a Zebra also takes 0x10 and 0x1E as
its command prefixes), so data from orders must never carry one.
"""

from __future__ import annotations

import unicodedata

# Characters that separate words in imported data (a tab in a CSV cell, a
# line break in a street): they print as the space they stand for.
_SPACES = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")
# Any other control character or lone surrogate has no glyph: it prints as a
# visible mark, so the label still shows that something was there.
REPLACEMENT = "?"


def printable(text: str) -> str:
    """`text` with every control character made harmless (see module docstring)."""
    return "".join(_printable_char(char) for char in text)


def _printable_char(char: str) -> str:
    if char in _SPACES:
        return " "
    if unicodedata.category(char) in ("Cc", "Cs"):
        return REPLACEMENT
    return char


def code128_problem(data: str) -> str | None:
    """Why `data` cannot be a Code 128 barcode, or None if it can.

    Code 128 carries ASCII; control characters are gone after `printable`.
    """
    if not data:
        return "is empty"
    if not all(" " <= char <= "~" for char in data):
        return "has characters a Code 128 barcode cannot carry"
    return None
