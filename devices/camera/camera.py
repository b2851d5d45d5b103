"""A camera: one thread reads its frames for its whole life and hands on the newest.

Like a serial scanner (devices/scanners/serial_scanner.py), the thread opens its source,
reads, and when the frames stop (unplugged, network gone, the video ended) reports it
and opens the source again until frames come back. State reports never repeat.

Whoever uses the frames (the barcode reader, a live view, a recorder) takes them from
its own `LatestFrame`: a slot that holds only the newest frame, so a slow user skips
frames instead of falling behind, and never slows the capture or another user.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from devices.camera.sources import Frame, FrameSource, SourceOpenError
from devices.device_thread import DeviceThread
from devices.state import FAULTED, DeviceState

logger = logging.getLogger(__name__)


class CameraStateListener(Protocol):
    """What a camera reports, on its own thread (the scanners' on_state, same words)."""

    def on_state(self, scanner_id: str, state: DeviceState, detail: str) -> None:
        """The camera changed state; `detail` says why, in words for the user."""


class LatestFrame:
    """The newest frame of a camera, for one user; older ones are dropped unseen."""

    def __init__(self) -> None:
        self._frame: Frame | None = None
        self._changed = threading.Condition()
        self.dropped = 0

    def put(self, frame: Frame) -> None:
        with self._changed:
            if self._frame is not None:
                self.dropped += 1
            self._frame = frame
            self._changed.notify_all()

    def take(self, timeout: float) -> Frame | None:
        """The newest frame not taken yet, waiting up to `timeout` s for one; None if none."""
        with self._changed:
            if self._frame is None:
                self._changed.wait(timeout)
            frame, self._frame = self._frame, None
            return frame


class Camera(DeviceThread):
    """Reads frames from a source on its own thread and gives the newest to every sink.

    Call `start()` once and `close()` when done (or use it as a context manager).
    """

    def __init__(
        self,
        source: FrameSource,
        *,
        camera_id: str,
        listener: CameraStateListener,
        stall_after_s: float = 2.0,
        reopen_interval_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Set the camera up; nothing is opened until `start()`.

        Args:
            source: where the frames come from.
            camera_id: carried by every report, to tell the bench's cameras apart.
            listener: hears of every change of state.
            stall_after_s: no frame for this long means the camera is lost: reopen it.
            reopen_interval_s: how often to try again while it cannot be opened.
            clock: monotonic seconds, for frame times and the stall.
        """
        self.camera_id = camera_id
        self._source = source
        self._listener = listener
        self._stall_after_s = stall_after_s
        self._reopen_interval_s = reopen_interval_s
        self._clock = clock
        self._sinks: list[LatestFrame] = []
        self._sinks_lock = threading.Lock()
        self._state = DeviceState.UNKNOWN
        self._reported: tuple[DeviceState, str] | None = None
        super().__init__(f"camera-{camera_id}")
        self._number = 0

    @property
    def state(self) -> DeviceState:
        return self._state

    def frames(self) -> LatestFrame:
        """A new slot that will always hold this camera's newest frame."""
        return self.attach(LatestFrame())

    def attach(self, slot: LatestFrame) -> LatestFrame:
        """Give `slot` this camera's frames from now on (made by its user beforehand)."""
        with self._sinks_lock:
            self._sinks.append(slot)
        return slot

    # --- the camera thread ---------------------------------------------------------------

    def _run(self) -> None:
        # A bug here ends the thread through threading.excepthook (the app's crash dialog).
        self._report(DeviceState.CONNECTING, f"opening {self._source.description}")
        while not self._stop.is_set():
            try:
                self._source.open()
            except SourceOpenError as exc:
                state = DeviceState.DISCONNECTED if exc.absent else DeviceState.ERROR
                self._report(state, str(exc))
                self._stop.wait(self._reopen_interval_s)
                continue
            try:
                self._pump()
            finally:
                self._source.close()
        self._report(DeviceState.CLOSED, "closed")

    def _pump(self) -> None:
        """Hand on frames until they stop for `stall_after_s` or close() is called."""
        last_frame = self._clock()
        while not self._stop.is_set():
            image = self._source.read()
            now = self._clock()
            if image is None:
                if now - last_frame >= self._stall_after_s:
                    self._report(
                        DeviceState.DISCONNECTED,
                        f"no picture from {self._source.description} for "
                        f"{self._stall_after_s:g} s; opening it again",
                    )
                    return
                self._stop.wait(0.02)
                continue
            if self._state is not DeviceState.READY:
                self._report(DeviceState.READY, f"reading {self._source.description}")
            last_frame = now
            self._number += 1
            frame = Frame(image, now, self._number)
            with self._sinks_lock:
                sinks = list(self._sinks)
            for sink in sinks:
                sink.put(frame)

    def _report(self, state: DeviceState, detail: str) -> None:
        if self._reported == (state, detail):
            return
        self._reported = (state, detail)
        self._state = state
        log = logger.warning if state in FAULTED else logger.info
        log("camera %s: %s (%s)", self.camera_id, state.value, detail)
        self._listener.on_state(self.camera_id, state, detail)
