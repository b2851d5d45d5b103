"""Scanning by camera: frames read for barcodes on a thread of their own, each code
counted once while it is held in view.

A scanner reads a code once per trigger pull; a camera sees it in every frame. A code
counts when two frames have read it (one blurred frame can read an EAN-13 as other
digits with a valid check digit: bench/camera_decode.py saw it), and not again until it
has left the view for `gone_after_s`, or, held in view, the double-read window passed.

Decoding takes the newest frame only: when it is slower than the camera, frames are
skipped, never queued, so a verdict is never late by a backlog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from devices.camera.camera import LatestFrame
from devices.camera.decode import Found, FrameDecoder, FrameReader
from devices.camera.sources import Frame
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

    def seen(self, texts: set[str], now: float) -> list[str]:
        """The codes of this frame that count now (in the order given)."""
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
            if self._counts(entry, now):
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
    ) -> None:
        """Args:
        frames: the camera's slot this reader takes frames from.
        camera_id: carried by every scan as its scanner_id.
        listener: receives the scans.
        tracker: decides what counts (default: two frames to confirm, 0.6 s to leave).
        decoder: reads one frame (default: the camera's FrameReader).
        decoded: told of every frame read and what was in it (a live view's outlines).
        """
        self.camera_id = camera_id
        self._frames = frames
        self._listener = listener
        self._tracker = tracker or ViewTracker()
        self._decode = decoder or FrameReader()
        self._decoded = decoded
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
            where = {code.text: code for code in found}
            for text in self._tracker.seen(set(where), frame.time):
                code = where[text]
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
