"""ZPL ^GF graphics read back into images, the way a Zebra reads them, for tests.

The reader follows Zebra's rules for ASCII hex (^GFA) rather than what our
encoder happens to write: every compression form is read, `G`-`Y` and
`g`-`z` counts (added together), `,` (rest of the row white), `!` (rest of
the row black) and `:` (the row above again). Binary and Z64/B64 forms are
not read, and fail the test that meets them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image

from tests.helpers.zpl_sim import commands


@dataclass(frozen=True)
class Graphic:
    x: int  # where the field is placed (^FO)
    y: int
    image: Image.Image  # mode "1", black where the printer prints


def graphics(zpl: bytes) -> list[Graphic]:
    """Every ^GF field of a label, with its ^FO position."""
    found = []
    origin = (0, 0)
    for command in commands(zpl):
        if command.name == "FO":
            x, y = command.params.split(",")[:2]
            origin = (int(x), int(y))
        elif command.name == "GF":
            found.append(Graphic(*origin, decode_gf(command.params)))
    return found


def label_size(zpl: bytes) -> tuple[int, int]:
    """The label's (^PW, ^LL) in dots."""
    sizes = {c.name: int(c.params) for c in commands(zpl) if c.name in ("PW", "LL")}
    return sizes["PW"], sizes["LL"]


def decode_gf(params: str) -> Image.Image:
    """The image of ^GF's parameters (`A,total,total,row bytes,data`)."""
    kind, total, _, row_bytes_text, data = params.split(",", 4)
    if kind.upper() != "A" or data.startswith(":Z64:") or data.startswith(":B64:"):
        raise ValueError(f"only plain ASCII hex ^GFA is read here, not {params[:20]!r}")
    row_bytes = int(row_bytes_text)
    rows = _rows(re.sub(r"\s", "", data), 2 * row_bytes)
    hex_text = "".join(rows)
    if len(hex_text) != 2 * int(total):
        raise ValueError(f"^GF says {total} bytes but its data holds {len(hex_text) // 2}")
    height = int(total) // row_bytes
    packed = bytes.fromhex(hex_text)
    # ZPL: a 1 bit is a dot printed. Pillow's "1" raw data: a 1 bit is white.
    inverted = bytes(b ^ 0xFF for b in packed)
    return Image.frombytes("1", (row_bytes * 8, height), inverted)


def _rows(data: str, row_digits: int) -> list[str]:
    rows: list[str] = []
    row = ""
    count = 0
    for char in data:
        if "G" <= char <= "Y":
            count += ord(char) - ord("F")
        elif "g" <= char <= "z":
            count += 20 * (ord(char) - ord("f"))
        elif char == ":":
            if row:
                raise ValueError(f"':' inside a row: {row!r}")
            row = rows[-1] if rows else "0" * row_digits
        elif char in ",!":
            row += ("0" if char == "," else "F") * (row_digits - len(row))
        elif char.upper() in "0123456789ABCDEF":
            row += char.upper() * max(count, 1)
            count = 0
        else:
            raise ValueError(f"{char!r} is not ^GFA data")
        if len(row) > row_digits:
            raise ValueError(f"a row longer than {row_digits} hex digits: {row!r}")
        if len(row) == row_digits:
            rows.append(row)
            row = ""
    if row:
        raise ValueError(f"^GFA data ends inside a row: {row!r}")
    return rows
