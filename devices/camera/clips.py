"""Video segments joined into one clip, without encoding them again."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def join_segments(segments: list[Path], out: Path) -> None:
    """Write the segments' frames one after another into `out` (WebM), as recorded.

    Each segment starts at time 0; its packets are moved to where the one before ended.
    """
    import av

    output: Any = av.open(str(out), "w", format="webm")
    stream: Any = None
    offset = 0
    try:
        for segment in segments:
            with av.open(str(segment)) as source:
                video = source.streams.video[0]
                if stream is None:
                    stream = output.add_stream_from_template(video)
                end = offset
                for packet in source.demux(video):
                    if packet.dts is None or packet.pts is None:  # the demuxer's last, empty
                        continue
                    pts = packet.pts + offset
                    packet.pts, packet.dts = pts, packet.dts + offset
                    end = max(end, pts + (packet.duration or 1))
                    packet.stream = stream
                    output.mux(packet)
                offset = end
    finally:
        output.close()


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
