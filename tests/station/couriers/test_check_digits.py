"""Check digits catch mistyped tracking numbers the way the standards promise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.couriers.check_digits import (
    is_valid_mod10,
    is_valid_s10,
    make_mod10,
    make_s10,
    mod10_check_digit,
    s10_check_digit,
)

SERIALS = st.integers(min_value=0, max_value=99_999_999)
OTHER_DIGIT = st.integers(min_value=1, max_value=9)


def test_the_upu_example_is_valid() -> None:
    # The S10 example of UPU's standard and of most descriptions of it.
    # By hand: 4*8 + 7*6 + 3*4 + 1*2 + 2*3 + 4*5 + 8*9 + 2*7 = 200; 200 mod 11 = 2; 11 - 2 = 9.
    assert s10_check_digit("47312482") == 9
    assert is_valid_s10("RR473124829GB")
    assert make_s10("RR", 47312482, "GB") == "RR473124829GB"


@pytest.mark.parametrize(
    ("serial", "check"),
    [
        ("00000008", 0),  # 8*7 = 56, 56 mod 11 = 1, 11 - 1 = 10, and 10 becomes 0
        ("00000015", 5),  # 1*9 + 5*7 = 44, 44 mod 11 = 0, 11 - 0 = 11, and 11 becomes 5
        ("00000000", 5),
    ],
)
def test_s10_maps_ten_to_zero_and_eleven_to_five(serial: str, check: int) -> None:
    assert s10_check_digit(serial) == check


@pytest.mark.parametrize(
    "text",
    [
        "RR473124828GB",  # wrong check digit
        "rr473124829gb",  # scanners send capitals; lower case is not an S10 number
        "RR 473 124 829 GB",
        "RR47312482GB",
        "R1473124829GB",
        "RR473124829G",
        "",
    ],
)
def test_malformed_s10_numbers_are_refused(text: str) -> None:
    assert not is_valid_s10(text)


FULLWIDTH_DIGITS = "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18"  # str.isdigit() says yes


@pytest.mark.parametrize("serial", ["1234567", "123456789", "1234567a", FULLWIDTH_DIGITS])
def test_an_s10_serial_is_eight_ascii_digits(serial: str) -> None:
    with pytest.raises(ValueError, match="8 digits"):
        s10_check_digit(serial)


@given(SERIALS)
def test_every_made_s10_number_is_valid(serial: int) -> None:
    assert is_valid_s10(make_s10("CP", serial, "DE"))


@given(SERIALS, st.integers(min_value=2, max_value=10), OTHER_DIGIT)
def test_s10_catches_a_single_wrong_digit_unless_both_checks_are_five(
    serial: int, position: int, delta: int
) -> None:
    good = make_s10("CP", serial, "DE")
    digit = (int(good[position]) + delta) % 10
    typo = good[:position] + str(digit) + good[position + 1 :]
    # S10's one blind spot: weighted sums of 0 and 6 (mod 11) both give the
    # check digit 5, so a typo between two such serials goes unseen.
    if good[10] != "5" or typo[10] != "5":
        assert not is_valid_s10(typo)


def test_the_s10_blind_spot_is_the_standards_not_ours() -> None:
    # 0 * every weight = 0 -> 5; 4 * 7 = 28 = 6 (mod 11) -> 11 - 6 = 5.
    assert is_valid_s10("RR000000005GB")
    assert is_valid_s10("RR000000045GB")


def test_gs1_mod10_matches_published_numbers() -> None:
    assert is_valid_mod10("376104250021234569")  # the SSCC of GS1's general specifications
    assert is_valid_mod10("4006381333931")  # an EAN-13 on a real product
    assert mod10_check_digit("37610425002123456") == 9


@given(
    st.text(alphabet="0123456789", min_size=0, max_size=6),
    st.integers(min_value=0, max_value=10**9 - 1),
    st.data(),
)
def test_mod10_catches_every_single_wrong_digit(
    prefix: str, serial: int, data: st.DataObject
) -> None:
    good = make_mod10(prefix, serial, 9)
    assert is_valid_mod10(good)
    position = data.draw(st.integers(min_value=0, max_value=len(good) - 1))
    digit = (int(good[position]) + data.draw(OTHER_DIGIT)) % 10
    assert not is_valid_mod10(good[:position] + str(digit) + good[position + 1 :])


@pytest.mark.parametrize(
    "text", ["", "7", "37610425002123456X", "3761 0425 0021 2345 69", "\u0663\u0663\u0663"]
)
def test_mod10_refuses_what_is_not_a_number(text: str) -> None:
    assert not is_valid_mod10(text)
