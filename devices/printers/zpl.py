"""A courier label in ZPL II for a 4x6 in label at 203 or 300 dpi.

Order data is never printer commands: every field goes through ^FH, where
the command prefixes ^ and ~ and the hex indicator _ itself are written as
hex (_5E, _7E, _5F), and control characters never reach the output at all
(see devices.printers.text). A name such as `Evil^XZ~JR` prints as written
and cannot end the label or reset the printer.

The layout is drawn in 203-dpi dots and scaled, so a 300 dpi label looks the
same. The output depends on nothing but the label and the dpi, so a resend
sends the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from devices.printers.text import code128_problem, printable
from devices.printers.zpl_fit import Block, Para, fit
from station.labels import Address, LabelContent
from station.ports import PermanentPrintError

DESIGN_DPI = 203
SUPPORTED_DPI = (203, 300)
WIDTH, HEIGHT = 812, 1218  # 4 x 6 in at 203 dpi
MIN_FONT = 16
_RULES = ((180, 3), (330, 6), (775, 3), (870, 3))  # (top, thickness)
_BAR_TOP, _BAR_HEIGHT, _BAR_TEXT = 925, 190, 30
_MODULES = (3, 2, 1)  # Code 128 module widths to try, widest first
_QUIET_MODULES = 10


class LabelDoesNotFit(PermanentPrintError):
    """The label's data is too long for a 4x6 in label, even in the smallest font."""


@dataclass(frozen=True)
class _Region:
    x: int
    y: int
    w: int
    h: int


_SENDER = _Region(20, 20, 500, 150)
_PARCEL = _Region(540, 20, 252, 150)
_COURIER = _Region(20, 195, 772, 125)
_SHIP_TO = _Region(20, 345, 772, 420)
_ORDER = _Region(20, 790, 772, 70)
_TRACKING_TITLE = _Region(20, 885, 772, 30)
_NO_BARCODE = _Region(20, 925, 772, 270)


class _Scale:
    def __init__(self, dpi: int) -> None:
        self.dpi = dpi

    def __call__(self, dots: int) -> int:
        return round(dots * self.dpi / DESIGN_DPI)

    def region(self, region: _Region) -> _Region:
        return _Region(self(region.x), self(region.y), self(region.w), self(region.h))


def render_zpl(label: LabelContent, dpi: int = 203) -> bytes:
    """The label as one ZPL II format (^XA ... ^XZ), UTF-8 encoded.

    Raises:
        LabelDoesNotFit: some text is too long for the label even in the
            smallest font; the message names it and says what to do.
        ValueError: `dpi` is not 203 or 300.
    """
    if dpi not in SUPPORTED_DPI:
        raise ValueError(f"ZPL labels are made for {SUPPORTED_DPI} dpi, not {dpi}")
    s = _Scale(dpi)
    order = f"order {printable(label.order_number)}"
    commands = ["^XA", "^CI28", f"^PW{s(WIDTH)}", f"^LL{s(HEIGHT)}", "^LH0,0"]
    commands += _text(
        s, _SENDER, _sender_paras(label.sender), "sender address", "[sender] settings"
    )
    commands += _text(s, _PARCEL, _parcel_paras(label), f"parcel count of {order}", order)
    commands += _text(s, _COURIER, _courier_paras(label), f"courier of {order}", order)
    commands += _text(s, _SHIP_TO, _ship_to_paras(label.ship_to), f"address of {order}", order)
    commands += _text(s, _ORDER, [Para(f"Order {label.order_number}", 44)], "order number", order)
    commands += [f"^FO{s(20)},{s(top)}^GB{s(772)},{s(t)},{s(t)}^FS" for top, t in _RULES]
    commands += _text(s, _TRACKING_TITLE, [Para("TRACKING", 22)], "title", "layout")
    commands += _tracking(s, label.tracking, order)
    commands.append("^XZ")
    return "\n".join(commands).encode("utf-8")


def field_data(text: str, *, block: bool) -> str:
    """`text` as ^FH field data: prefixes and the hex indicator as hex.

    In a field block (^FB) a backslash starts an escape of its own (`\\&` is a
    line break), so there it is doubled, the way ^FB writes a backslash.
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


def _sender_paras(sender: Address) -> list[Para]:
    lines = (sender.name, sender.street, f"{sender.postcode} {sender.city}", sender.country)
    return [Para("FROM", 20), *(Para(line, 28 if i == 0 else 24) for i, line in enumerate(lines))]


def _parcel_paras(label: LabelContent) -> list[Para]:
    paras = [Para("PARCEL", 20), Para(f"{label.parcel_no}/{label.parcel_count}", 80)]
    if label.weight_g is not None:
        paras.append(Para(f"{label.weight_g / 1000:.2f} kg", 36))
    return paras


def _courier_paras(label: LabelContent) -> list[Para]:
    return [Para(label.courier, 64), Para(label.service, 40)]


def _ship_to_paras(ship_to: Address) -> list[Para]:
    paras = [
        Para("SHIP TO", 24),
        Para(ship_to.name, 64),
        Para(ship_to.street, 48),
        Para(f"{ship_to.postcode} {ship_to.city}", 48),
        Para(ship_to.country, 48),
    ]
    if ship_to.phone:
        paras.append(Para(f"Tel. {ship_to.phone}", 32))
    return paras


def _text(s: _Scale, region: _Region, paras: Sequence[Para], what: str, where: str) -> list[str]:
    """The ^FB fields for `paras` in `region`; `what` and `where` name them for the packer."""
    box = s.region(region)
    # Fit on printable text: that is what the printer gets and what we measure.
    scaled = [Para(printable(p.text), s(p.size)) for p in paras]
    blocks = fit(scaled, box.w, box.h, s(MIN_FONT))
    if blocks is None:
        raise LabelDoesNotFit(
            f"The {what} is too long to fit on the label even in the smallest font: "
            f"shorten it in the {where}, then print the label again."
        )
    return [_block(box, block) for block in blocks]


def _block(box: _Region, block: Block) -> str:
    data = " ".join(
        "\\&".join(field_data(chunk, block=True) for chunk in chunks) for chunks in block.words
    )
    return (
        f"^FO{box.x},{box.y + block.top}^A0N,{block.size},{block.size}"
        f"^FB{box.w},{block.lines},{block.gap},L,0^FH_^FD{data}^FS"
    )


def code128_modules(data: str) -> int:
    """Modules of `data` in Code 128 subset B (start, data, check, stop).

    The printer's automatic mode packs digit runs into subset C, so the real
    symbol is never wider than this.
    """
    return 11 * (len(data) + 2) + 13


def _tracking(s: _Scale, tracking: str, order: str) -> list[str]:
    data = printable(tracking)
    problem = code128_problem(data)
    if problem is None:
        modules = code128_modules(data)
        for module in sorted({max(1, s(m)) for m in _MODULES}, reverse=True):
            quiet = _QUIET_MODULES * module
            if 2 * quiet + modules * module <= s(WIDTH):
                return [
                    f"^FO{quiet},{s(_BAR_TOP)}^BY{module},3,{s(_BAR_HEIGHT)}"
                    f"^A0N,{s(_BAR_TEXT)},{s(_BAR_TEXT)}"
                    f"^BCN,{s(_BAR_HEIGHT)},Y,N,N,A^FH_^FD{field_data(data, block=False)}^FS"
                ]
        problem = "too long for a Code 128 barcode on this label"
    # No barcode, and the label says so: a courier scanner would otherwise
    # find nothing and nobody would know why.
    paras = [Para(f"NO BARCODE: tracking {problem}", 28), Para(tracking, 48)]
    return _text(s, _NO_BARCODE, paras, f"tracking number of {order}", order)
