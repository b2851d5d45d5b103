"""Scanning by camera: frames read for barcodes on a thread of their own, each code
counted once while it is held in view.

A scanner reads a code once per trigger pull; a camera sees it in every frame. One
blurred frame can read an EAN-13 as other digits with a valid check digit
(bench/camera_decode.py saw it), so a code counts on its first frame only when it
vouches for itself (QR and Data Matrix: error correction) or a second reader agrees
(zbar re-reading the crop around it: decode.SecondOpinion); else it counts once two
frames have read it. Waiting for a second frame always was most of the time from a
barcode in view to its verdict (p50 157 ms at 15 fps, the turned-code search taking
every other frame); the second opinion costs about 5 ms, once per code coming into view.
A code does not count again until it has left the view for `gone_after_s`, or, held in
view, the double-read window passed.

Decoding takes the newest frame only: when it is slower than the camera, frames are
skipped, never queued, so a verdict is never late by a backlog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from devices.camera.camera import LatestFrame
from devices.camera.decode import Found, FrameDecoder, FrameReader, SecondOpinion
from devices.camera.sources import BgrImage, Frame
from devices.device_thread import DeviceThread
from devices.scanners.events import ScannerListener, ScanRead

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CameraScan(ScanRead):
    """A barcode read by a camera: a ScanRead (same listener), with where it was seen."""

    source: str = "camera"
    format: str = ""
    position: tuple[tuple[int, int], ...] = ()


@dataclass
class _InView:
    first_seen: float
    last_seen: float
    sightings: int = 1
    counted_at: float | None = None


@dataclass
class ViewTracker:
    """Which codes in view count now. Pure: give it what each frame read, and when."""

    confirm_frames: int = 2
    gone_after_s: float = 0.6
    double_read_window_s: float | None = None  # None: held in view, it never counts again
    _codes: dict[str, _InView] = field(default_factory=dict)

    def seen(
        self, texts: set[str], now: float, vouched: Callable[[str], bool] | None = None
    ) -> list[str]:
        """The codes of this frame that count now (in the order given).

        `vouched(text)`: whether this frame's read of a code not counted yet can be
        trusted on its own (asked only while one frame is not enough).
        """
        for text in [
            t for t, entry in self._codes.items() if now - entry.last_seen > self.gone_after_s
        ]:
            del self._codes[text]  # it left the view
        counted = []
        for text in texts:
            entry = self._codes.get(text)
            if entry is None:
                entry = self._codes[text] = _InView(now, now)
            else:
                entry.last_seen = now
                entry.sightings += 1
            if self._counts(entry, now) or (
                entry.counted_at is None and vouched is not None and vouched(text)
            ):
                entry.counted_at = now
                counted.append(text)
        return counted

    def _counts(self, entry: _InView, now: float) -> bool:
        if entry.counted_at is None:
            return entry.sightings >= self.confirm_frames
        window = self.double_read_window_s
        return window is not None and now - entry.counted_at >= window


class CameraScanner(DeviceThread):
    """Reads barcodes in a camera's newest frames and reports each count to a listener.

    The listener is the serial scanners' (on_scan with a CameraScan), called on this
    reader's own thread.
    """

    def __init__(
        self,
        frames: LatestFrame,
        *,
        camera_id: str,
        listener: ScannerListener,
        tracker: ViewTracker | None = None,
        decoder: FrameDecoder | None = None,
        decoded: Callable[[Frame, list[Found]], None] | None = None,
        second_opinion: Callable[[BgrImage, Found], bool] | None = None,
    ) -> None:
        """Args:
        frames: the camera's slot this reader takes frames from.
        camera_id: carried by every scan as its scanner_id.
        listener: receives the scans.
        tracker: decides what counts (default: one vouched frame or two, 0.6 s to leave).
        decoder: reads one frame (default: the camera's FrameReader).
        decoded: told of every frame read and what was in it (a live view's outlines).
        second_opinion: whether one frame's read of a code can count (default: QR and
            Data Matrix, or zbar agreeing on the crop; SecondOpinion).
        """
        self.camera_id = camera_id
        self._frames = frames
        self._listener = listener
        self._tracker = tracker or ViewTracker()
        self._decode = decoder or FrameReader()
        self._decoded = decoded
        self._second_opinion = second_opinion or SecondOpinion()
        super().__init__(f"camera-reader-{camera_id}")
        self.frames_read = 0

    @property
    def frames_skipped(self) -> int:
        return self._frames.dropped

    def _run(self) -> None:
        while not self._stop.is_set():
            frame = self._frames.take(timeout=0.2)
            if frame is None:
                continue
            found = self._decode(frame.image)
            self.frames_read += 1
            if self._decoded is not None:
                self._decoded(frame, found)
            for code in self._counted(frame, found):
                text = code.text
                scan = CameraScan(
                    scanner_id=self.camera_id,
                    text=text,
                    raw=text.encode("utf-8"),
                    time=frame.time,
                    duplicate=False,
                    format=code.format,
                    position=code.position,
                )
                logger.info("camera %s: read %r (%s)", self.camera_id, text, code.format)
                self._listener.on_scan(scan)

    def _counted(self, frame: Frame, found: list[Found]) -> list[Found]:
        where = {code.text: code for code in found}

        def vouched(text: str) -> bool:
            return self._second_opinion(frame.image, where[text])

        return [where[text] for text in self._tracker.seen(set(where), frame.time, vouched)]
