"""Where each part of a courier label goes, for each label size a PDF label comes in.

4x6 in and 100x150 mm share one layout: the top bands are placed from the top
edge and the tracking bands from the bottom edge, so the 7 pt shorter
100x150 mm label takes it out of the address. 100x100 mm has a compact layout
of its own. Every text box is filled by text_fit, which shrinks text to fit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from reportlab.lib.units import inch, mm

from station.ports import PermanentPrintError

log = logging.getLogger(__name__)

PAGE_SIZES: dict[str, tuple[float, float]] = {
    "4x6": (4 * inch, 6 * inch),
    "100x150": (100 * mm, 150 * mm),
    "100x100": (100 * mm, 100 * mm),
}
# Receipt rolls are printed by ESC/POS printers. A PDF printer (the default,
# writing files) given such a label prints it on the generic 4x6 in label
# rather than refuse a parcel the station has already sealed.
ROLL_SIZES = frozenset(("58mm", "80mm"))
DEFAULT_SIZE = "4x6"


@dataclass(frozen=True)
class Box:
    """A rectangle on the label; `top` is its distance from the label's top edge."""

    x: float
    top: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def right(self) -> float:
        return self.x + self.width


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    margin: float
    sender: Box
    parcel: Box
    courier: Box
    logo: Box | None
    ship_to: Box
    sort_code: Box | None
    order: Box
    tracking: Box
    rules: tuple[tuple[float, float], ...]  # (distance from the top, thickness)
    bar_height: float  # of a linear tracking barcode
    compact: bool = False  # little room: the sender's address on fewer lines


def page_size(size: str) -> tuple[float, float]:
    """The page for a label size, in points.

    Raises:
        PermanentPrintError: `size` is no label size.
    """
    if size in ROLL_SIZES:
        log.info("a %s roll label is printed as a %s PDF label", size, DEFAULT_SIZE)
        size = DEFAULT_SIZE
    if size not in PAGE_SIZES:
        raise PermanentPrintError(
            f"The label size {size!r} is unknown: a PDF label is 4x6, 100x150 or 100x100. "
            "Fix label_size in the courier's profile, then print the label again."
        )
    return PAGE_SIZES[size]


def layout_for(size: str, *, sort_code: bool, logo: bool) -> Layout:
    """The layout of a `size` label, with room for a sort code and a logo if there are any."""
    width, height = page_size(size)
    if height < 5 * inch:
        return _compact(width, height, sort_code, logo)
    return _tall(width, height, sort_code, logo)


def _tall(width: float, height: float, sort_code: bool, logo: bool) -> Layout:
    margin, logo_width, sort_height = 10.0, 96.0, 46.0
    inner = width - 2 * margin
    courier_width = inner - (logo_width + 8 if logo else 0)
    order_rule = height - 160
    ship_bottom = order_rule - 4 - (sort_height if sort_code else 0)
    rules = [(64.0, 1.0), (122.0, 2.0), (order_rule, 1.0), (height - 130, 1.0)]
    if sort_code:
        rules.append((order_rule - sort_height, 1.0))
    return Layout(
        width=width,
        height=height,
        margin=margin,
        sender=Box(margin, margin, inner * 0.615, 50),
        parcel=Box(margin + inner * 0.683, margin, inner * 0.317, 50),
        courier=Box(margin, 68, courier_width, 50),
        logo=Box(width - margin - logo_width, 68, logo_width, 50) if logo else None,
        ship_to=Box(margin, 126, inner, ship_bottom - 126),
        sort_code=Box(margin, order_rule - sort_height + 3, inner, sort_height - 6)
        if sort_code
        else None,
        order=Box(margin, order_rule + 4, inner, 26),
        tracking=Box(margin, height - 130, inner, 120),
        rules=tuple(rules),
        bar_height=86.0,
    )


def _compact(width: float, height: float, sort_code: bool, logo: bool) -> Layout:
    margin, logo_width, sort_width = 8.0, 64.0, 84.0
    inner = width - 2 * margin
    tracking = Box(margin, height - margin - 84, inner, 84)
    order = Box(margin, tracking.top - 24, inner, 16)
    ship_width = inner - (sort_width + 6 if sort_code else 0)
    ship_to = Box(margin, 82, ship_width, order.top - 8 - 82)
    return Layout(
        width=width,
        height=height,
        margin=margin,
        sender=Box(margin, margin, inner * 0.615, 30),
        parcel=Box(margin + inner * 0.683, margin, inner * 0.317, 30),
        courier=Box(margin, 46, inner - (logo_width + 6 if logo else 0), 28),
        logo=Box(width - margin - logo_width, 46, logo_width, 28) if logo else None,
        ship_to=ship_to,
        sort_code=Box(width - margin - sort_width, ship_to.top, sort_width, ship_to.height)
        if sort_code
        else None,
        order=order,
        tracking=tracking,
        rules=((42.0, 1.0), (78.0, 2.0), (order.top - 4, 1.0), (tracking.top - 4, 1.0)),
        bar_height=50.0,
        compact=True,
    )
