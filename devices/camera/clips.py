"""Video segments joined into one clip, without encoding them again."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from station.errors import UserError


class NoPlayableVideoError(UserError):
    """No segment of an order's video holds a frame that can be read."""


def join_segments(segments: list[Path], out: Path) -> list[Path]:
    """Write the segments' frames one after another into `out` (WebM), as recorded.

    Each segment starts at time 0; its packets are moved to where the one before ended.
    A segment that cannot be read to its end (cut short by a crash, damaged) gives the
    frames it has and is returned, so the rest of the order still plays.

    Raises:
        NoPlayableVideoError: not one frame of any segment can be read (`out` is removed).
    """
    import av

    output: Any = av.open(str(out), "w", format="webm")
    joined = _Joined(output)
    try:
        for segment in segments:
            packets = joined.read(segment)
            for packet in packets:  # written apart from reading: a write error is not hidden
                joined.mux(packet)
            joined.segment_done()
    finally:
        if joined.stream is None:
            with contextlib.suppress(OSError, av.FFmpegError):
                output.close()  # a container with no stream writes no header
            out.unlink(missing_ok=True)
        else:
            output.close()
    if joined.stream is None:
        raise NoPlayableVideoError("Not one frame of the order's video can be read.")
    return joined.unreadable


class _Joined:
    """The clip being joined: its stream, where the next segment starts, what failed."""

    def __init__(self, output: Any) -> None:
        self.output = output
        self.stream: Any = None
        self.offset = 0
        self.end = 0
        self.unreadable: list[Path] = []

    def read(self, segment: Path) -> list[Any]:
        """The segment's packets (the ones before a damaged part)."""
        import av

        packets: list[Any] = []
        try:
            with av.open(str(segment)) as source:
                video = source.streams.video[0]
                for packet in source.demux(video):
                    if packet.dts is None or packet.pts is None:  # the demuxer's last, empty
                        continue
                    if self.stream is None:
                        self.stream = self.output.add_stream_from_template(video)
                    packets.append(packet)
        except (OSError, EOFError, IndexError, av.FFmpegError):
            self.unreadable.append(segment)
        return packets

    def mux(self, packet: Any) -> None:
        pts = packet.pts + self.offset
        packet.pts, packet.dts = pts, packet.dts + self.offset
        self.end = max(self.end, pts + (packet.duration or 1))
        packet.stream = self.stream
        self.output.mux(packet)

    def segment_done(self) -> None:
        self.offset = self.end


def duration_of(path: Path) -> float | None:
    """How long a recorded video plays, in seconds; None when it holds no frame it can show
    (a segment the station was killed while opening)."""
    import av

    try:
        with av.open(str(path)) as container:
            last = None
            for frame in container.decode(video=0):
                if frame.pts is not None and frame.time_base is not None:
                    last = float(frame.pts * frame.time_base)
            return last
    except (OSError, av.FFmpegError):
        return None
