"""Where a camera's frames come from: a local camera or an IP camera (OpenCV), a video
file played as if live, or generated frames.

A source is opened, read frame by frame on the camera's own thread, and closed; the
camera (devices/camera/camera.py) reopens it when its frames stop.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

# OpenCV logs every failed open of an absent camera at WARNING on stderr; the
# camera's own state report says it in words instead.
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

BgrImage = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Frame:
    """One picture from a camera: BGR pixels, when it was taken (monotonic s), its number."""

    image: BgrImage
    time: float
    number: int


class SourceOpenError(Exception):
    """The source cannot be opened; `absent` says it is not there (rather than unusable)."""

    def __init__(self, detail: str, absent: bool = True) -> None:
        super().__init__(detail)
        self.absent = absent


class FrameSource(Protocol):
    """A camera's picture stream. Every call comes from the camera's own thread."""

    description: str

    def open(self) -> None:
        """Start the stream; raises SourceOpenError if it cannot."""

    def read(self) -> BgrImage | None:
        """The next picture, waiting for it; None when none came (stopped, ended, lost)."""

    def close(self) -> None:
        """Stop the stream; the source can be opened again."""


class OpenCvSource:
    """A local camera (index or /dev/videoN) or an rtsp:// stream, through OpenCV."""

    def __init__(
        self, target: int | str, width: int, height: int, fps: int, shown: str = ""
    ) -> None:
        """`shown`: how messages name the camera (an rtsp:// target holds its password)."""
        self.description = f"camera {shown or target}"
        self._target = target
        self._size = (width, height)
        self._fps = fps
        self._capture: Any = None

    def open(self) -> None:
        import cv2

        capture = cv2.VideoCapture(self._target)
        if not capture.isOpened():
            capture.release()
            raise SourceOpenError(f"{self.description} is not there or cannot be opened")
        # A camera picks the nearest mode it has; what it picked is in the frames.
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self._size[0])
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self._size[1])
        capture.set(cv2.CAP_PROP_FPS, self._fps)
        self._capture = capture

    def read(self) -> BgrImage | None:
        ok, image = self._capture.read()
        return image if ok else None

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class VideoFileSource:
    """A recording played as if it were a live camera: paced at its frame rate.

    At its end it loops (`loop`), or sends no more frames, as a camera that stopped.
    """

    def __init__(
        self,
        path: Path,
        loop: bool,
        fps: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.description = f"video {path}"
        self._path = path
        self._loop = loop
        self._fps = fps
        self._clock = clock
        self._sleep = sleep
        self._capture: Any = None
        self._interval = 1 / 15
        self._due = 0.0
        self._ended = False

    def open(self) -> None:
        import cv2

        if not self._path.is_file():
            raise SourceOpenError(f"{self._path} does not exist; check the camera's file:// URL")
        capture = cv2.VideoCapture(str(self._path))
        if not capture.isOpened():
            capture.release()
            raise SourceOpenError(
                f"{self._path} cannot be played as a video (OpenCV cannot read it)", absent=False
            )
        if not capture.read()[0]:
            # OpenCV "opens" many a file that is no video (a photo, a text): it has no frame.
            capture.release()
            raise SourceOpenError(
                f"{self._path} has no picture OpenCV can read; is it a video (MP4, AVI, WebM)?",
                absent=False,
            )
        capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
        rate = self._fps or capture.get(cv2.CAP_PROP_FPS) or 15
        self._interval = 1 / min(max(rate, 1), 120)
        self._capture = capture
        self._due = self._clock()
        self._ended = False

    def read(self) -> BgrImage | None:
        import cv2

        if self._ended:
            self._sleep(self._interval)  # a stopped camera: no frame, no busy loop
            return None
        ok, image = self._capture.read()
        if not ok and self._loop:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, image = self._capture.read()
        if not ok:
            self._ended = True
            return None
        self._due += self._interval
        delay = self._due - self._clock()
        if delay > 0:
            self._sleep(delay)
        else:
            self._due = self._clock()  # behind (a slow machine): do not rush to catch up
        return np.asarray(image, dtype=np.uint8)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


# Demo product barcodes (EAN-13) the simulated camera shows, one after another.
SIM_CODES = ("4006381333931", "5901234123457", "036000291452")


class SimulatedSource:
    """Generated frames: a bench where barcodes are held up, one at a time, then taken away.

    Each code is in view for `shown_frames` frames, then the bench is empty for
    `gap_frames`; the codes come round again and again.
    """

    def __init__(
        self,
        width: int = 1280,
        height: int = 720,
        fps: int = 15,
        codes: Sequence[str] = SIM_CODES,
        shown_frames: int = 20,
        gap_frames: int = 15,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.description = "simulated camera"
        self._size = (width, height)
        self._interval = 1 / fps
        self._codes = tuple(codes)
        self._shown = shown_frames
        self._gap = gap_frames
        self._sleep = sleep
        self._clock = clock
        self._pictures: dict[str, BgrImage] = {}
        self._count = 0
        self._due = 0.0
        self._background = self._bench()

    def open(self) -> None:
        self._due = self._clock()

    def read(self) -> BgrImage | None:
        self._due += self._interval
        delay = self._due - self._clock()
        if delay > 0:
            self._sleep(delay)
        else:
            self._due = self._clock()
        frame = self._background.copy()
        cycle, step = divmod(self._count, self._shown + self._gap)
        self._count += 1
        if step < self._shown and self._codes:
            picture = self._picture(self._codes[cycle % len(self._codes)])
            # It drifts a little while held, as in a hand.
            top = self._size[1] // 3 + step % 5
            left = self._size[0] // 3 + 2 * (step % 7)
            frame[top : top + picture.shape[0], left : left + picture.shape[1]] = picture
        return frame

    def close(self) -> None:
        pass

    @property
    def shown_codes(self) -> tuple[str, ...]:
        return self._codes

    def _bench(self) -> BgrImage:
        width, height = self._size
        shade = np.linspace(90, 140, width, dtype=np.float32)
        gray = np.tile(shade, (height, 1)).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)

    def _picture(self, code: str) -> BgrImage:
        if code not in self._pictures:
            import zxingcpp

            kind = zxingcpp.BarcodeFormat
            retail = {12: kind.UPCA, 13: kind.EAN13}
            symbology = retail.get(len(code), kind.Code128) if code.isdigit() else kind.Code128
            barcode = zxingcpp.create_barcode(code, symbology)
            # As big as fits half the frame: whole modules, so it reads as printed.
            base = np.asarray(zxingcpp.write_barcode_to_image(barcode), dtype=np.uint8)
            scale = max(1, min(4, self._size[0] // 2 // base.shape[1]))
            image = zxingcpp.write_barcode_to_image(barcode, scale=scale)
            gray = np.asarray(image, dtype=np.uint8)[: self._size[1] // 2, : self._size[0] // 2]
            self._pictures[code] = np.repeat(gray[:, :, None], 3, axis=2)
        return self._pictures[code]
