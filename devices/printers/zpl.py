"""A courier label in ZPL II: 4x6 in, 100x150 mm or 100x100 mm, at 203 or 300 dpi.

Order data is never printer commands: every field goes through ^FH, where
the command prefixes ^ and ~ and the hex indicator _ itself are written as
hex (_5E, _7E, _5F), and control characters never reach the output at all
(see devices.printers.text). A name such as `Evil^XZ~JR` prints as written
and cannot end the label or reset the printer.

Text is printed in the printer's font 0 (UTF-8, ^CI28) when that font has every
character (Western European Latin); a paragraph in any other script (Thai,
Chinese, Vietnamese, Polish...) is drawn here with an installed font that has
it and sent as a ^GF picture, which any ZPL printer prints.

The size comes from the courier's profile (see devices.printers.zpl_layout), the
barcode from its symbology (see devices.printers.zpl_symbols). The output
depends on nothing but the label, the dpi and the installed fonts, so a resend
sends the same bytes.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from devices.printers.text import printable, printer_font_can_print, zpl_field_data
from devices.printers.zpl_fit import Block, Para, fit
from devices.printers.zpl_layout import (
    DESIGN_DPI,
    LabelSizeNotSupported,
    Layout,
    Region,
    layout_for,
)
from devices.printers.zpl_symbols import Symbol, tracking_symbol
from station.labels import Address, LabelContent
from station.ports import PermanentPrintError

__all__ = [
    "DESIGN_DPI",
    "HEIGHT",
    "SUPPORTED_DPI",
    "WIDTH",
    "LabelDoesNotFit",
    "LabelSizeNotSupported",
    "TextHasNoFont",
    "render_zpl",
]

SUPPORTED_DPI = (203, 300)
WIDTH, HEIGHT = 812, 1218  # a 4 x 6 in label at 203 dpi
MIN_FONT = 16
_SORT_FRAME, _SORT_PADDING = 4, 10


class LabelDoesNotFit(PermanentPrintError):
    """The label's data is too long for the label, even in the smallest font."""


class TextHasNoFont(PermanentPrintError):
    """Label text in a script no font on this computer (or in the printer) can draw."""


def render_zpl(label: LabelContent, dpi: int = 203) -> bytes:
    """The label as one ZPL II format (^XA ... ^XZ), UTF-8 encoded.

    Raises:
        LabelDoesNotFit: some text is too long for the label even in the
            smallest font; the message names it and says what to do.
        LabelSizeNotSupported: the label's size is a receipt roll.
        TextHasNoFont: some text is in a script no installed font has.
        ValueError: `dpi` is not 203 or 300.
    """
    if dpi not in SUPPORTED_DPI:
        raise ValueError(f"ZPL labels are made for {SUPPORTED_DPI} dpi, not {dpi}")
    layout = layout_for(label.size, dpi)
    text = functools.partial(_text, layout)
    order = f"order {printable(label.order_number)}"
    commands = ["^XA", "^CI28", f"^PW{layout.width}", f"^LL{layout.height}", "^LH0,0"]
    commands += text(
        layout.sender, _sender_paras(label.sender), "sender address", "[sender] settings"
    )
    commands += text(layout.parcel, _parcel_paras(label), f"parcel count of {order}", order)
    courier = layout.courier_beside_sort if label.sort_code else layout.courier
    commands += text(courier, _courier_paras(label), f"courier of {order}", order)
    if label.sort_code:
        commands += _sort_code(layout, label.sort_code, order)
    commands += text(layout.ship_to, _ship_to_paras(label.ship_to), f"address of {order}", order)
    commands += text(layout.order, [Para(f"Order {label.order_number}", 44)], "order number", order)
    margin, inner = layout.margin, layout.width - 2 * layout.margin
    commands += [f"^FO{margin},{top}^GB{inner},{t},{t}^FS" for top, t in layout.rules]
    commands += text(layout.tracking_title, [Para("TRACKING", 22)], "title", "layout")
    commands += _tracking(layout, label, order)
    commands.append("^XZ")
    return "\n".join(commands).encode("utf-8")


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


def _sort_code(layout: Layout, sort_code: str, order: str) -> list[str]:
    """The courier's routing code, big in a frame, where a sorter looks first."""
    box = layout.sort_code
    frame = f"^FO{box.x},{box.y}^GB{box.w},{box.h},{layout.dots(_SORT_FRAME)}^FS"
    pad = layout.dots(_SORT_PADDING)
    inside = Region(box.x + pad, box.y + pad, box.w - 2 * pad, box.h - 2 * pad)
    what, where = f"sort code of {order}", "courier profile's routing"
    return [frame, *_text(layout, inside, [Para(sort_code, 110)], what, where, centred=True)]


def _tracking(layout: Layout, label: LabelContent, order: str) -> list[str]:
    data = printable(label.barcode_data)
    symbol = tracking_symbol(layout, label.symbology, data)
    if isinstance(symbol, Symbol):
        commands = list(symbol.commands)
        if symbol.caption is not None:
            paras = [Para(symbol.caption_text, 40)]
            commands += _text(layout, symbol.caption, paras, f"tracking number of {order}", order)
        return commands
    # No barcode, and the label says so: a courier scanner would otherwise
    # find nothing and nobody would know why.
    paras = [Para(f"NO BARCODE: tracking {symbol}", 28), Para(label.barcode_data, 48)]
    return _text(layout, layout.symbol, paras, f"tracking number of {order}", order)


def _text(
    layout: Layout,
    box: Region,
    paras: Sequence[Para],
    what: str,
    where: str,
    *,
    centred: bool = False,
) -> list[str]:
    """The fields for `paras` in `box`; `what` and `where` name them for the packer.

    `centred` puts the text in the middle of the box, across and down.
    """
    # Fit on printable text: that is what the printer gets and what we measure.
    scaled = [Para(printable(p.text), layout.font(p.size)) for p in paras]
    blocks = fit(scaled, box.w, box.h, layout.dots(MIN_FONT))
    if blocks is None:
        raise _does_not_fit(what, where)
    if centred and blocks:
        spare = box.h - (blocks[-1].top + blocks[-1].height)
        box = Region(box.x, box.y + spare // 2, box.w, box.h - spare // 2)
    return [_field(box, block, what, where, centred) for block in blocks]


def _does_not_fit(what: str, where: str) -> LabelDoesNotFit:
    return LabelDoesNotFit(
        f"The {what} is too long to fit on the label even in the smallest font: "
        f"shorten it in the {where}, then print the label again."
    )


def _field(box: Region, block: Block, what: str, where: str, centred: bool) -> str:
    text = " ".join("".join(chunks) for chunks in block.words)
    if printer_font_can_print(text):
        return _block(box, block, "C" if centred else "L")
    return _picture(box, block, text, what, where, centred)


def _block(box: Region, block: Block, justify: str) -> str:
    data = " ".join(
        "\\&".join(zpl_field_data(chunk, block=True) for chunk in chunks) for chunks in block.words
    )
    return (
        f"^FO{box.x},{box.y + block.top}^A0N,{block.size},{block.size}"
        f"^FB{box.w},{block.lines},{block.gap},{justify},0^FH_^FD{data}^FS"
    )


def _picture(box: Region, block: Block, text: str, what: str, where: str, centred: bool) -> str:
    """`text` drawn here in the block's place, for a script font 0 does not have."""
    # Imported here: Pillow, numpy and the font scan load only for such text.
    from devices.printers.text_image import MissingGlyphs, paragraph_image
    from devices.printers.zpl_graphic import image_to_gfa

    try:
        image = paragraph_image(text, box.w, block.size, block.gap, block.lines)
    except MissingGlyphs as exc:
        raise TextHasNoFont(
            f"The {what} has characters no font on this computer can draw "
            f"({exc.chars}): install a font that has them (on Debian: fonts-noto-core "
            "for most scripts, fonts-droid-fallback for Chinese, Japanese and Korean), "
            "then print the label again."
        ) from exc
    if image is None:
        raise _does_not_fit(what, where)
    x = box.x + ((box.w - image.width) // 2 if centred else 0)
    return f"^FO{x},{box.y + block.top}{image_to_gfa(image)}^FS"
