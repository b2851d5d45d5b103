"""Cameras at the pack screen: their scans go where serial scans go, their health to the
status bar, and a recording camera films each order into the evidence store.

No live view yet: capture, reading and recording all run on the cameras' own threads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from station.device_urls import DeviceUrl, camera_uses
from station.errors import UserError
from station.settings import Settings
from ui.main_window import MainWindow
from ui.serial_scanner_bridge import ScannerBridge
from ui.status_bar import DeviceHealth, Level, ScannerHealthTap

if TYPE_CHECKING:
    from devices.camera.camera import Camera

log = logging.getLogger(__name__)

CAMERA_SOURCE = "camera"


def connect_cameras(window: MainWindow, settings: Settings) -> list[Callable[[], None]]:
    """Start the configured cameras; returns how to stop them."""
    if not settings.devices.cameras:
        return []
    from devices.camera.from_url import start_camera

    bridge = ScannerBridge(window)
    bridge.scanned.connect(
        lambda text, camera_id, duplicate: window.controller.scan(
            text, source=CAMERA_SOURCE, duplicate=duplicate
        )
    )
    listener = ScannerHealthTap(bridge, window.device_status)
    stops: list[Callable[[], None]] = []
    for number, url in enumerate(settings.devices.cameras, start=1):
        camera_id = url.params.get("name", f"camera-{number}")
        try:
            running = start_camera(url, listener, camera_id)
        except (UserError, OSError, ValueError) as exc:  # the station packs on without it
            log.warning("camera %s not started: %s", camera_id, exc)
            window.device_status.report(
                DeviceHealth(camera_id, f"Camera {camera_id}", "error", Level.FAULT, str(exc))
            )
            continue
        stops.append(running.close)
        if "record" in camera_uses(url):
            stops.insert(0, _record(window, running.camera, url))
    return stops


def _record(window: MainWindow, camera: Camera, url: DeviceUrl) -> Callable[[], None]:
    from sqlalchemy.exc import DatabaseError

    from devices.camera.recorder import Recorder
    from station import evidence
    from station.pack_events import OrderFollower

    session = window.controller.session
    store = session.store
    data_dir: Path = store.path.parent

    def on_closed(closed: evidence.ClosedFile) -> None:
        try:
            evidence.record(store, data_dir, closed)
        except (OSError, DatabaseError):
            # The video is evidence, not the packing: a full disk must not stop the bench.
            log.exception("evidence segment %s was not recorded", closed.path)

    recorder = Recorder(
        camera.frames(),
        evidence.evidence_dir(data_dir),
        on_closed,
        station=session.station,
        size=(url.int_param("width", 1280), url.int_param("height", 720)),
        fps=url.int_param("fps", 15),
    )
    recorder.start()
    session.on_step(OrderFollower(recorder).after_step)
    return recorder.close
