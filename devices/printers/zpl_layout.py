"""Where each part of a ZPL courier label goes, per label size.

A layout is drawn in 203-dpi dots and scaled to the printer's resolution, so a 300 dpi
label looks the same. Tall labels (4x6 in, 100x150 mm) stack sender and parcel, courier
and sort code, the address, the order, and the tracking barcode; the 100x100 mm label
keeps the same order in less height, with smaller text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from station.couriers.profiles import LabelSize
from station.ports import PermanentPrintError

DESIGN_DPI = 203
MM_PER_INCH = 25.4
ZPL_SIZES = (LabelSize.IN_4X6, LabelSize.MM_100X150, LabelSize.MM_100X100)


class LabelSizeNotSupported(PermanentPrintError):
    """The label asks for a size a ZPL label printer does not print (a receipt roll)."""


@dataclass(frozen=True)
class Region:
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True)
class Layout:
    """A label's regions in printer dots; `text_scale` shrinks the preferred fonts."""

    dpi: int
    width: int
    height: int
    text_scale: float
    sender: Region
    parcel: Region
    courier: Region
    courier_beside_sort: Region  # the courier's room when a sort code takes the right side
    sort_code: Region
    ship_to: Region
    order: Region
    tracking_title: Region
    symbol: Region  # the tracking barcode and what goes with it
    rules: tuple[tuple[int, int], ...]  # horizontal lines: (top, thickness)
    bar_height: int
    bar_text: int  # the font height of a barcode's human-readable line
    margin: int

    def dots(self, design: float) -> int:
        """Design dots (203 dpi) in this printer's dots."""
        return round(design * self.dpi / DESIGN_DPI)

    def font(self, design: int) -> int:
        """A preferred font height in printer dots, scaled for this size."""
        return self.dots(design * self.text_scale)


def layout_for(size: str, dpi: int) -> Layout:
    """The layout of a label of `size` (a LabelSize value) at `dpi`.

    Raises:
        LabelSizeNotSupported: `size` is a receipt roll or unknown.
    """
    if size not in {s.value for s in ZPL_SIZES}:
        raise LabelSizeNotSupported(
            f"The courier's label size {size!r} cannot be printed on a ZPL label printer, "
            f"which takes {', '.join(s.value for s in ZPL_SIZES)} labels: set label_size in "
            "the courier's profile to one of those, or print this courier on an ESC/POS "
            "receipt printer."
        )
    label_size = LabelSize(size)
    height_mm = label_size.height_mm
    assert height_mm is not None  # only rolls have no height, and they were refused above
    width = _design_dots(label_size.width_mm)
    height = _design_dots(height_mm)
    design = _compact(width, height) if label_size is LabelSize.MM_100X100 else _tall(width, height)
    return _scaled(design, dpi)


def _design_dots(mm: float) -> int:
    return round(mm / MM_PER_INCH * DESIGN_DPI)


def _tall(width: int, height: int) -> Layout:
    inner = width - 40
    return Layout(
        dpi=DESIGN_DPI,
        width=width,
        height=height,
        text_scale=1.0,
        sender=Region(20, 20, width - 312, 150),
        parcel=Region(width - 272, 20, 252, 150),
        courier=Region(20, 195, inner, 125),
        courier_beside_sort=Region(20, 195, width // 2 - 40, 125),
        sort_code=Region(width // 2, 188, width // 2 - 20, 136),
        ship_to=Region(20, 345, inner, 420),
        order=Region(20, 790, inner, 70),
        tracking_title=Region(20, 885, inner, 30),
        symbol=Region(20, 925, inner, height - 925 - 20),
        rules=((180, 3), (330, 6), (775, 3), (870, 3)),
        bar_height=190,
        bar_text=30,
        margin=20,
    )


def _compact(width: int, height: int) -> Layout:
    inner = width - 30
    return Layout(
        dpi=DESIGN_DPI,
        width=width,
        height=height,
        text_scale=0.75,
        sender=Region(15, 12, width - 240, 92),
        parcel=Region(width - 215, 12, 200, 92),
        courier=Region(15, 122, inner, 80),
        courier_beside_sort=Region(15, 122, width // 2 - 30, 80),
        sort_code=Region(width // 2, 116, width // 2 - 15, 90),
        ship_to=Region(15, 222, inner, 266),
        order=Region(15, 503, inner, 36),
        tracking_title=Region(15, 553, inner, 22),
        symbol=Region(15, 582, inner, height - 582 - 12),
        rules=((112, 3), (212, 6), (495, 3), (545, 3)),
        bar_height=140,
        bar_text=26,
        margin=15,
    )


def _scaled(design: Layout, dpi: int) -> Layout:
    target = replace(design, dpi=dpi)
    dots = target.dots

    def region(r: Region) -> Region:
        return Region(dots(r.x), dots(r.y), dots(r.w), dots(r.h))

    return replace(
        target,
        width=dots(design.width),
        height=dots(design.height),
        sender=region(design.sender),
        parcel=region(design.parcel),
        courier=region(design.courier),
        courier_beside_sort=region(design.courier_beside_sort),
        sort_code=region(design.sort_code),
        ship_to=region(design.ship_to),
        order=region(design.order),
        tracking_title=region(design.tracking_title),
        symbol=region(design.symbol),
        rules=tuple((dots(top), dots(thickness)) for top, thickness in design.rules),
        bar_height=dots(design.bar_height),
        bar_text=dots(design.bar_text),
        margin=dots(design.margin),
    )
