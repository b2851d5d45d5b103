"""NCI standard protocol (SCP-01) answers to W, S and Z, including the status bytes."""

from __future__ import annotations

import pytest

from devices.scales.nci import parse_nci
from devices.scales.reading import FrameError, Reading, ScaleStatus


@pytest.mark.parametrize(
    ("frame", "grams"),
    [
        ("\n  1.234lb\r\n00\r\x03", 560),  # 559.73 g
        ("\n  1.234lb\r\n00\r", 560),  # the reader has already split off the ETX
        ("\n0001.23KG\r\n00\r\x03", 1230),
        ("\n 12.35oz\r\n00\r\x03", 350),  # 350.12 g
        ("\n 1234g \r\n00\r\x03", 1234),  # Brecknell's grams: no decimals, padded
        ("\n -0.500kg\r\n00\r\x03", -500),
        ("\n  0.000kg\r\n20\r\x03", 0),  # byte 1 bit 1: at zero, still a stable weight
        ("\n 2lb  3.5oz\r\n00\r\x03", 1006),  # 907.18 + 99.22 g, rounded once
        ("\r\n  1.234lb\r\n00\r\n\x03", 560),  # CR LF line ends are read too
        ("\n  1.234lb\r\n000\r\x03", 560),  # an optional third status byte
        ("\n  1.234lb\r\n0p0\r\x03", 560),  # byte 2 bit 6: "another byte follows"
    ],
)
def test_a_settled_weight_is_read_in_grams(frame: str, grams: int) -> None:
    assert parse_nci(frame) == Reading(grams, True, ScaleStatus.STABLE)


def test_status_bytes_are_read_without_their_parity_bit() -> None:
    # '0' with bit 7 set, as an 8N1 port shows a 7E1 scale's byte.
    assert parse_nci("\n  1.234lb\r\n\xb0\xb0\r\x03") == Reading(560, True, ScaleStatus.STABLE)


def test_motion_makes_the_weight_unstable() -> None:
    assert parse_nci("\n  1.234lb\r\n10\r\x03") == Reading(560, False, ScaleStatus.UNSTABLE)


@pytest.mark.parametrize(
    ("frame", "status", "detail"),
    [
        ("\n^^^^^^^\r\n02\r\x03", ScaleStatus.OVERLOAD, "over capacity"),
        ("\n  9.999kg\r\n12\r\x03", ScaleStatus.OVERLOAD, "over capacity"),
        ("\n-------\r\n01\r\x03", ScaleStatus.UNDERLOAD, "under capacity"),
        ("\n  1.234lb\r\n40\r\x03", ScaleStatus.ERROR, "RAM error"),
        ("\n  1.234lb\r\n80\r\x03", ScaleStatus.ERROR, "EEPROM error"),
        ("\n  1.234lb\r\n04\r\x03", ScaleStatus.ERROR, "ROM error"),
        ("\n  1.234lb\r\n08\r\x03", ScaleStatus.ERROR, "faulty calibration"),
        ("\n  1.234lb\r\n008\r\x03", ScaleStatus.ERROR, "initial zero error"),
        ("\n?\r\x03", ScaleStatus.ERROR, "did not recognise"),
        ("\n00\r\x03", ScaleStatus.NO_WEIGHT, "status only"),
        ("\n LO BAT\r\n00\r\x03", ScaleStatus.NO_WEIGHT, "LO BAT"),
    ],
)
def test_frames_without_a_usable_weight(frame: str, status: ScaleStatus, detail: str) -> None:
    reading = parse_nci(frame)
    assert (reading.grams, reading.stable, reading.status) == (None, False, status)
    assert detail in reading.detail


def test_a_status_only_frame_in_motion_is_unstable() -> None:
    assert parse_nci("\n10\r\x03") == Reading(None, False, ScaleStatus.UNSTABLE)


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ("", "has 1 or 2 lines, this one has 0"),
        ("\n  1.234lb\r\n00\r\nextra\r\x03", "has 1 or 2 lines, this one has 3"),
        ("\n  1.234lb\r\x03", "not NCI status bytes"),  # no status line
        ("\n  1.234lb\r\nzz\r\x03", "not NCI status bytes"),  # bit 6 set in byte 1
        ("\n  1.234lb\r\n0p\r\x03", "not NCI status bytes"),  # "follows", but nothing does
        ("\n  1.234lb\r\n0\r\x03", "not NCI status bytes"),  # one byte is too few
        ("\nhello\r\n\x00\x01\r\x03", "not NCI status bytes"),
        ("\n  1.234ct\r\n00\r\x03", "unit 'ct' is not supported"),
        ("S S      100.00 g", "not NCI status bytes"),
    ],
)
def test_anything_else_is_refused_with_a_reason(frame: str, reason: str) -> None:
    with pytest.raises(FrameError, match=reason):
        parse_nci(frame)
