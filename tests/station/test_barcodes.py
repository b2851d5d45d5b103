"""Scan normalisation: one product whatever form its GTIN is scanned in, text left alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.barcodes import (
    GS,
    gtin_check_digit,
    is_valid_gtin,
    normalise_code,
    parse_scan,
    to_gtin14,
)

UPC = "036000291452"
GTIN14 = "00036000291452"


@pytest.mark.parametrize(
    "scan",
    [
        UPC,
        "0" + UPC,
        "00" + UPC,
        "]E00036000291452",
        "]E0" + UPC,
        "(01)00036000291452",
        "0100036000291452",
        "]e00100036000291452",
        "]C10100036000291452",
        f"]d20100036000291452{GS}",
        "]Q3(01)00036000291452",
        f"  {UPC}  ",
        f"{UPC}\r\n",
        f"\x02{UPC}\x03",
    ],
)
def test_every_form_of_one_gtin_finds_the_upc_a_product(scan: str) -> None:
    assert parse_scan(scan).code == normalise_code(UPC) == GTIN14
    assert parse_scan(scan).gtin == GTIN14


@pytest.mark.parametrize(
    ("scan", "text", "symbology"),
    [
        ("]E00036000291452", "0036000291452", "]E0"),
        ("]A0ORDER-1042", "ORDER-1042", "]A0"),
        ("]Q3CMD-LOGOUT", "CMD-LOGOUT", "]Q3"),
        ("]d2 B-17 ", "B-17", "]d2"),
        ("1042", "1042", None),
        ("]", "]", None),
        ("]E", "]E", None),
    ],
)
def test_text_drops_the_symbology_identifier(scan: str, text: str, symbology: str | None) -> None:
    parsed = parse_scan(scan)
    assert (parsed.text, parsed.symbology) == (text, symbology)


@pytest.mark.parametrize(
    "scan",
    [
        "100234",  # order number: 6 digits is no GTIN length
        "012345678901",  # 12-digit badge with a wrong check digit
        "036000291453",  # UPC-A with a wrong check digit
        "00012345",  # 8 digits, wrong check digit
        "0042",  # leading zeros of text are kept
        "CMD-SEAL",
        "(01)00036000291453",  # element string with a bad GTIN check digit
        "(01)00036000291452(05)X",  # no AI 05 in the GS1 General Specifications
        "(01)00036000291452(10)A(10)B",  # an AI twice
        "(01)00036000291452(",  # a stray parenthesis
        "(01)00036000291452(17)251301",  # month 13
        "(01)00036000291452(17)250230",  # 30 February
        "0100036000291453",  # starts with 01 but the GTIN is wrong
        "01000360002914521",  # trailing digit that is no AI
        "01",
        "(01)",
        "(10)" + "L" * 21,  # lot longer than 20
    ],
)
def test_text_that_is_no_valid_gtin_is_kept_as_is(scan: str) -> None:
    parsed = parse_scan(scan)
    assert parsed.code == parsed.text == scan
    assert parsed.gtin is None
    assert (parsed.lot, parsed.expiry, parsed.serial) == (None, None, None)


def test_parenthesised_element_string_gives_lot_expiry_and_serial() -> None:
    parsed = parse_scan("(01)00036000291452(17)261231(10)LOT-7(21)SN0001")
    assert parsed.code == GTIN14
    assert (parsed.lot, parsed.expiry, parsed.serial) == ("LOT-7", "2026-12-31", "SN0001")


def test_typed_element_string_with_spaces_is_read() -> None:
    parsed = parse_scan("(01) 00036000291452 (10) A1")
    assert (parsed.code, parsed.lot) == (GTIN14, "A1")


def test_raw_element_string_uses_gs_to_end_variable_fields() -> None:
    parsed = parse_scan(f"]d2010003600029145210ABC{GS}21XYZ{GS}17250615")
    assert parsed.code == GTIN14
    assert (parsed.lot, parsed.serial, parsed.expiry) == ("ABC", "XYZ", "2025-06-15")
    assert parsed.symbology == "]d2"


def test_variable_field_runs_to_the_end_without_gs() -> None:
    parsed = parse_scan("]C10100036000291452172501001012345")
    assert (parsed.expiry, parsed.lot) == ("2025-01-31", "12345")


def test_element_string_without_symbology_identifier_is_read_when_it_starts_with_01() -> None:
    parsed = parse_scan(f"010003600029145221S1{GS}10L1")
    assert (parsed.code, parsed.serial, parsed.lot) == (GTIN14, "S1", "L1")


# GS1's own example GTIN (GS1 General Specifications), company prefix 950110153.
GS1_EXAMPLE = "09501101530003"


@pytest.mark.parametrize(
    "scan",
    [
        "(01)09501101530003(3103)000250",  # printed form: GTIN and net weight 0.250 kg
        "(01) 09501101530003 (3103) 000250",  # typed as printed under the bars
        "]C10109501101530003310300025010LOT1",  # GS1-128: fixed 3103, then a lot
        "0109501101530003" + "3103000250",  # a wedge that drops the identifier
    ],
)
def test_net_weight_ai_3103_with_a_gtin_is_the_product(scan: str) -> None:
    parsed = parse_scan(scan)
    assert (parsed.code, parsed.gtin, parsed.net_weight_g) == (GS1_EXAMPLE, GS1_EXAMPLE, 250)


def test_gs1_datamatrix_with_ai_240_reads_gtin_expiry_and_lot() -> None:
    parsed = parse_scan(f"]d201{GS1_EXAMPLE}1714070410AB-123{GS}240PART-7")
    assert (parsed.symbology, parsed.code) == ("]d2", GS1_EXAMPLE)
    assert (parsed.expiry, parsed.lot) == ("2014-07-04", "AB-123")


@pytest.mark.parametrize(
    ("scan", "lot", "serial"),
    [
        (f"]Q301{GS1_EXAMPLE}21SER1{GS}10L2", "L2", "SER1"),  # GS1 QR Code
        (f"]e001{GS1_EXAMPLE}1726123110L3{GS}3103001234", "L3", None),  # GS1 DataBar
        (f"]J101{GS1_EXAMPLE}10L4{GS}21S4", "L4", "S4"),  # GS1 DotCode
    ],
)
def test_gs_ends_a_variable_length_field_in_the_middle(
    scan: str, lot: str, serial: str | None
) -> None:
    parsed = parse_scan(scan)
    assert (parsed.code, parsed.lot, parsed.serial) == (GS1_EXAMPLE, lot, serial)


def test_ais_beyond_lot_expiry_and_serial_are_read_not_refused() -> None:
    scan = f"(01){GS1_EXAMPLE}(17)251231(10)ABC(21)123456(30)12(7003)2512311430(240)P-1"
    parsed = parse_scan(scan)
    assert (parsed.code, parsed.expiry, parsed.lot, parsed.serial) == (
        GS1_EXAMPLE,
        "2025-12-31",
        "ABC",
        "123456",
    )


@pytest.mark.parametrize(
    "scan",
    [
        "(00)395011010013000008",  # an SSCC (a pallet or parcel) is no product
        "]C100395011010013000008",
        f"]C101{GS1_EXAMPLE}3103ABCDEF",  # a weight must be digits
        f"]d201{GS1_EXAMPLE}17140704{GS}10" + "L" * 21,  # lot over 20 characters
    ],
)
def test_element_strings_without_a_valid_gtin_find_no_product(scan: str) -> None:
    parsed = parse_scan(scan)
    assert parsed.gtin is None
    assert parsed.code == parsed.text


@pytest.mark.parametrize(
    ("yymmdd", "iso"),
    [
        ("240200", "2024-02-29"),
        ("250200", "2025-02-28"),
        ("251100", "2025-11-30"),
        ("250101", "2025-01-01"),
    ],
)
def test_expiry_day_00_means_last_day_of_month(yymmdd: str, iso: str) -> None:
    assert parse_scan(f"(01){GTIN14}(17){yymmdd}").expiry == iso


def test_ignored_date_and_content_ais_are_accepted() -> None:
    parsed = parse_scan(f"(01){GTIN14}(11)240101(13)240101(15)260100(02){GTIN14}")
    assert parsed.code == GTIN14
    assert parsed.expiry is None


def test_gs1_symbology_without_gtin_keeps_text_as_code_but_reads_lot() -> None:
    parsed = parse_scan("]C110LOT9")
    assert (parsed.code, parsed.lot, parsed.gtin) == ("10LOT9", "LOT9", None)


def test_control_characters_stay_in_raw_but_not_in_text() -> None:
    parsed = parse_scan("\x00B-17\x7f\n")
    assert parsed.raw == "\x00B-17\x7f"
    assert parsed.text == parsed.code == "B-17"


def test_only_trailing_line_endings_are_removed_from_raw() -> None:
    assert parse_scan(" 1042 \t\r\n").raw == " 1042 "


@pytest.mark.parametrize(
    ("body", "check"), [("03600029145", 2), ("400638133393", 1), ("9638507", 4), ("0", 0)]
)
def test_gtin_check_digit(body: str, check: int) -> None:
    assert gtin_check_digit(body) == check


def test_gtin_check_digit_rejects_non_digits() -> None:
    with pytest.raises(ValueError, match="digits"):
        gtin_check_digit("12a4")


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("96385074", True),
        (UPC, True),
        ("4006381333931", True),
        (GTIN14, True),
        ("4006381333932", False),
        ("123456789", False),
        ("", False),
        ("٤٠٠٦٣٨١٣٣٣٩٣١", False),
    ],
)
def test_is_valid_gtin(digits: str, valid: bool) -> None:
    assert is_valid_gtin(digits) is valid


def test_to_gtin14_pads_valid_and_refuses_invalid() -> None:
    assert to_gtin14("96385074") == "00000096385074"
    assert to_gtin14("96385075") is None


def _with_check_digit(body: str) -> str:
    return body + str(gtin_check_digit(body))


@given(st.from_regex(r"[0-9]{11}", fullmatch=True))
def test_upc_ean_and_gtin14_of_one_number_share_a_code(body: str) -> None:
    upc = _with_check_digit(body)
    forms = [upc, "0" + upc, "00" + upc, "]E0" + "0" + upc, f"(01)00{upc}", f"0100{upc}"]
    assert {normalise_code(form) for form in forms} == {"00" + upc}


@given(st.from_regex(r"[0-9]{12}", fullmatch=True))
def test_ean13_and_its_gtin14_share_a_code(body: str) -> None:
    ean = _with_check_digit(body)
    assert normalise_code(ean) == normalise_code("0" + ean) == "0" + ean


@given(st.from_regex(r"[0-9]{13}", fullmatch=True), st.integers(min_value=1, max_value=9))
def test_a_wrong_check_digit_never_becomes_a_gtin(body: str, offset: int) -> None:
    wrong = body + str((gtin_check_digit(body) + offset) % 10)
    assert normalise_code(wrong) == wrong


_SCANNERISH = st.text(alphabet=st.sampled_from("0123456789()]ECdQ1e \x1d\x00\r\n\tA"), max_size=40)


@given(st.one_of(st.text(), _SCANNERISH))
def test_parse_scan_never_raises_and_keeps_its_invariants(raw: str) -> None:
    parsed = parse_scan(raw)
    assert raw.startswith(parsed.raw)
    assert parsed.code == (parsed.gtin or parsed.text)
    assert parsed.gtin is None or is_valid_gtin(parsed.gtin)
