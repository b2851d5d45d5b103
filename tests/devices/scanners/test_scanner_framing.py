"""Cutting a scanner's byte stream into lines, and what never counts (no port, no thread)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.scanners.framing import (
    VALID_BYTES,
    DuplicateFilter,
    Line,
    LineFramer,
    Rejected,
    Terminator,
)

ENDINGS = {
    Terminator.CR: b"\r",
    Terminator.LF: b"\n",
    Terminator.CRLF: b"\r\n",
    Terminator.TAB: b"\t",
    Terminator.AUTO: b"\r\n",
}


def lines(results: list[Line | Rejected]) -> list[str]:
    return [r.text for r in results if isinstance(r, Line)]


def reasons(results: list[Line | Rejected]) -> list[str]:
    return [r.reason for r in results if isinstance(r, Rejected)]


@pytest.mark.parametrize("terminator", list(Terminator))
def test_each_terminator_ends_a_line(terminator: Terminator) -> None:
    end = ENDINGS[terminator]
    framer = LineFramer(terminator, 128)
    assert framer.feed(b"4006381333931" + end + b"SO-1001" + end + b"BADGE") == [
        Line(b"4006381333931", "4006381333931"),
        Line(b"SO-1001", "SO-1001"),
    ]
    assert framer.discard() == b"BADGE"


@pytest.mark.parametrize("end", [b"\r", b"\n", b"\r\n"])
def test_auto_takes_cr_lf_and_crlf_without_empty_lines(end: bytes) -> None:
    framer = LineFramer(Terminator.AUTO, 128)
    assert framer.feed(b"A1" + end + b"B2" + end + end) == [Line(b"A1", "A1"), Line(b"B2", "B2")]


def test_crlf_split_between_reads_still_ends_the_line() -> None:
    framer = LineFramer(Terminator.CRLF, 128)
    assert framer.feed(b"ABC\r") == []
    assert framer.feed(b"\nDEF\r\n") == [Line(b"ABC", "ABC"), Line(b"DEF", "DEF")]


def test_aim_prefix_gs_and_latin1_letters_are_kept() -> None:
    framer = LineFramer(Terminator.CR, 128)
    gs1 = b"]C1010003600029145217271231\x1d10LOT42"
    assert lines(framer.feed(gs1 + b"\r]E04006381333931\rCAF\xc9\r")) == [
        gs1.decode("latin-1"),
        "]E04006381333931",
        "CAFÉ",
    ]


@pytest.mark.parametrize("noise", [0x00, 0x02, 0x07, 0x1B, 0x7F, 0x80, 0x9F, 0xA0, 0xAD])
def test_a_line_with_a_control_or_unprintable_byte_is_rejected_whole(noise: int) -> None:
    framer = LineFramer(Terminator.CR, 128)
    results = framer.feed(b"4006" + bytes([noise]) + b"381\rOK\r")
    assert results[0] == Rejected(f"unprintable byte 0x{noise:02x} at position 4", results[0].raw)
    assert lines(results) == ["OK"]


def test_a_stray_terminator_of_another_kind_is_noise_not_part_of_a_scan() -> None:
    assert reasons(LineFramer(Terminator.CR, 128).feed(b"\nABC\r")) == [
        "unprintable byte 0x0a at position 0"
    ]


def test_blank_lines_are_rejected_and_empty_ones_ignored() -> None:
    framer = LineFramer(Terminator.CR, 128)
    assert framer.feed(b"\r\r   \r") == [Rejected("blank line", b"   ")]


def test_a_complete_over_long_line_is_rejected() -> None:
    framer = LineFramer(Terminator.CR, 10)
    results = framer.feed(b"12345678901\r1234567890\r")
    assert reasons(results) == ["line longer than 10 characters"]
    assert lines(results) == ["1234567890"]


def test_an_endless_line_is_rejected_once_and_its_tail_skipped() -> None:
    framer = LineFramer(Terminator.CR, 10)
    results = framer.feed(b"9" * 50)
    assert results == [Rejected("line longer than 10 characters", b"9" * 11)]
    assert framer.feed(b"9" * 1000) == []
    assert framer.feed(b"999\rOK\r") == [Line(b"OK", "OK")]


def test_a_crlf_line_of_exactly_max_length_fed_byte_by_byte_is_accepted() -> None:
    framer = LineFramer(Terminator.CRLF, 10)
    results = [r for byte in b"1234567890\r\n" for r in framer.feed(bytes([byte]))]
    assert results == [Line(b"1234567890", "1234567890")]


def test_discard_drops_the_unfinished_line_once() -> None:
    framer = LineFramer(Terminator.CR, 10)
    framer.feed(b"12345")
    assert framer.discard() == b"12345"
    assert framer.discard() == b""
    framer.feed(b"X" * 20)  # rejected already: not reported again as a partial line
    assert framer.discard() == b""
    assert framer.feed(b"OK\r") == [Line(b"OK", "OK")]


def test_terminator_names_are_read_in_any_case_and_bad_ones_list_the_choices() -> None:
    assert Terminator.parse("crlf") is Terminator.CRLF
    assert Terminator.parse(Terminator.TAB) is Terminator.TAB
    with pytest.raises(ValueError, match=r"CR, LF, CRLF, TAB, AUTO.*'ENTER'"):
        Terminator.parse("ENTER")


def test_max_length_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_length"):
        LineFramer(Terminator.CR, 0)


def test_the_same_value_within_the_window_is_a_duplicate() -> None:
    duplicates = DuplicateFilter(0.3)
    assert not duplicates.is_duplicate("A", 10.0)
    assert duplicates.is_duplicate("A", 10.2)
    # The window slides from the last read: a code held under the scanner stays one scan.
    assert duplicates.is_duplicate("A", 10.4)
    assert not duplicates.is_duplicate("A", 10.8)
    assert not duplicates.is_duplicate("B", 10.9)
    assert not duplicates.is_duplicate("A", 11.0)


def test_a_zero_window_turns_duplicate_detection_off() -> None:
    duplicates = DuplicateFilter(0.0)
    assert not duplicates.is_duplicate("A", 1.0)
    assert not duplicates.is_duplicate("A", 1.0)


chunked_bytes = st.lists(st.binary(max_size=40), max_size=30)


@given(st.sampled_from(list(Terminator)), chunked_bytes)
def test_every_line_holds_only_valid_bytes_and_chunking_changes_nothing(
    terminator: Terminator, chunks: list[bytes]
) -> None:
    whole = LineFramer(terminator, 16).feed(b"".join(chunks))
    piecewise = LineFramer(terminator, 16)
    pieces = [r for chunk in chunks for r in piecewise.feed(chunk)]

    assert lines(pieces) == lines(whole)
    assert len(reasons(pieces)) == len(reasons(whole))
    for line in (r for r in whole if isinstance(r, Line)):
        assert set(line.raw) <= VALID_BYTES
        assert 0 < len(line.raw) <= 16
        assert line.text == line.raw.decode("latin-1")
