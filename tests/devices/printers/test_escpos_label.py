"""The ESC/POS label, recorded by python-escpos's Dummy printer and read back as bytes."""

from __future__ import annotations

import dataclasses

import pytest
from escpos.printer import Dummy

from devices.printers.escpos_label import code128_data, print_escpos_label
from tests.helpers.zpl_sim import SHIP_TO, make_label

GS_K_CODE128 = b"\x1dkI"  # GS k 73: CODE128, function type B
CUT = b"\x1dV\x00"


def printed(paper_mm: int = 80, dots: int | None = None, **changes: object) -> bytes:
    dummy = Dummy(profile="TM-T88V")
    print_escpos_label(dummy, make_label(**changes), paper_mm, dots)  # type: ignore[arg-type]
    return bytes(dummy.output)


def barcode_data(output: bytes) -> bytes:
    start = output.index(GS_K_CODE128) + len(GS_K_CODE128)
    length = output[start]
    return output[start + 1 : start + 1 + length]


def test_label_has_the_text_a_barcode_and_a_cut() -> None:
    output = printed()
    for text in (b"FROM", b"PackStation Demo Warehouse", b"PostNL", b"SHIP TO", b"Jan de Vries"):
        assert text in output
    assert b"Keizersgracht 12" in output and b"1015 CS Amsterdam" in output
    assert b"Order SO-100001" in output and b"Parcel 1/2   1.25 kg" in output
    assert output.startswith(b"\x1b@")  # initialised first
    assert output.endswith(CUT)
    expected, _ = code128_data("1Z999AA10123456784")
    assert barcode_data(output) == expected.encode("ascii")


def test_control_characters_in_data_cannot_become_commands() -> None:
    hostile = "Evil\x1b@\x1dV\x00\x10\x04Name\r\nNext"
    output = printed(ship_to=dataclasses.replace(SHIP_TO, name=hostile))
    # ESC and the NUL/DLE/EOT become "?", GS (a separator) and CR LF spaces.
    assert b"Evil?@ V???Name  Next" in output
    assert output.count(CUT) == 1
    assert output.count(b"\x1b@") == 1  # only the initialise we sent


def test_barcode_packs_digit_runs_into_code_set_c() -> None:
    code, symbols = code128_data("1Z999AA10123456784")
    assert code == "{B1Z999AA1{C" + "".join(chr(n) for n in (1, 23, 45, 67, 84))
    assert symbols == len("1Z999AA1") + 1 + 5  # code set B chars, one switch, five pairs
    assert code128_data("{12") == ("{B{{12", 3)
    assert code128_data("123456") == ("{C" + chr(12) + chr(34) + chr(56), 3)


def test_a_58_mm_roll_gets_the_barcode_where_it_fits() -> None:
    output = printed(paper_mm=58, tracking="JD014600006281230701")
    assert GS_K_CODE128 in output
    assert b"-" * 32 + b"\n" in output and b"-" * 33 not in output
    # 189 modules: two dots each is 378, more than a 360-dot head; a 384-dot one takes it.
    assert GS_K_CODE128 not in printed(paper_mm=58, tracking="1Z999AA10123456784")
    assert GS_K_CODE128 in printed(paper_mm=58, dots=384, tracking="1Z999AA10123456784")


@pytest.mark.parametrize("tracking", ["ÄÖ-123", "X" * 60, ""])
def test_a_tracking_no_barcode_can_carry_is_printed_as_text_with_a_note(tracking: str) -> None:
    output = printed(paper_mm=58, tracking=tracking)
    assert GS_K_CODE128 not in output
    assert b"NO BARCODE" in output
    assert output.endswith(CUT)


def test_unknown_roll_width_is_refused() -> None:
    with pytest.raises(ValueError, match="mm"):
        printed(paper_mm=110)
