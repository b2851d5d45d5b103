"""Camera URLs of the station config turned into running cameras and camera scanners."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from devices.camera.camera import Camera, LatestFrame
from devices.camera.decode import Found
from devices.camera.scanning import CameraScanner
from devices.camera.sources import (
    Frame,
    FrameSource,
    OpenCvSource,
    SimulatedSource,
    VideoFileSource,
)
from devices.scanners.events import ScannerListener
from station.device_urls import (
    CAMERA_OPTIONS,
    DeviceUrl,
    camera_ids,
    camera_uses,
    without_password,
)

DEFAULT_SIZE = (1280, 720)
DEFAULT_FPS = 15


def frame_source(url: DeviceUrl) -> FrameSource:
    """The source a camera URL names (checked already by station.device_urls)."""
    width = url.int_param("width", DEFAULT_SIZE[0])
    height = url.int_param("height", DEFAULT_SIZE[1])
    fps = url.int_param("fps", DEFAULT_FPS)
    if url.scheme == "camera":
        target: int | str = int(url.target) if url.target.isdigit() else url.target
        return OpenCvSource(target, width, height, fps)
    if url.scheme == "rtsp":
        return OpenCvSource(
            _rtsp_address(url), width, height, fps, shown=without_password(_rtsp_address(url))
        )
    if url.scheme == "file":
        rate = url.int_param("fps", 0) or None
        return VideoFileSource(Path(url.target), url.params.get("loop") == "1", rate)
    if url.scheme == "sim":
        return SimulatedSource(width, height, fps)
    raise url.error("this kind of camera is not supported yet")


def _rtsp_address(url: DeviceUrl) -> str:
    # The camera's own query options go to it; the station's (uses, fps...) do not.
    passed = {name: value for name, value in url.params.items() if name not in CAMERA_OPTIONS}
    query = f"?{urlencode(passed)}" if passed else ""
    return f"rtsp://{url.target}{query}"


@dataclass
class RunningCamera:
    camera: Camera
    scanner: CameraScanner | None

    def close(self) -> None:
        if self.scanner is not None:
            self.scanner.close()
        self.camera.close()


def start_cameras(urls: Sequence[DeviceUrl], listener: ScannerListener) -> list[Callable[[], None]]:
    """Start every configured camera, and a barcode reader for those used to scan.

    Cameras are named camera-1, camera-2, … (or by their `name` option); their scans
    and states reach `listener` as a serial scanner's do.
    """
    closers = []
    for camera_id, url in zip(camera_ids(urls), urls, strict=True):
        running = start_camera(url, listener, camera_id)
        closers.append(running.close)
    return closers


def start_camera(
    url: DeviceUrl,
    listener: ScannerListener,
    camera_id: str,
    *,
    decoded: Callable[[Frame, list[Found]], None] | None = None,
    also_to: Sequence[LatestFrame] = (),
) -> RunningCamera:
    """Start one camera (and its barcode reader if it is used to scan).

    `decoded` hears what every frame read held (a live view's outlines); `also_to` are
    slots that get its frames from the first one on (a live view, a recorder).
    """
    camera = Camera(frame_source(url), camera_id=camera_id, listener=listener)
    for slot in also_to:
        camera.attach(slot)
    scanner = None
    if "scan" in camera_uses(url):
        scanner = CameraScanner(
            camera.frames(), camera_id=camera_id, listener=listener, decoded=decoded
        )
        scanner.start()
    camera.start()
    return RunningCamera(camera, scanner)
