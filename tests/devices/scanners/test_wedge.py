"""Telling scanner bursts from typing by key timing (no Qt)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.scanners.wedge import TerminatorResult, WedgeBurstDetector

INTERVAL = 50
MIN_LENGTH = 4
codes = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40)


def feed(detector: WedgeBurstDetector, text: str, gap_ms: float, start: float = 0.0) -> str:
    """Type `text` one key every `gap_ms`; return what was released as typed."""
    released = ""
    now = start
    for char in text:
        now += gap_ms
        released += detector.key(char, now)
    return released


def test_a_fast_burst_ended_by_enter_is_a_scan() -> None:
    detector = WedgeBurstDetector(INTERVAL, MIN_LENGTH)
    assert feed(detector, "4006381333931", 5) == ""
    assert detector.held == "4006381333931"
    assert detector.terminator(5 * 14) == TerminatorResult(scan="4006381333931")
    assert detector.held == ""


def test_slow_keys_are_released_as_typed_text_one_by_one() -> None:
    detector = WedgeBurstDetector(INTERVAL, MIN_LENGTH)
    assert detector.key("S", 0) == ""
    assert detector.key("O", 200) == "S"
    assert detector.key("-", 400) == "O"
    assert detector.terminator(600) == TerminatorResult(typed="-")


def test_a_burst_shorter_than_the_minimum_is_typing() -> None:
    detector = WedgeBurstDetector(INTERVAL, MIN_LENGTH)
    feed(detector, "abc", 5)
    assert detector.terminator(20) == TerminatorResult(typed="abc")


def test_a_late_terminator_makes_the_burst_typing() -> None:
    detector = WedgeBurstDetector(INTERVAL, MIN_LENGTH)
    feed(detector, "abcdef", 5)
    assert detector.terminator(30 + INTERVAL + 1) == TerminatorResult(typed="abcdef")


def test_typing_then_a_burst_gives_the_typing_back_and_keeps_the_burst() -> None:
    detector = WedgeBurstDetector(INTERVAL, MIN_LENGTH)
    assert detector.key("x", 0) == ""
    assert feed(detector, "BADGE-1", 5, start=1000) == "x"
    assert detector.terminator(1040).scan == "BADGE-1"


def test_flush_and_an_empty_terminator() -> None:
    detector = WedgeBurstDetector(INTERVAL, MIN_LENGTH)
    assert detector.terminator(0) == TerminatorResult()
    feed(detector, "ab", 5)
    assert detector.flush() == "ab"
    assert detector.flush() == ""


@pytest.mark.parametrize(("interval", "length"), [(0, 4), (50, 0)])
def test_bad_parameters_are_refused(interval: int, length: int) -> None:
    with pytest.raises(ValueError):
        WedgeBurstDetector(interval, length)


@given(code=codes, gap=st.floats(min_value=0, max_value=INTERVAL))
def test_any_fast_enough_burst_is_exactly_its_text(code: str, gap: float) -> None:
    detector = WedgeBurstDetector(INTERVAL, 1)
    assert feed(detector, code, gap) == ""
    assert detector.terminator(gap * (len(code) + 1)) == TerminatorResult(scan=code)


@given(text=codes, gap=st.floats(min_value=INTERVAL + 0.001, max_value=10_000))
def test_slow_typing_is_never_a_scan_and_loses_no_key(text: str, gap: float) -> None:
    detector = WedgeBurstDetector(INTERVAL, 1)
    released = feed(detector, text, gap)
    result = detector.terminator(gap * (len(text) + 1))
    assert result.scan is None
    assert released + result.typed == text, "nothing lost or reordered"


@given(text=codes, gaps=st.lists(st.floats(min_value=0, max_value=500), min_size=40, max_size=40))
def test_every_key_comes_out_once_in_order(text: str, gaps: list[float]) -> None:
    detector = WedgeBurstDetector(INTERVAL, MIN_LENGTH)
    now, out = 0.0, ""
    for char, gap in zip(text, gaps, strict=False):
        now += gap
        out += detector.key(char, now)
    result = detector.terminator(now + 1)
    assert out + (result.scan or result.typed) == text
