"""A courier label on an ESC/POS receipt roll (80 or 58 mm), through python-escpos.

The tracking barcode is in the courier profile's symbology: Code 128 and QR are
drawn by the printer, GS1-128 and DataMatrix are sent as raster images (see
devices.printers.barcode_image).

Only python-escpos's public Escpos API is used, so this prints on any of its
printer objects: Network, Serial, Usb, File, or Dummy (which records bytes).
All order text goes through `printable` first: ESC/POS commands start with
control characters (ESC, GS, FS, DLE), and data must never carry one.
"""

from __future__ import annotations

import re
import textwrap

from escpos.constants import QR_ECLEVEL_M
from escpos.escpos import Escpos

from devices.printers.text import code128_problem, printable, qr_modules, sscc_digits
from station.labels import LabelContent

# Font A columns and printable dots, taken low (Epson's 180 dpi heads) so the
# text and the barcode fit whatever printer takes the roll.
COLUMNS = {80: 42, 58: 32}
PRINTABLE_DOTS = {80: 512, 58: 360}
BARCODE_HEIGHT = 120
_BAR_WIDTHS = (3, 2)  # python-escpos accepts module widths 2 to 6
_QR_MODULES = (6, 5, 4, 3)  # dots per QR module, 0.57 to 0.28 mm at 180 dpi
_MATRIX_MODULES = (6, 5, 4, 3)
_RUNS = re.compile(r"\d{4,}|\D+|\d{1,3}", re.ASCII)


def print_escpos_label(
    printer: Escpos, label: LabelContent, paper_mm: int = 80, print_width_dots: int | None = None
) -> None:
    """Print `label` on `printer`, ending with a cut.

    `print_width_dots` is the printer's printable width, for the barcode;
    without it a width every printer of that roll size has is assumed (a
    barcode wider than the printer's width would silently not print).

    Raises whatever the printer object raises (python-escpos errors, OSError);
    the caller wraps them.
    """
    if paper_mm not in COLUMNS:
        raise ValueError(f"ESC/POS labels are made for {sorted(COLUMNS)} mm rolls, not {paper_mm}")
    columns = COLUMNS[paper_mm]
    sender, ship_to = label.sender, label.ship_to
    printer.hw("INIT")  # a clean start, whatever the last job left set
    _heading(printer, columns, "FROM")
    _lines(printer, columns, sender.name, sender.street, f"{sender.postcode} {sender.city}")
    _lines(printer, columns, sender.country)
    _rule(printer, columns)
    _big(printer, columns, label.courier)
    _lines(printer, columns, label.service)
    _rule(printer, columns)
    _heading(printer, columns, "SHIP TO")
    _big(printer, columns, ship_to.name)
    printer.set(bold=True, double_height=True)
    _lines(printer, columns, ship_to.street, f"{ship_to.postcode} {ship_to.city}", ship_to.country)
    printer.set(normal_textsize=True, bold=False)
    if ship_to.phone:
        _lines(printer, columns, f"Tel. {ship_to.phone}")
    _rule(printer, columns)
    weight = f"   {label.weight_g / 1000:.2f} kg" if label.weight_g is not None else ""
    _lines(printer, columns, f"Order {label.order_number}")
    _lines(printer, columns, f"Parcel {label.parcel_no}/{label.parcel_count}{weight}")
    _rule(printer, columns)
    _heading(printer, columns, "TRACKING")
    _tracking(printer, label, paper_mm, print_width_dots or PRINTABLE_DOTS[paper_mm])
    printer.cut()


def _lines(printer: Escpos, columns: int, *texts: str) -> None:
    for text in texts:
        # Wrapped here, between words; the printer would cut words at the edge.
        for line in textwrap.wrap(printable(text), columns, break_on_hyphens=False):
            printer.textln(line)


def _heading(printer: Escpos, columns: int, text: str) -> None:
    printer.set(bold=True)
    _lines(printer, columns, text)
    printer.set(bold=False)


def _big(printer: Escpos, columns: int, text: str) -> None:
    printer.set(bold=True, double_width=True, double_height=True)
    _lines(printer, columns // 2, text)
    printer.set(normal_textsize=True, bold=False)


def _rule(printer: Escpos, columns: int) -> None:
    printer.textln("-" * columns)


def code128_data(tracking: str) -> tuple[str, int]:
    """ESC/POS CODE128 data for `tracking`, and how many data symbols it takes.

    Code set B, with runs of four or more digits in code set C (two digits
    per symbol), so a courier's tracking number fits a 58 mm roll. In code
    set C each pair is sent as its value (0 to 99); in code set B "{" is
    written "{{" (ESC/POS GS k, function B, CODE128).
    """
    segments: list[tuple[str, str]] = []
    for run in _RUNS.findall(tracking):
        if len(run) >= 4 and run.isdigit():
            if len(run) % 2:  # an odd run: its first digit stays in code set B
                segments.append(("B", run[0]))
                run = run[1:]
            pairs = "".join(chr(int(run[i : i + 2])) for i in range(0, len(run), 2))
            segments.append(("C", pairs))
        else:
            segments.append(("B", run))
    parts: list[str] = []
    symbols = 0
    current = ""
    for code_set, payload in segments:
        if code_set != current:
            parts.append("{" + code_set)
            symbols += 1 if current else 0  # the first selection is the start symbol
            current = code_set
        parts.append(payload.replace("{", "{{") if code_set == "B" else payload)
        symbols += len(payload)
    return "".join(parts), symbols


def _tracking(printer: Escpos, label: LabelContent, paper_mm: int, dots: int) -> None:
    data = printable(label.barcode_data)
    if label.symbology == "gs1-128":
        problem = _gs1_128(printer, data, paper_mm, dots)
    elif label.symbology == "qr":
        problem = _qr(printer, data, paper_mm, dots)
    elif label.symbology == "datamatrix":
        problem = _datamatrix(printer, data, paper_mm, dots)
    else:  # code128, and anything a newer profile asks that this station does not know
        problem = _code128(printer, data, dots)
    if problem is not None:
        # Without a barcode the label says so, and shows the number to type in.
        _heading(printer, COLUMNS[paper_mm], f"NO BARCODE: tracking {problem}")
        _big(printer, COLUMNS[paper_mm], label.barcode_data)


def _code128(printer: Escpos, data: str, dots: int) -> str | None:
    problem = code128_problem(data)
    if problem is not None:
        return problem
    code, symbols = code128_data(data)
    modules = 11 * (symbols + 2) + 13  # start and check symbols, stop pattern
    for width in _BAR_WIDTHS:
        if modules * width <= dots:
            printer.barcode(code, "CODE128", height=BARCODE_HEIGHT, width=width, function_type="B")
            printer.set(align="left")
            return None
    return f"too long for a Code 128 barcode {dots} dots wide"


def _gs1_128(printer: Escpos, data: str, paper_mm: int, dots: int) -> str | None:
    """An image: not every ESC/POS printer takes the FNC1 that starts a GS1-128."""
    # Imported here, as in _datamatrix: the image libraries load only for these labels.
    from devices.printers.barcode_image import gs1_128_image, gs1_128_width

    sscc = sscc_digits(data)
    if sscc is None:
        return "is not an SSCC for a GS1-128 barcode: (00) and 18 digits"
    for module in _BAR_WIDTHS:
        if gs1_128_width(sscc, module) <= dots:
            # Left, quiet zones included: python-escpos centres an image on the width
            # of its printer profile, which need not be the roll in this printer.
            printer.image(gs1_128_image(sscc, module, BARCODE_HEIGHT))
            _lines(printer, COLUMNS[paper_mm], f"(00) {sscc}")
            return None
    return f"too long for a GS1-128 barcode {dots} dots wide"


def _qr(printer: Escpos, data: str, paper_mm: int, dots: int) -> str | None:
    """Drawn by the printer (GS ( k), with the number under it."""
    problem = code128_problem(data, "QR code")
    if problem is not None:
        return problem
    modules = qr_modules(data)
    side = None if modules is None else modules + 2 * 4  # and a quiet zone of 4 modules
    size = next((n for n in _QR_MODULES if side is not None and side * n <= dots), None)
    if size is None:
        return f"too long for a QR code {dots} dots wide"
    printer.set(align="center")
    printer.qr(data, ec=QR_ECLEVEL_M, size=size, native=True)
    printer.set(align="left")
    _lines(printer, COLUMNS[paper_mm], data)
    return None


def _datamatrix(printer: Escpos, data: str, paper_mm: int, dots: int) -> str | None:
    """An image: ESC/POS has no DataMatrix command that printers share."""
    from devices.printers.barcode_image import datamatrix_image

    problem = code128_problem(data, "DataMatrix")
    if problem is not None:
        return problem
    for module in _MATRIX_MODULES:
        image = datamatrix_image(data, module)
        if image.width <= dots:
            printer.image(image)
            _lines(printer, COLUMNS[paper_mm], data)
            return None
    return f"too long for a DataMatrix {dots} dots wide"
