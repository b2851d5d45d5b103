"""CAS continuous output, in the short form and the 22-byte form."""

from __future__ import annotations

import pytest

from devices.scales.cas import parse_cas
from devices.scales.reading import FrameError, Reading, ScaleStatus


@pytest.mark.parametrize(
    ("line", "grams"),
    [
        ("ST,GS,+  1.234kg\r\n", 1234),
        ("ST,GS,+  1.234kg", 1234),
        ("ST,NT,-  0.050kg\r\n", -50),
        ("ST,GS,+   1234 g\r\n", 1234),
        ("ST,GS,+  2.500lb\r\n", 1134),
        ("ST,GS,+ 12.35oz\r\n", 350),
        ("ST,GS,0001.234kg\r\n", 1234),  # no sign
        ("ST,GS,1\xc0,  13.500 kg\r\n", 13500),  # 22-byte form: ID '1', lamp byte 0xC0
        ("ST,NT,\x31\xa4, -0.250 kg\r\n", -250),
    ],
)
def test_a_stable_line_is_read_in_grams(line: str, grams: int) -> None:
    assert parse_cas(line) == Reading(grams, True, ScaleStatus.STABLE)


def test_an_unstable_line_is_not_stable() -> None:
    assert parse_cas("US,GS,+  1.234kg\r\n") == Reading(1234, False, ScaleStatus.UNSTABLE)
    assert parse_cas("US,GS,1\x80,  1.234 kg\r\n") == Reading(1234, False, ScaleStatus.UNSTABLE)


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("OL,GS,+ 99.999kg\r\n", ScaleStatus.OVERLOAD),
        ("OL,GS,+9999999kg\r\n", ScaleStatus.OVERLOAD),
        ("OL,GS,1\xc0, ------ kg\r\n", ScaleStatus.UNDERLOAD),
        ("OL,NT,-  9.999kg\r\n", ScaleStatus.UNDERLOAD),
    ],
)
def test_out_of_range_carries_no_weight(line: str, status: ScaleStatus) -> None:
    reading = parse_cas(line)
    assert (reading.grams, reading.stable, reading.status) == (None, False, status)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("", "not a CAS line"),
        ("  1.234kg\r\n", "not a CAS line"),  # the 10-byte form: no stability
        ("XX,GS,+  1.234kg\r\n", "not a CAS line"),
        ("ST,XX,+  1.234kg\r\n", "not a CAS line"),
        ("QT,GS,+  1.234kg\r\n", "not a CAS line"),  # counting, not weighing
        ("ST,GS,+  1.2a4kg\r\n", "not a number and unit"),
        ("ST,GS,+  1.234\r\n", "not a number and unit"),
        ("ST,GS,+  1.234 t\r\n", "unit 't' is not supported"),
        ("ST,GS,+  1.234kg trailing\r\n", "not a number and unit"),
        ("ST,G\x00S,+\xff\r\n", "not a CAS line"),
    ],
)
def test_anything_else_is_refused_with_a_reason(line: str, reason: str) -> None:
    with pytest.raises(FrameError, match=reason):
        parse_cas(line)
