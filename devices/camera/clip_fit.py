"""A clip cut to a marketplace's limits (at most N seconds, at most M bytes).

The cut is taken from the order's joined clip without encoding it again: it starts on a
key frame (each recorded segment starts with one, every 2 s) and ends after any frame
(the recorder's VP9 has no hidden frames, so a frame never waits for a later one). Only
when the copy is too big, or no key frame falls inside the window, are the window's
frames encoded again (VP9, PyAV as the recorder), at the bitrate that fits.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from station.errors import UserError

# What a re-encode aims at, of the byte limit: the container and the encoder's rate
# control overshoot a little.
_SIZE_MARGIN = 0.85
_ATTEMPTS = 3
_MIN_BITRATE = 20_000  # bits/s: below this a picture shows nothing a buyer could check
_TIME_BASE = Fraction(1, 1000)


@dataclass(frozen=True)
class Cut:
    """Where the fitted clip was taken from, in seconds of the joined clip."""

    from_s: float
    to_s: float
    of_s: float  # the joined clip's length
    re_encoded: bool
    bitrate: int | None  # bits/s of the re-encode


@dataclass(frozen=True)
class _Packet:
    seconds: float
    keyframe: bool
    end: float  # when this packet's frame stops showing


def _packets(clip: Path) -> list[_Packet]:
    import av

    found = []
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        base = stream.time_base or _TIME_BASE
        for packet in container.demux(stream):
            if packet.pts is None or packet.size == 0:
                continue
            seconds = float(packet.pts * base)
            found.append(_Packet(seconds, bool(packet.is_keyframe), seconds))
    found.sort(key=lambda packet: packet.seconds)
    # A frame shows until the next; the last for the mean frame time.
    gap = (found[-1].seconds - found[0].seconds) / (len(found) - 1) if len(found) > 1 else 0.1
    return [
        _Packet(
            p.seconds, p.keyframe, found[i + 1].seconds if i + 1 < len(found) else p.seconds + gap
        )
        for i, p in enumerate(found)
    ]


def fit_clip(
    clip: Path,
    out: Path,
    window: tuple[float, float],
    max_seconds: float | None,
    max_bytes: int | None,
) -> Cut:
    """Write to `out` the part of `clip` in `window` (seconds), within the limits.

    `window` is what to keep if it fits; when it is longer than `max_seconds`, its end is
    kept (the parcel sealed and labelled) and its start given up.

    Raises:
        UserError: the clip has no frame, or cannot be brought under `max_bytes`.
    """
    packets = _packets(clip)
    if not packets:
        raise UserError(f"{clip.name} holds no frame to cut a clip from.")
    length = packets[-1].end
    start, end = max(0.0, window[0]), min(length, window[1])
    if end <= start:
        start, end = 0.0, length
    if max_seconds is not None and end - start > max_seconds:
        start = end - max_seconds
    # The last frame kept must stop showing by `end`, so the clip plays no longer.
    end = max((p.end for p in packets if p.end <= end + 1e-6), default=end)
    keyframe = _keyframe_from(packets, start, end, max_seconds)
    if keyframe is not None:
        _copy(clip, out, keyframe, end)
        if max_bytes is None or out.stat().st_size <= max_bytes:
            return Cut(keyframe, end, length, re_encoded=False, bitrate=None)
    bitrate = _target_bitrate(max_bytes, end - start)
    for _ in range(_ATTEMPTS):
        _encode(clip, out, start, end, bitrate)
        size = out.stat().st_size
        if max_bytes is None or size <= max_bytes:
            return Cut(start, end, length, re_encoded=True, bitrate=bitrate)
        bitrate = int(bitrate * max_bytes / size * _SIZE_MARGIN)
        if bitrate < _MIN_BITRATE:
            break
    out.unlink(missing_ok=True)
    raise UserError(
        f"A clip of {end - start:.0f} s cannot be made smaller than {max_bytes} bytes and "
        "still show anything: allow more megabytes or fewer seconds."
    )


def _keyframe_from(
    packets: list[_Packet], start: float, end: float, max_seconds: float | None
) -> float | None:
    """Where a copied cut can start: the last key frame at or before `start` if the cut
    stays within the limit, else the first after it; None when none is in the window."""
    before = [p.seconds for p in packets if p.keyframe and p.seconds <= start + 1e-6]
    if before and (max_seconds is None or end - before[-1] <= max_seconds + 1e-6):
        return before[-1]
    after = [p.seconds for p in packets if p.keyframe and start < p.seconds < end]
    return after[0] if after else None


def _target_bitrate(max_bytes: int | None, seconds: float) -> int:
    if max_bytes is None:
        return 1_000_000
    return max(_MIN_BITRATE, int(max_bytes * 8 * _SIZE_MARGIN / max(seconds, 0.1)))


def _copy(clip: Path, out: Path, start: float, end: float) -> None:
    import av

    output: Any = av.open(str(out), "w", format="webm")
    try:
        with av.open(str(clip)) as source:
            video = source.streams.video[0]
            stream = output.add_stream_from_template(video)
            base = video.time_base or _TIME_BASE
            shift: int | None = None
            for packet in source.demux(video):
                if packet.pts is None or packet.dts is None or packet.size == 0:
                    continue
                seconds = float(packet.pts * base)
                if seconds < start - 1e-6 or seconds > end - 1e-3:
                    continue
                if shift is None:
                    shift = packet.pts
                packet.pts, packet.dts = packet.pts - shift, packet.dts - shift
                packet.stream = stream
                output.mux(packet)
    finally:
        output.close()


def _encode(clip: Path, out: Path, start: float, end: float, bitrate: int) -> None:
    import av

    output: Any = av.open(str(out), "w", format="webm")
    try:
        with av.open(str(clip)) as source:
            video = source.streams.video[0]
            stream: Any = None
            for frame in source.decode(video):
                if frame.pts is None or frame.time_base is None:
                    continue
                seconds = float(frame.pts * frame.time_base)
                if seconds < start - 1e-6 or seconds > end - 1e-3:
                    continue
                if stream is None:
                    rate = video.average_rate or video.guessed_rate or 15
                    stream = _vp9_stream(output, frame, round(rate), bitrate)
                picture = frame.reformat(format="yuv420p")
                picture.pts = round((seconds - start) * 1000)
                picture.time_base = _TIME_BASE
                for packet in stream.encode(picture):
                    output.mux(packet)
            if stream is not None:
                for packet in stream.encode():
                    output.mux(packet)
    finally:
        output.close()


def _vp9_stream(output: Any, like: Any, fps: int, bitrate: int) -> Any:
    # Constant bitrate in 1 s of buffer: the size follows the length, which is what a
    # byte limit needs (the recorder's constant quality does not).
    rate = str(bitrate)
    stream = output.add_stream(
        "libvpx-vp9",
        rate=max(1, fps),
        options={
            "deadline": "realtime",
            "cpu-used": "8",
            "b": rate,
            "minrate": rate,
            "maxrate": rate,
            "bufsize": rate,
            "lag-in-frames": "0",
            "auto-alt-ref": "0",
        },
    )
    stream.width, stream.height = like.width, like.height
    stream.pix_fmt = "yuv420p"
    stream.time_base = _TIME_BASE
    stream.bit_rate = bitrate
    return stream
