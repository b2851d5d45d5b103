"""The tracking barcode of a ZPL label, in the symbology the courier's profile asks for.

- Code 128 (^BC, automatic subsets), with the printer's own interpretation line.
- GS1-128 (^BC with explicit subsets): start C, FNC1 (`>8`), AI 00 and the 18-digit SSCC;
  the human-readable "(00) ..." is ours, since printers print that line without the
  parentheses GS1 asks for.
- QR (^BQ, model 2, error correction M) and DataMatrix (^BX, ECC 200), with the number
  written beside the symbol.

A barcode that cannot be made (data it cannot carry, or too long for the label) is a
reason instead of commands; the label then says so and shows the number to type in.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.printers.text import code128_problem, qr_modules, sscc_digits, zpl_field_data
from devices.printers.zpl_layout import Layout, Region

QUIET_MODULES = 10  # a linear barcode's quiet zone on either side, in modules
_MODULES = (3, 2, 1)  # Code 128 module widths to try at 203 dpi, widest first
# Every ZPL printer moves an ^FO-placed QR code down by the ^BY bar height it last saw;
# setting it right before the symbol pins that shift.
QR_SHIFT = 10
# Square ECC 200 DataMatrix sizes and their data codewords; each character takes at
# most one codeword (two digits share one).
_DATAMATRIX = ((10, 3), (12, 5), (14, 8), (16, 12), (18, 18), (20, 22), (22, 30), (24, 36),
               (26, 44), (32, 62), (36, 86), (40, 114), (44, 144))  # fmt: skip
_MAX_2D_MODULE, _MIN_2D_MODULE = 8, 3  # 2D module sizes at 203 dpi: 1 mm down to 0.375 mm


@dataclass(frozen=True)
class Symbol:
    """A barcode's commands, and where its human-readable text goes if we print it."""

    commands: tuple[str, ...]
    caption: Region | None = None
    caption_text: str = ""


def tracking_symbol(layout: Layout, symbology: str, data: str) -> Symbol | str:
    """The barcode holding `data`, or why it cannot be printed (said after "tracking")."""
    if symbology == "code128":
        return _code128(layout, data)
    if symbology == "gs1-128":
        return _gs1_128(layout, data)
    if symbology == "qr":
        return _qr(layout, data)
    if symbology == "datamatrix":
        return _datamatrix(layout, data)
    return f"asks for a {symbology!r} barcode, which this station cannot print"


def code128_modules(data: str) -> int:
    """Modules of `data` in Code 128 subset B (start, data, check, stop).

    The printer's automatic mode packs digit runs into subset C, so the real
    symbol is never wider than this.
    """
    return 11 * (len(data) + 2) + 13


def _module_widths(layout: Layout) -> list[int]:
    return sorted({max(1, layout.dots(m)) for m in _MODULES}, reverse=True)


def _code128(layout: Layout, data: str) -> Symbol | str:
    problem = code128_problem(data)
    if problem is not None:
        return problem
    modules = code128_modules(data)
    height, text = layout.bar_height, layout.bar_text
    for module in _module_widths(layout):
        quiet = QUIET_MODULES * module
        if 2 * quiet + modules * module <= layout.width:
            return Symbol(
                (
                    f"^FO{quiet},{layout.symbol.y}^BY{module},3,{height}^A0N,{text},{text}"
                    f"^BCN,{height},Y,N,N,A^FH_^FD{zpl_field_data(data, block=False)}^FS",
                )
            )
    return "too long for a Code 128 barcode on this label"


def _gs1_128(layout: Layout, data: str) -> Symbol | str:
    digits = sscc_digits(data)
    if digits is None:
        return "is not an SSCC for a GS1-128 barcode: (00) and 18 digits"
    payload = "00" + digits
    modules = 11 * (len(payload) // 2 + 3) + 13  # start C, FNC1, pairs, check; stop
    height = layout.bar_height
    for module in _module_widths(layout):
        quiet = QUIET_MODULES * module
        if 2 * quiet + modules * module <= layout.width:
            top = layout.symbol.y
            caption = Region(
                quiet,
                top + height + layout.dots(6),
                layout.width - 2 * quiet,
                layout.bar_text + layout.dots(8),
            )
            bars = f"^FO{quiet},{top}^BY{module},3,{height}^BCN,{height},N,N,N,N^FD>;>8{payload}^FS"
            return Symbol((bars,), caption, f"(00) {digits}")
    return "too long for a GS1-128 barcode on this label"


def _qr(layout: Layout, data: str) -> Symbol | str:
    problem = code128_problem(data, "QR code")
    if problem is not None:
        return problem
    modules = qr_modules(data)
    if modules is None:
        return "too long for a QR code on this label"
    area = layout.symbol
    for module in _2d_modules(layout, limit=10):  # ^BQ magnifies 1 to 10 times
        side = modules * module
        if side + QR_SHIFT <= area.h and side <= area.w // 2:
            x = max(area.x, 4 * module)  # QR's quiet zone is four modules
            qr = (
                f"^FO{x},{area.y}^BY2,3,{QR_SHIFT}^BQN,2,{module}"
                f"^FH_^FDMA,{zpl_field_data(data, block=False)}^FS"
            )
            return Symbol((qr,), _beside(layout, x + side + 4 * module, QR_SHIFT), data)
    return "too long for a QR code on this label"


def _datamatrix(layout: Layout, data: str) -> Symbol | str:
    problem = code128_problem(data, "DataMatrix")
    if problem is None and ("~" in data or "_" in data):
        problem = "has a ~ or _, which a ZPL DataMatrix reads as a control sequence"
    if problem is not None:
        return problem
    size = next((side for side, cap in _DATAMATRIX if len(data) <= cap), None)
    if size is None:
        return "too long for a DataMatrix on this label"
    area = layout.symbol
    for module in _2d_modules(layout):
        side = size * module
        if side <= area.h and side <= area.w // 2:
            x = max(area.x, module)  # DataMatrix's quiet zone is one module
            data_field = zpl_field_data(data, block=False)
            matrix = f"^FO{x},{area.y}^BXN,{module},200^FH_^FD{data_field}^FS"
            return Symbol((matrix,), _beside(layout, x + side + 4 * module, 0), data)
    return "too long for a DataMatrix on this label"


def _2d_modules(layout: Layout, limit: int | None = None) -> range:
    largest = layout.dots(_MAX_2D_MODULE)
    if limit is not None:
        largest = min(largest, limit)
    return range(largest, layout.dots(_MIN_2D_MODULE) - 1, -1)


def _beside(layout: Layout, left: int, shift: int) -> Region:
    """The room right of a 2D symbol, for its number."""
    area = layout.symbol
    return Region(left, area.y + shift, area.x + area.w - left, area.h - shift)
