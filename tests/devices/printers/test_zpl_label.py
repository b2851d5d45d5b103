"""The ZPL label: what it says, that data never becomes commands, and that nothing is cut."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.printers.text import printable
from devices.printers.zpl import LabelDoesNotFit, render_zpl
from station.labels import Address
from station.ports import PrintError
from tests.helpers.zpl_sim import SHIP_TO, Field, commands, fields, make_label

HOSTILE = 'Evil^XZ~JR"\x03'
SHIP_TO_REGION = (345, 345 + 420)  # top and bottom at 203 dpi


def text_fields(zpl: bytes) -> list[Field]:
    return [f for f in fields(zpl) if "FD" in f.commands and "BC" not in f.commands]


def field_with(zpl: bytes, start: str) -> Field:
    matches = [f for f in text_fields(zpl) if f.text.startswith(start)]
    assert len(matches) == 1, [f.text for f in text_fields(zpl)]
    return matches[0]


def assert_one_clean_label(zpl: bytes) -> None:
    found = commands(zpl)
    names = [c.name for c in found]
    assert names.count("XA") == 1 and names.count("XZ") == 1
    assert found[0].name == "XA" and found[-1].name == "XZ"
    assert [c for c in found if c.prefix == "~"] == []
    # 0x10 and 0x1E are a Zebra's other command prefixes; no control byte may appear.
    assert {b for b in zpl if b < 0x20 or b == 0x7F} <= {0x0A}


def test_label_starts_utf8_sets_size_and_carries_every_field() -> None:
    zpl = render_zpl(make_label())
    assert [c.name for c in commands(zpl)][:4] == ["XA", "CI", "PW", "LL"]
    assert b"^CI28" in zpl and b"^PW812" in zpl and b"^LL1218" in zpl
    texts = [f.text for f in text_fields(zpl)]
    for expected in (
        "PackStation Demo Warehouse",
        "12345 Springfield",
        "PostNL",
        "Standard",
        "Jan de Vries",
        "Keizersgracht 12",
        "1015 CS Amsterdam",
        "NL",
        "Tel. +31 20 1234",
        "Order SO-100001",
        "1/2",
        "1.25 kg",
    ):
        assert expected in texts


def test_tracking_is_a_code_128_with_its_interpretation_line() -> None:
    zpl = render_zpl(make_label(tracking="1Z999AA10123456784"))
    [barcode] = [f for f in fields(zpl) if "BC" in f.commands]
    orientation, _, interpretation, above, _, mode = barcode.commands["BC"].split(",")
    assert (orientation, interpretation, above, mode) == ("N", "Y", "N", "A")
    assert barcode.text == "1Z999AA10123456784"


def test_no_weight_no_weight_line() -> None:
    zpl = render_zpl(make_label(weight_g=None))
    assert not any(f.text.endswith(" kg") for f in text_fields(zpl))


def test_hostile_name_prints_as_written_and_cannot_end_or_alter_the_label() -> None:
    label = make_label(dataclasses.replace(SHIP_TO, name=HOSTILE))
    zpl = render_zpl(label)
    assert_one_clean_label(zpl)
    # The control character prints as a visible mark; the rest exactly as written.
    assert field_with(zpl, "Evil").text == 'Evil^XZ~JR"?'


@pytest.mark.parametrize("name", ["under_score", "back\\slash", "tab\there", "^FS^XZ^XA"])
def test_special_characters_survive_the_round_trip(name: str) -> None:
    zpl = render_zpl(make_label(dataclasses.replace(SHIP_TO, name=f"Name {name}")))
    assert_one_clean_label(zpl)
    assert field_with(zpl, "Name").text == printable(f"Name {name}")


def test_hostile_tracking_is_escaped_in_the_barcode_too() -> None:
    zpl = render_zpl(make_label(tracking="AB^XZ~JR_1"))
    assert_one_clean_label(zpl)
    [barcode] = [f for f in fields(zpl) if "BC" in f.commands]
    assert barcode.text == "AB^XZ~JR_1"


def test_tracking_no_barcode_can_carry_is_printed_with_a_note() -> None:
    zpl = render_zpl(make_label(tracking="ÄÖ-123"))
    assert [f for f in fields(zpl) if "BC" in f.commands] == []
    texts = [f.text for f in text_fields(zpl)]
    assert "ÄÖ-123" in texts
    assert any(t.startswith("NO BARCODE") for t in texts)


def ship_to_blocks(zpl: bytes) -> list[Field]:
    top, bottom = SHIP_TO_REGION
    return [f for f in text_fields(zpl) if top <= f.y < bottom]


def test_long_address_wraps_keeping_every_word_and_nothing_overlaps() -> None:
    street = (
        "Rua São João 1234, Apartamento 56, Bloco C, Edifício Jardim das Flores Tropicais, "
        "entrada pela Travessa dos Pescadores Antigos, ao lado da padaria"
    )
    name = "Zoë Müller-Lüdenscheidt de Albuquerque e Vasconcelos Cavalcanti"
    ship_to = Address(name, street, "São José dos Campos", "12245-000", "BR", "+55 12 91234")
    zpl = render_zpl(make_label(ship_to))
    blocks = ship_to_blocks(zpl)
    printed = " ".join(f.text.replace("\n", "") for f in blocks).split()
    for word in f"{name} {street}".split():
        assert word in printed
    street_block = next(f for f in blocks if f.text.startswith("Rua"))
    assert street_block.block is not None and street_block.block[1] >= 3
    bottom = SHIP_TO_REGION[0]
    for block in blocks:
        assert block.block is not None
        _, lines, gap = block.block
        assert block.y >= bottom  # starts below the block before it
        bottom = block.y + lines * block.font_size + (lines - 1) * gap
    assert bottom <= SHIP_TO_REGION[1]


def test_a_word_longer_than_the_line_is_split_across_lines_not_cut() -> None:
    word = "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessenschafe"
    zpl = render_zpl(make_label(dataclasses.replace(SHIP_TO, name=word)))
    [block] = [f for f in ship_to_blocks(zpl) if f.text.replace("\n", "") == word]
    assert block.block is not None and block.block[1] == block.text.count("\n") + 1 > 1


def test_text_too_long_for_any_font_is_refused_with_what_to_do() -> None:
    street = " ".join(["Longstreetname"] * 200)
    with pytest.raises(LabelDoesNotFit, match=r"too long to fit.*shorten it") as raised:
        render_zpl(make_label(dataclasses.replace(SHIP_TO, street=street)))
    assert isinstance(raised.value, PrintError)


def test_300_dpi_scales_the_layout() -> None:
    label = make_label()
    low, high = render_zpl(label, 203), render_zpl(label, 300)
    assert b"^PW1200" in high and b"^LL1800" in high
    low_fields, high_fields = fields(low), fields(high)
    assert [f.text for f in low_fields] == [f.text for f in high_fields]
    for small, large in zip(low_fields, high_fields, strict=True):
        # Each position scales by 300/203; blocks stacked in a region may
        # round a few dots apart.
        assert abs(large.y - small.y * 300 / 203) <= 4
        if "BY" not in small.commands:
            assert abs(large.x - small.x * 300 / 203) <= 1
    [bar_low] = [f for f in low_fields if "BY" in f.commands]
    [bar_high] = [f for f in high_fields if "BY" in f.commands]
    module_low = int(bar_low.commands["BY"].split(",")[0])
    module_high = int(bar_high.commands["BY"].split(",")[0])
    assert module_high > module_low
    # The quiet zone left of the barcode is ten modules wide at either resolution.
    assert (bar_low.x, bar_high.x) == (10 * module_low, 10 * module_high)


def test_output_is_deterministic() -> None:
    assert render_zpl(make_label()) == render_zpl(make_label())


def test_unsupported_dpi_is_refused() -> None:
    with pytest.raises(ValueError, match="dpi"):
        render_zpl(make_label(), dpi=600)


HOSTILE_CHARS = st.sampled_from(list('^~_\\",XAZFSH&\x00\x03\x10\x1e\x1b\n\r\t é€'))
# Text font 0 prints (Western European), so every word is in a text field; other
# scripts become pictures, tried in test_zpl_label_scripts.py.
WESTERN = st.characters(codec="cp1252")
TEXT = st.text(st.one_of(HOSTILE_CHARS, WESTERN), max_size=30)


@settings(max_examples=150, deadline=None)
@given(
    name=TEXT,
    street=TEXT,
    city=TEXT,
    courier=TEXT,
    order=TEXT,
    tracking=TEXT,
)
def test_any_text_makes_exactly_one_label_with_every_word(
    name: str, street: str, city: str, courier: str, order: str, tracking: str
) -> None:
    ship_to = Address(name, street, city, "1015 CS", "NL")
    label = make_label(ship_to, courier=courier, order_number=order, tracking=tracking)
    try:
        zpl = render_zpl(label)
    except LabelDoesNotFit:
        return  # refused whole, with a message: never a cut or broken label
    assert_one_clean_label(zpl)
    printed = " ".join(f.text.replace("\n", "") for f in fields(zpl)).split()
    for word in printable(f"{name} {street} {city} {courier} {order}").split():
        assert word in printed
