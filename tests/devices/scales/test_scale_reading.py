"""Units to grams, the Reading promise, and every parser against arbitrary input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.scales import sim_frames
from devices.scales.protocols import PROTOCOL_NAMES, protocol_named
from devices.scales.reading import FrameError, Reading, ScaleStatus, to_grams
from devices.scales.sim_frames import SimWeight


@pytest.mark.parametrize(
    ("value", "unit", "grams"),
    [
        ("1", "lb", 454),  # 453.59237
        ("1", "oz", 28),  # 28.349523125
        ("0.5", "g", 1),  # half away from zero
        ("-0.5", "g", -1),
        ("1.0005", "KG", 1001),
        ("+2", "kg", 2000),
    ],
)
def test_units_convert_exactly_and_round_half_away_from_zero(
    value: str, unit: str, grams: int
) -> None:
    assert to_grams(value, unit) == grams


def test_a_stable_reading_always_has_a_weight() -> None:
    with pytest.raises(ValueError, match="needs a weight"):
        Reading(None, True, ScaleStatus.STABLE)
    with pytest.raises(ValueError, match="needs a weight"):
        Reading(5, True, ScaleStatus.BUSY)


def test_an_unknown_protocol_is_named_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="'sartorius'; known: mt-sics, nci, cas"):
        protocol_named("sartorius")


@pytest.mark.parametrize("name", PROTOCOL_NAMES)
@settings(deadline=None)  # a loaded CI machine must not turn slowness into failure
@given(text=st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=80))
def test_a_parser_refuses_garbage_only_with_a_frame_error(name: str, text: str) -> None:
    try:
        reading = protocol_named(name).parse(text)
    except FrameError:
        return
    assert not reading.stable or reading.grams is not None


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failure
@given(
    grams=st.integers(min_value=-500_000, max_value=5_000_000),
    stable=st.booleans(),
    unit=st.sampled_from(sorted(sim_frames.PLACES)),
)
def test_what_the_simulator_shows_reads_back_to_the_same_grams(
    grams: int, stable: bool, unit: str
) -> None:
    weight = SimWeight(grams, stable)
    expected = Reading(grams, stable, ScaleStatus.STABLE if stable else ScaleStatus.UNSTABLE)
    assert protocol_named("cas").parse(sim_frames.cas_line(weight, unit).decode()) == expected
    nci = sim_frames.nci_answer("W", weight, unit).decode()
    assert protocol_named("nci").parse(nci) == expected
    mt_sics = sim_frames.mt_sics_answer("SI", weight, unit)
    assert mt_sics is not None
    assert protocol_named("mt-sics").parse(mt_sics.decode()) == expected
