"""The cage's photo at a load's close, from the camera used for photos (its `photo` use).

The camera wiring (ui/camera_wiring.py) offers each such camera to the dock
(`offer_camera`); the first one takes the photo. It is taken on the dock's
worker as the close runs (the newest frame, written as a JPEG under
<data dir>/manifests/photos), so the manifest shows it and its SHA-256 is in
the manifest's data, whose hash the close keeps.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from station.handoff.manifest_data import MANIFESTS_DIR

if TYPE_CHECKING:
    from devices.camera.camera import Camera, LatestFrame
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

WAIT_S = 2.0  # how long the close waits for a frame from a camera that has none yet
PHOTOS_DIR = "photos"  # under the manifests folder


class CagePhoto:
    """Takes the cage's photo from one camera's newest frame."""

    def __init__(self, camera: Camera) -> None:
        self._frames: LatestFrame = camera.frames()
        self.camera_id = camera.camera_id

    def take(self, data_dir: Path, station: str, wait_s: float = WAIT_S) -> Path | None:
        """The photo's file, or None when the camera gave no frame or the file could not
        be written (the load closes without it; the log says why)."""
        import cv2  # loaded with the camera, never at a dock without one

        frame = self._frames.take(wait_s)
        if frame is None:
            log.warning("camera %s gave no frame: the load closes without a photo", self.camera_id)
            return None
        folder = data_dir / MANIFESTS_DIR / PHOTOS_DIR
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = folder / f"{_safe(station)}-{stamp}-cage.jpg"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            written = cv2.imwrite(str(path), frame.image, [cv2.IMWRITE_JPEG_QUALITY, 90])
        except OSError:
            written = False
        if not written:
            log.error("the cage photo %s could not be written: the load closes without it", path)
            return None
        return path


def offer_camera(window: MainWindow, camera: Camera) -> None:
    """A camera with the `photo` use: the dock's close photographs the cage with it."""
    from ui.loading.mode import LoadingMode

    mode = window.findChild(LoadingMode)
    if mode is not None and mode.dock.cage_photo is None:
        mode.dock.cage_photo = CagePhoto(camera)


def _safe(text: str) -> str:
    return "".join(char if char.isalnum() else "-" for char in text.strip())[:40] or "dock"
