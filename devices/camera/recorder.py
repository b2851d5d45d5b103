"""The video of an order, written as it is packed, in short closed segments.

Each segment is a whole WebM file of at most `segment_s` seconds: a crash or a kill
loses only the segment being written (at most 2 s by default); every closed one plays
by itself. When a segment is closed it is handed to `on_closed` (which hashes it and
stores the hash: station.evidence.record) on the recorder's own thread; so is one a
failing disk cut short, with the frames that reached the disk.

The codec is VP9 (libvpx, BSD): royalty-free where H.264 encoders need a patent
licence, it opens in every current browser and in VLC/mpv, and on one core encodes a
720p frame in about 8 ms in real-time mode. PyAV's PyPI wheel links libx264/libx265
(GPLv2+) into its libavcodec whatever codec is used; because the recorder needs only
libvpx, PackStation can be shipped with a PyAV built on an FFmpeg without them (LGPL).

The overlay burned into every frame: station, packer, order, local time, and the last
scan with its verdict. A sealed parcel gets a photo (JPEG, the next frame, same overlay),
handed on like a segment.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from devices.camera.camera import LatestFrame
from devices.camera.clips import duration_of
from devices.camera.sources import BgrImage, Frame
from devices.device_thread import DeviceThread
from station.evidence import ClosedFile
from station.verdicts import VerdictKind

logger = logging.getLogger(__name__)

SUFFIX = ".webm"
# How much lower the recording thread's priority is than the station's (Linux nice).
NICER = 10
_TIME_BASE = Fraction(1, 1000)  # frame times in ms: frames come when the camera sends them


@dataclass(frozen=True)
class Overlay:
    """What the picture says, besides the time."""

    station: str
    packer: str
    order: str
    last_scan: str = ""
    verdict: str = ""


class _Segment:
    def __init__(self, path: Path, size: tuple[int, int], fps: int) -> None:
        import av

        self.path = path
        self._container: Any = av.open(str(path), "w", format="webm")
        # Constant quality (crf 48 of 63): a noisy 720p camera stays far under 2 GB per
        # 8 hours (bench/camera_record.py); a bitrate cap does not hold in 2 s segments,
        # each of which starts with a key frame. No look-ahead (lag-in-frames 0, no
        # alt-ref): libvpx otherwise holds 25 frames, ~125 MB more at 720p and frames a
        # kill would lose.
        stream: Any = self._container.add_stream(
            "libvpx-vp9",
            rate=fps,
            options={
                "deadline": "realtime",
                "cpu-used": "8",
                "crf": "48",
                "b": "0",
                "lag-in-frames": "0",
                "auto-alt-ref": "0",
            },
        )
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.time_base = _TIME_BASE
        stream.thread_count = 1  # the budget is one core for capture, reading and this
        self._stream = stream
        self.first: float | None = None
        self.last = 0.0
        self.started_at = datetime.now(UTC)

    def add(self, image: BgrImage, taken: float) -> None:
        import av

        if self.first is None:
            self.first = taken
        pts = int((taken - self.first) * 1000)
        if self.first != taken and pts <= int((self.last - self.first) * 1000):
            return  # two frames in one millisecond: the container cannot hold both
        self.last = taken
        frame = av.VideoFrame.from_ndarray(image, format="bgr24")
        frame.pts = pts
        frame.time_base = _TIME_BASE
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> None:
        try:
            for packet in self._stream.encode():
                self._container.mux(packet)
        finally:
            # Closed even when the flush failed: nothing is written to a cut file after
            # it was hashed (a buffer let go later would change it).
            self._container.close()


class Recorder(DeviceThread):
    """Records a camera's frames while an order is open, in closed segments.

    `order_opened` starts a recording, `scanned` updates the overlay, `order_closed`
    ends it (the last segment is closed and handed on). Call these from any thread.
    """

    def __init__(
        self,
        frames: LatestFrame,
        folder: Path,
        on_closed: Callable[[ClosedFile], None],
        *,
        station: str,
        segment_s: float = 2.0,
        size: tuple[int, int] = (1280, 720),
        fps: int = 15,
        video: bool = True,
        photos: bool = True,
        photo_at_scan_back: bool = False,
        on_failed: Callable[[str, str], None] = lambda _kind, _problem: None,
    ) -> None:
        """Args:
        video: film each order (a camera's `record` use).
        photos: photograph each sealed parcel (its `photo` use).
        photo_at_scan_back: and each label scanned back on its parcel.
        on_failed: hears, on the recording thread, which kind of file ("video",
            "photo") was lost and why (a full disk): the station shows it, as the log
            alone would go unread.
        """
        self._frames = frames
        self._folder = folder
        self._on_closed = on_closed
        self._on_failed = on_failed
        self._station = station
        self._segment_s = segment_s
        self._size = size
        self._fps = fps
        self._video = video
        self._photos_on = photos
        self._photo_at_scan_back = photos and photo_at_scan_back
        self._lock = threading.Lock()
        self._overlay: Overlay | None = None
        self._photos: list[Overlay] = []  # photos asked for, by the overlay they carry
        super().__init__("camera-recorder")
        self._segment: _Segment | None = None
        self._segment_order = ""
        self._count = 0
        self._failure: tuple[str, object] | None = None  # the last logged, until one is kept
        self._bugs: set[tuple[object, ...]] = set()  # where the bugs reported were raised

    # --- what the pack workflow tells it (any thread) --------------------------------

    def order_opened(self, order: str, packer: str) -> None:
        with self._lock:
            self._overlay = Overlay(self._station, packer, order)

    def scanned(self, text: str, verdict: str) -> None:
        with self._lock:
            if self._overlay is not None:
                self._overlay = replace(self._overlay, last_scan=text, verdict=verdict)
                if self._photo_at_scan_back and verdict == VerdictKind.LABEL_VERIFIED:
                    self._photos.append(self._overlay)

    def parcel_sealed(self) -> None:
        """Take a photo (JPEG) of the next frame, with the overlay as it is now."""
        with self._lock:
            if self._overlay is not None and self._photos_on:
                self._photos.append(self._overlay)

    def order_closed(self) -> None:
        with self._lock:
            self._overlay = None

    # --- the recording thread --------------------------------------------------------

    def writing(self, path: Path) -> bool:
        """Whether `path` is the segment being written now (not closed, not hashed yet)."""
        segment = self._segment
        return segment is not None and segment.path == path

    def _run(self) -> None:
        _yield_to_scanning()
        while not self._stop.is_set():
            try:
                self._step()
            except (OSError, av.FFmpegError) as exc:
                # A full or failing disk loses video, never the packing: drop the
                # segment, say so, and try again with the next frames.
                self._log_failure(exc)
                self._drop_segment()
                self._on_failed("video", f"The order's video is not being recorded: {exc}")
                self._stop.wait(1.0)
            except Exception as exc:
                # A bug. Left to end the thread, it would end the recording for the day;
                # it goes to threading.excepthook (the app's crash box and log) once,
                # is shown as "not recording", and the next frames are tried again.
                self._log_failure(exc)
                self._report_bug(exc)
                self._drop_segment()
                self._on_failed(
                    "video",
                    f"The recorder met an unexpected error ({exc!r}) and tries again; "
                    "details are in the log: please report it.",
                )
                self._stop.wait(1.0)
        try:
            self._close_segment()
        except (OSError, av.FFmpegError) as exc:
            logger.error("the last segment could not be closed: %s", exc)

    def _log_failure(self, exc: BaseException) -> None:
        """Logged once, not at each retry (every second while the disk stays full),
        until a segment is kept again."""
        failure = (type(exc).__name__, getattr(exc, "errno", None))
        level = logging.DEBUG if failure == self._failure else logging.ERROR
        logger.log(level, "recording failed, the segment being written is cut short: %s", exc)
        self._failure = failure

    def _report_bug(self, exc: Exception) -> None:
        """A bug, with its traceback, to threading.excepthook: once per place it is raised,
        not at each retry (a crash box every second)."""
        place = traceback.extract_tb(exc.__traceback__)[-1:]
        where = (type(exc).__name__, *((place[0].filename, place[0].lineno) if place else ()))
        if where in self._bugs:
            return
        self._bugs.add(where)
        threading.excepthook(
            threading.ExceptHookArgs(
                (type(exc), exc, exc.__traceback__, threading.current_thread())
            )
        )

    def _drop_segment(self) -> None:
        """Close the segment that failed as far as it goes, and keep it if it holds frames."""
        segment, self._segment = self._segment, None
        if segment is None:
            return
        # Called where the recording failed: an exception from here would end the thread.
        try:
            segment.close()
        except (OSError, av.FFmpegError):
            logger.debug("the failed segment %s is cut where its writing stopped", segment.path)
        except Exception:
            logger.exception("the failed segment %s could not be closed", segment.path)
        try:
            self._keep_cut(segment)
        except Exception:
            logger.exception("the cut segment %s was not handed on", segment.path)

    def _keep_cut(self, segment: _Segment) -> None:
        """A segment whose writing failed: kept and handed on if it holds a frame, as a
        WebM cut short plays up to its cut (a full disk lasts until the evidence sweep
        frees room, and the order must not lose the video it already has); removed if
        not, or each retry on a full disk would leave one more empty file."""
        seconds = None if segment.first is None else duration_of(segment.path)
        if seconds is None:
            _remove(segment.path)
            return
        logger.warning("the cut segment %s is kept: %.1f s", segment.path, seconds)
        ended = segment.started_at + timedelta(seconds=seconds + 1 / self._fps)
        self._on_closed(
            ClosedFile(
                self._segment_order, self._station, "video", segment.path, segment.started_at, ended
            )
        )

    def _step(self) -> None:
        """Take the newest frame: photos asked for, then the video."""
        frame = self._frames.take(timeout=0.2)
        with self._lock:
            overlay = self._overlay
            photos, self._photos = (self._photos, []) if frame else ([], self._photos)
        for asked in photos:
            assert frame is not None
            self._photo(frame, asked)
        if overlay is None or (self._segment and overlay.order != self._segment_order):
            self._close_segment()
        if overlay is None or frame is None or not self._video:
            return
        self._write(frame, overlay)

    def _write(self, frame: Frame, overlay: Overlay) -> None:
        segment = self._segment
        if (
            segment is not None
            and segment.first is not None
            and frame.time - segment.first >= self._segment_s
        ):
            self._close_segment()
            segment = None
        if segment is None:
            self._count += 1
            folder = self._folder / _safe(overlay.order)
            folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            name = f"{_safe(self._station)}-{stamp}-{self._count:05d}{SUFFIX}"
            path = folder / name
            try:
                segment = self._segment = _Segment(path, self._size, self._fps)
            except (OSError, av.FFmpegError):
                _remove(path)  # opened, then refused: no file left for nothing
                raise
            self._segment_order = overlay.order
        segment.add(burn_overlay(_fit(frame.image, self._size), overlay), frame.time)

    def _photo(self, frame: Frame, overlay: Overlay) -> None:
        folder = self._folder / _safe(overlay.order)
        taken = datetime.now(UTC)
        path = folder / f"{_safe(self._station)}-{taken.strftime('%Y%m%dT%H%M%S%f')}-photo.jpg"
        picture = burn_overlay(_fit(frame.image, self._size), overlay)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            written = cv2.imwrite(str(path), picture, [cv2.IMWRITE_JPEG_QUALITY, 90])
        except (OSError, cv2.error) as exc:
            logger.error("the photo %s could not be written: %s", path, exc)
            written = False
        if not written:
            # A full disk loses the photo, never the packing (nor the video's state).
            _remove(path)
            self._on_failed(
                "photo", f"The parcel's photo {path.name} could not be written (disk full?)"
            )
            return
        self._on_closed(ClosedFile(overlay.order, self._station, "photo", path, taken, taken))

    def _close_segment(self) -> None:
        segment, self._segment = self._segment, None
        if segment is None:
            return
        try:
            segment.close()
        except (OSError, av.FFmpegError):
            self._keep_cut(segment)  # its end never reached the disk: cut, as in _run
            raise
        if segment.first is None:
            segment.path.unlink(missing_ok=True)  # no frame came: nothing to keep
            return
        # By the frames' own clock, so the time ranges add up to the clip's length.
        ended = segment.started_at + timedelta(seconds=segment.last - segment.first + 1 / self._fps)
        self._failure = None  # a segment reached the disk: the next failure is news
        self._on_closed(
            ClosedFile(
                self._segment_order, self._station, "video", segment.path, segment.started_at, ended
            )
        )


def _remove(path: Path) -> None:
    """A file the recorder gave up on, so that nothing lists it as evidence."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:  # the next start deletes it (it has no frame)
        logger.warning("the lost file %s stays: %s", path, exc)


def _yield_to_scanning() -> None:
    """Lower the calling (recording) thread's priority, on Linux.

    A verdict must not wait for the video: with the recorder at the same priority,
    bench/camera_verdict.py measured barcode-to-verdict p50 163 ms against 63 ms
    without recording (2 busy cores); niced, 81 ms. The video loses frames instead
    when the cores are short (each keeps its time: the clip plays at true speed).
    Elsewhere a thread has no nice value of its own: it records at normal priority.
    """
    if not sys.platform.startswith("linux"):
        return
    thread = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + NICER)
    except OSError as exc:  # a sandbox that forbids it: record at normal priority
        logger.info("the recorder keeps its priority: %s", exc)


def burn_overlay(image: BgrImage, overlay: Overlay) -> BgrImage:
    """The frame with the overlay lines at its top left, on a dark band to stay readable."""
    lines = [
        f"{overlay.station}  packer {overlay.packer}  order {overlay.order}",
        datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
    ]
    if overlay.last_scan:
        lines.append(f"last scan {overlay.last_scan}: {overlay.verdict}")
    out = image.copy()
    height = 12 + 26 * len(lines)
    out[:height, :] = (out[:height, :] * 0.35).astype(np.uint8)
    for row, line in enumerate(lines):
        cv2.putText(
            out, line, (10, 28 + 26 * row), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (255, 255, 255), 2
        )
    return out


def _fit(image: BgrImage, size: tuple[int, int]) -> BgrImage:
    picture: Any = image
    if picture.ndim == 2:
        picture = cv2.cvtColor(picture, cv2.COLOR_GRAY2BGR)
    elif picture.shape[2] == 4:  # BGRA (a camera or file with alpha)
        picture = cv2.cvtColor(picture, cv2.COLOR_BGRA2BGR)
    if (picture.shape[1], picture.shape[0]) != size:
        picture = cv2.resize(picture, size, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(picture, dtype=np.uint8)


def _safe(text: str) -> str:
    """A name safe as a file name on every system."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text) or "_"
