"""Cutting the byte stream into frames."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.scales.framing import Framer


def test_frames_are_cut_at_the_terminator_across_reads() -> None:
    framer = Framer(b"\n")
    assert framer.feed(b"S S  1") == []
    assert framer.feed(b"00 g\r\nS S 2 g\r\nS") == [b"S S  100 g\r", b"S S 2 g\r"]
    assert framer.feed(b" I\r\n") == [b"S I\r"]


def test_a_run_without_terminator_is_cut_at_the_limit_and_the_next_frame_survives() -> None:
    framer = Framer(b"\x03", max_length=8)
    frames = framer.feed(b"x" * 20 + b"\n00\r\x03")
    assert frames == [b"x" * 8, b"x" * 8, b"xxxx\n00\r"]


def test_clear_forgets_a_partial_frame() -> None:
    framer = Framer(b"\n")
    framer.feed(b"ST,GS,+  1.2")
    framer.clear()
    assert framer.feed(b"ST,GS,+  2.000kg\r\n") == [b"ST,GS,+  2.000kg\r"]


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failure
@given(
    frames=st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b""))),
    cuts=st.lists(st.integers(min_value=0, max_value=400)),
)
def test_any_split_of_the_stream_gives_the_same_frames(
    frames: list[bytes], cuts: list[int]
) -> None:
    stream = b"".join(frame + b"\n" for frame in frames)
    framer = Framer(b"\n")
    got: list[bytes] = []
    start = 0
    for cut in [*sorted(cuts), len(stream)]:
        got += framer.feed(stream[start:cut])
        start = max(start, cut)
    assert got == frames
