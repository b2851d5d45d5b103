"""Images as ZPL graphic fields (^GFA): text in scripts the printer has no font for, and
labels a courier supplies as pictures.

A ^GFA field is the image's dots as ASCII hex, a 1 bit printing a dot, each row padded to
whole bytes. Rows are written with ZPL's compression (the "alternative data compression
scheme" every ZPL II printer reads), which keeps a 4x6 in label of mostly white paper to a
few kilobytes instead of 120 kB of hex:

- `:` alone is the row above again;
- `,` ends a row, the rest of it white (0);
- a count letter before a hex digit repeats it: G-Y are 1-19, g-z are 20-400, added up.

A row ending in black is written with counts, never with `!` (the rest of the row black):
some ZPL engines fill a `!` with the digit 1 rather than F, and a count reads the same
everywhere. The output holds only hex digits, count letters, `:` and `,`, so it can never
carry a command prefix (^ or ~).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image

# A dot prints where the image is darker than mid-grey; no dithering, which would
# fray the edges of text and bars.
THRESHOLD = 128
_MAX_COUNT = 419  # the largest count one letter pair says: "z" (400) + "Y" (19)


def image_to_gfa(image: Image.Image, *, compress: bool = True) -> str:
    """`image` as one ^GFA command (without ^FO/^FS): dark pixels print, light ones do not.

    Transparent pixels count as white paper. The graphic is as wide as the image,
    rounded up to whole bytes (8 dots) with white.
    """
    ink = _ink(image)
    rows = np.packbits(ink, axis=1)  # MSB first, the last byte padded with 0 (white)
    row_bytes = rows.shape[1]
    total = rows.size
    hex_rows = [row.tobytes().hex().upper() for row in rows]
    data = _compressed(hex_rows) if compress else "".join(hex_rows)
    return f"^GFA,{total},{total},{row_bytes},{data}"


def _ink(image: Image.Image) -> npt.NDArray[np.bool_]:
    """True where a dot prints."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, image.convert("RGBA"))
    gray = np.asarray(image.convert("L"), dtype=np.uint8)
    return gray < THRESHOLD


def _compressed(hex_rows: list[str]) -> str:
    out: list[str] = []
    previous = None
    for hex_row in hex_rows:
        out.append(":" if hex_row == previous else _compress_row(hex_row))
        previous = hex_row
    return "".join(out)


def _compress_row(hex_row: str) -> str:
    kept = hex_row.rstrip("0")
    return _runs(kept) + ("," if len(kept) < len(hex_row) else "")


def _runs(hex_digits: str) -> str:
    out: list[str] = []
    start = 0
    while start < len(hex_digits):
        end = start
        while end < len(hex_digits) and hex_digits[end] == hex_digits[start]:
            end += 1
        out.append(_repeat(hex_digits[start], end - start))
        start = end
    return "".join(out)


def _repeat(digit: str, count: int) -> str:
    if count == 1:
        return digit
    out: list[str] = []
    while count > 0:
        part = min(count, _MAX_COUNT)
        twenties, ones = divmod(part, 20)
        out.append(chr(ord("f") + twenties) if twenties else "")
        out.append(chr(ord("F") + ones) if ones else "")
        out.append(digit)
        count -= part
    return "".join(out)
