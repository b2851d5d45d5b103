"""The parcel weight check: expected weight, tolerance band, packer message."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from station.weighing import (
    WeightCheck,
    allowed_difference,
    check_weight,
    expected_parcel_weight,
)

# (unit weight in grams, units) per order line.
lines = st.lists(
    st.tuples(st.integers(min_value=1, max_value=20_000), st.integers(min_value=1, max_value=12)),
    min_size=1,
    max_size=8,
)
tares = st.integers(min_value=0, max_value=2_000)
tolerances_g = st.integers(min_value=0, max_value=500)
tolerances_pct = st.floats(min_value=0, max_value=50, allow_nan=False)


def test_expected_weight_is_the_units_plus_the_box() -> None:
    assert expected_parcel_weight([(320, 2), (150, 3)], box_tare_g=390) == 640 + 450 + 390
    assert expected_parcel_weight([], box_tare_g=390) == 390
    assert expected_parcel_weight([(320, 0)], box_tare_g=0) == 0


@pytest.mark.parametrize(("items", "tare"), [([(-1, 1)], 0), ([(10, -1)], 0), ([(10, 1)], -5)])
def test_negative_weights_counts_or_tares_are_refused(
    items: list[tuple[int, int]], tare: int
) -> None:
    with pytest.raises(ValueError, match="negative"):
        expected_parcel_weight(items, tare)


def test_a_light_parcel_reports_a_missing_unit() -> None:
    check = check_weight(measured_g=1230, expected_g=1480, tolerance_g=50, tolerance_pct=5)
    assert check == WeightCheck(
        ok=False, measured_g=1230, expected_g=1480, difference_g=-250, allowed_g=50
    )
    assert check.message == (
        "Parcel weighs 1,230 g, expected 1,480 g ± 50 g: a unit may be missing — check the box."
    )


def test_a_heavy_parcel_reports_something_extra() -> None:
    check = check_weight(measured_g=1800, expected_g=1480, tolerance_g=50, tolerance_pct=5)
    assert not check.ok
    assert check.difference_g == 320
    assert check.message.endswith("something extra may be in the box — check it.")


def test_a_parcel_within_the_band_passes() -> None:
    check = check_weight(measured_g=1520, expected_g=1480, tolerance_g=50, tolerance_pct=5)
    assert check.ok
    assert check.message == "Parcel weighs 1,520 g, expected 1,480 g ± 50 g: weight OK."


def test_the_band_edge_is_inside() -> None:
    assert check_weight(1530, 1480, 50, 5).ok
    assert not check_weight(1531, 1480, 50, 5).ok
    assert check_weight(1430, 1480, 50, 5).ok
    assert not check_weight(1429, 1480, 50, 5).ok


def test_the_band_is_the_smaller_of_grams_and_percent() -> None:
    # Heavy parcel: 5 % would be 1,000 g, which would hide whole units; 50 g holds.
    assert allowed_difference(20_000, tolerance_g=50, tolerance_pct=5) == 50
    # Light parcel: 50 g would hide a 30 g unit; 5 % of 200 g is 10 g.
    assert allowed_difference(200, tolerance_g=50, tolerance_pct=5) == 10
    assert not check_weight(measured_g=170, expected_g=200, tolerance_g=50, tolerance_pct=5).ok


def test_the_percentage_is_taken_as_written() -> None:
    # 0.3 as a binary float is 0.29999...; 0.3 % of 1,000 g is still 3 g.
    assert allowed_difference(1000, tolerance_g=50, tolerance_pct=0.3) == 3
    assert allowed_difference(1480, tolerance_g=50, tolerance_pct=2.5) == 37  # 37.0
    assert allowed_difference(999, tolerance_g=50, tolerance_pct=1) == 9  # 9.99, rounded down


@pytest.mark.parametrize(
    ("expected", "grams", "pct"),
    [
        (-1, 10, 1.0),
        (100, -1, 1.0),
        (100, 10, -0.1),
        (100, 10, float("nan")),
        (100, 10, float("inf")),
    ],
)
def test_bad_tolerances_are_refused(expected: int, grams: int, pct: float) -> None:
    with pytest.raises(ValueError, match="must"):
        check_weight(100, expected, grams, pct)


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failure
@given(lines=lines, tare=tares, tolerance_g=tolerances_g, pct=tolerances_pct, data=st.data())
def test_a_parcel_missing_any_one_unit_heavier_than_the_tolerance_is_flagged(
    lines: list[tuple[int, int]],
    tare: int,
    tolerance_g: int,
    pct: float,
    data: st.DataObject,
) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1), label="short line")
    unit_g, units = lines[index]
    assume(unit_g > tolerance_g)
    expected = expected_parcel_weight(lines, tare)
    short = [*lines[:index], (unit_g, units - 1), *lines[index + 1 :]]
    check = check_weight(expected_parcel_weight(short, tare), expected, tolerance_g, pct)
    assert not check.ok
    assert check.difference_g == -unit_g
    assert "a unit may be missing" in check.message


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failure
@given(lines=lines, tare=tares, tolerance_g=tolerances_g, pct=tolerances_pct, data=st.data())
def test_a_parcel_with_one_extra_unit_heavier_than_the_tolerance_is_flagged(
    lines: list[tuple[int, int]],
    tare: int,
    tolerance_g: int,
    pct: float,
    data: st.DataObject,
) -> None:
    unit_g, _ = data.draw(st.sampled_from(lines), label="extra line")
    assume(unit_g > tolerance_g)
    expected = expected_parcel_weight(lines, tare)
    assert not check_weight(expected + unit_g, expected, tolerance_g, pct).ok


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failure
@given(lines=lines, tare=tares, tolerance_g=tolerances_g, pct=tolerances_pct)
def test_the_exact_expected_weight_always_passes(
    lines: list[tuple[int, int]], tare: int, tolerance_g: int, pct: float
) -> None:
    expected = expected_parcel_weight(lines, tare)
    check = check_weight(expected, expected, tolerance_g, pct)
    assert check.ok
    assert check.difference_g == 0
    assert check.message.endswith("weight OK.")


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failure
@given(
    expected=st.integers(min_value=0, max_value=100_000),
    tolerance_g=tolerances_g,
    pct=tolerances_pct,
    offset=st.integers(min_value=-1_000, max_value=1_000),
)
def test_the_verdict_is_exactly_the_documented_rule(
    expected: int, tolerance_g: int, pct: float, offset: int
) -> None:
    check = check_weight(expected + offset, expected, tolerance_g, pct)
    band = min(tolerance_g, expected * pct / 100)
    # Away from the edge, where float rounding cannot matter, the rule decides.
    assume(abs(abs(offset) - band) > 1e-6)
    assert check.ok == (abs(offset) <= band)
    assert 0 <= check.allowed_g <= tolerance_g
