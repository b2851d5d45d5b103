"""MT-SICS answers to S and SI, on the frames the MT-SICS reference documents."""

from __future__ import annotations

import pytest

from devices.scales.mt_sics import parse_mt_sics
from devices.scales.reading import FrameError, Reading, ScaleStatus


@pytest.mark.parametrize(
    ("line", "grams"),
    [
        ("S S      100.00 g\r\n", 100),
        ("S S      100.00 g", 100),
        ("S S     1.23456 kg\r\n", 1235),
        ("S S       0.000 kg\r\n", 0),
        ("S S     -12.50 g\r\n", -13),  # half away from zero
        ("S S       2.500 lb\r\n", 1134),  # 1133.98 g
        ("S S      10.00 oz\r\n", 283),  # 283.50 g rounds down: 283.495
        ("S S         .5 kg\r\n", 500),
    ],
)
def test_a_stable_weight_is_read_in_grams(line: str, grams: int) -> None:
    assert parse_mt_sics(line) == Reading(grams, True, ScaleStatus.STABLE)


def test_a_dynamic_weight_is_shown_but_not_stable() -> None:
    assert parse_mt_sics("S D     100.00 g\r\n") == Reading(100, False, ScaleStatus.UNSTABLE)


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("S I\r\n", ScaleStatus.BUSY),
        ("S +\r\n", ScaleStatus.OVERLOAD),
        ("S -\r\n", ScaleStatus.UNDERLOAD),
        ("S L\r\n", ScaleStatus.ERROR),
        ("ES\r\n", ScaleStatus.ERROR),
        ("ET\r\n", ScaleStatus.ERROR),
        ("EL\r\n", ScaleStatus.ERROR),
    ],
)
def test_status_and_error_replies_carry_no_weight(line: str, status: ScaleStatus) -> None:
    reading = parse_mt_sics(line)
    assert (reading.grams, reading.stable, reading.status) == (None, False, status)
    assert reading.detail


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("", "not an MT-SICS"),
        ("S S", "not an MT-SICS"),
        ("S X     100.00 g", "not an MT-SICS"),
        ("S S     1OO.00 g", "not an MT-SICS"),
        ("S S     100.00", "not an MT-SICS"),
        ("SS      100.00 g", "not an MT-SICS"),
        ("S S     100.00 ct", "unit 'ct' is not supported"),
        ("S S 1.2.3 g", "not an MT-SICS"),
        ("\x00\xff\xfe", "not an MT-SICS"),
        ("ST,GS,+  1.234kg", "not an MT-SICS"),
    ],
)
def test_anything_else_is_refused_with_a_reason(line: str, reason: str) -> None:
    with pytest.raises(FrameError, match=reason):
        parse_mt_sics(line)
