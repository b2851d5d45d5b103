"""The import's text limits are what a label fits: every field at its longest still prints.

station.label_rules promises that an order it lets through can be labelled; this
renders the worst such order as a PDF (every label size) and as ZPL, and checks
that the longest tracking number still fits its barcode.
"""

from __future__ import annotations

import pytest

from devices.pdf.pdf_label import render_label_pdf
from devices.printers.zpl import render_zpl
from station.label_rules import LABEL_TEXT_LIMITS
from station.labels import Address, LabelContent

L = LABEL_TEXT_LIMITS


def longest(limit: int, word: str = "Wide") -> str:
    text = (word + " ") * (limit // (len(word) + 1) + 1)
    return text[:limit].rstrip() + "W" * (limit - len(text[:limit].rstrip()))


def worst_label(size: str) -> LabelContent:
    ship_to = Address(
        longest(L["ship_to_name"], "Wolfeschlegelsteinhausen"),
        longest(L["ship_to_street"], "Hauptstraße"),
        longest(L["ship_to_city"], "Llanfairpwllgwyngyll"),
        "W" * L["ship_to_postcode"],
        "DE",
        "+" + "9" * (L["ship_to_phone"] - 1),
    )
    sender = Address("PackStation Demo Warehouse", "1 Logistics Way", "Springfield", "12345", "US")
    return LabelContent(
        sender=sender,
        ship_to=ship_to,
        order_number="W" * L["number"],
        courier=longest(L["courier"]),
        service=longest(L["service"]),
        tracking="W" * L["tracking"],
        weight_g=1_000_000,
        size=size,
    )


@pytest.mark.parametrize("size", ["4x6", "100x150", "100x100", "58mm", "80mm"])
def test_a_label_with_every_field_at_its_limit_makes_a_pdf(size: str) -> None:
    assert render_label_pdf(worst_label(size)).startswith(b"%PDF")


def test_a_label_with_every_field_at_its_limit_makes_zpl() -> None:
    assert render_zpl(worst_label("4x6")).startswith(b"^XA")
