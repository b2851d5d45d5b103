"""One rule for what a scan may hold: the scan parser, the serial framing and imports share it."""

from __future__ import annotations

import pytest

from devices.scanners.framing import VALID_BYTES
from station.barcodes import parse_scan
from station.characters import (
    GS,
    first_unprintable,
    first_unscannable,
    is_label_char,
    is_scan_char,
)


@pytest.mark.parametrize("char", ["A", "7", "é", "ß", " ", "-", "ก", "中", GS])
def test_printable_characters_and_fnc1_may_be_scanned(char: str) -> None:
    assert is_scan_char(char)


@pytest.mark.parametrize("char", ["\x00", "\x02", "\x7f", "\t", "\xa0", "\xad", "\u200b", "\u2028"])
def test_controls_and_invisible_characters_may_not(char: str) -> None:
    assert not is_scan_char(char)


def test_serial_framing_uses_the_same_rule_over_latin1() -> None:
    assert frozenset(b for b in range(256) if is_scan_char(chr(b))) == VALID_BYTES


def test_a_scan_is_read_without_what_the_rule_refuses() -> None:
    assert parse_scan("\x02BADGE\u200b-1\x03").text == "BADGE-1"


def test_an_import_is_told_where_the_bad_character_is() -> None:
    assert first_unscannable("SO-\x001") == "control character U+0000 (NULL) at position 4"
    assert first_unscannable("SO-1") is None


def test_a_label_prints_every_script_but_no_emoji() -> None:
    assert is_label_char("ก") and is_label_char("中") and is_label_char("°")
    assert not is_label_char("😀") and not is_label_char("\ue000")
    assert first_unprintable("Zoë ❤") == "character U+2764 (HEAVY BLACK HEART) at position 5"
