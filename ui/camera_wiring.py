"""Cameras at the pack screen: their scans go where serial scans go, their state to the
status bar in a camera's words, each one's picture to its live view (stacked in one
column), and a recording camera films each order into the evidence store.

Capture, reading and recording all run on the cameras' own threads; the live view only
takes the newest frame on a UI timer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QShortcut

from devices.state import DeviceState
from station.device_urls import DeviceUrl, camera_ids, camera_uses
from station.errors import UserError
from station.settings import Settings
from station.verdicts import StationView, Verdict, VerdictKind
from ui.banner import role_of
from ui.camera_panel import HIDE_KEY, CameraColumn, CameraPanel
from ui.camera_storage import EvidenceKeeper, RecordingHealth
from ui.loading.cage_photo import offer_camera
from ui.main_window import MainWindow
from ui.serial_scanner_bridge import ScannerBridge
from ui.status_bar import DeviceHealth, DeviceStatusBar, Level

if TYPE_CHECKING:
    from devices.camera.camera import Camera
    from devices.camera.recorder import Recorder
    from devices.scanners import ScannerListener, ScanRead

log = logging.getLogger(__name__)

CAMERA_SOURCE = "camera"


def camera_key(camera_id: str) -> str:
    return f"camera:{camera_id}"


_CAMERA_WORDS: dict[DeviceState, tuple[str, Level, str]] = {
    DeviceState.UNKNOWN: ("starting", Level.NONE, "It has not started yet."),
    DeviceState.CONNECTING: ("opening", Level.NONE, "Opening the camera."),
    DeviceState.READY: ("live", Level.OK, "Sending pictures."),
    DeviceState.ERROR: (
        "cannot open",
        Level.FAULT,
        "It is there but cannot be used (in use by another program, no permission, "
        "a setting it does not have); it retries by itself.",
    ),
    DeviceState.CLOSED: ("closed", Level.NONE, "Stopped; restart PackStation to use it."),
}


class CameraHealthTap:
    """Passes a camera's scans on, and shows its state in the status bar in its own words.

    A camera that stops sending frames is "no picture, reopening"; one that cannot be
    opened is "unplugged". Runs on the camera's threads and never raises.
    """

    def __init__(self, inner: ScannerListener, status_bar: DeviceStatusBar) -> None:
        self._inner = inner
        self._status_bar = status_bar
        self._live: set[str] = set()  # cameras that sent pictures since they were opened

    def on_scan(self, event: ScanRead) -> None:
        self._inner.on_scan(event)

    def on_rejected(self, scanner_id: str, reason: str, raw: bytes) -> None:
        self._inner.on_rejected(scanner_id, reason, raw)

    def on_state(self, scanner_id: str, state: DeviceState, detail: str) -> None:
        self._status_bar.report(self.health(scanner_id, state, detail))

    def health(self, camera_id: str, state: DeviceState, detail: str) -> DeviceHealth:
        if state is DeviceState.DISCONNECTED:
            if camera_id in self._live:  # it was sending pictures: they stopped
                self._live.discard(camera_id)
                word, level, hint = (
                    "no picture, reopening",
                    Level.FAULT,
                    "Its pictures stopped; it is opened again by itself. Check its cable "
                    "or network if this stays.",
                )
            else:
                word, level, hint = (
                    "unplugged",
                    Level.FAULT,
                    "Check that it is plugged in (an IP camera: on the network); it is "
                    "opened again by itself.",
                )
        else:
            if state is DeviceState.READY:
                self._live.add(camera_id)
            word, level, hint = _CAMERA_WORDS[state]
        title = f"Camera {camera_id}"
        return DeviceHealth(
            camera_key(camera_id), title, word, level, f"{title}: {word}.\n{detail}\n{hint}"
        )


def connect_cameras(window: MainWindow, settings: Settings) -> list[Callable[[], None]]:
    """Start the configured cameras; returns how to stop them.

    Every camera has its live view, with its own state line; F8 hides or shows them all.
    """
    if not settings.devices.cameras:
        return []
    from devices.camera.from_url import start_camera

    bridge = ScannerBridge(window)
    bridge.scanned.connect(
        lambda text, camera_id, duplicate: window.controller.scan(
            text, source=CAMERA_SOURCE, duplicate=duplicate
        )
    )
    listener = CameraHealthTap(bridge, window.device_status)
    _evidence_button(window)
    stops: list[Callable[[], None]] = []
    recorders: list[Recorder] = []
    column = _live_views(window, settings)
    cameras = settings.devices.cameras
    for camera_id, url in zip(camera_ids(cameras), cameras, strict=True):
        panel = _live_view(window, column, camera_id)
        try:
            running = start_camera(
                url,
                listener,
                camera_id,
                decoded=panel.view.decoded,
                also_to=[panel.frames],
            )
        except (UserError, OSError, ValueError) as exc:  # the station packs on without it
            log.warning("camera %s not started: %s", camera_id, exc)
            window.device_status.report(
                DeviceHealth(
                    camera_key(camera_id), f"Camera {camera_id}", "error", Level.FAULT, str(exc)
                )
            )
            continue
        stops.append(running.close)
        if "record" in camera_uses(url) or "photo" in camera_uses(url):
            recorders.append(_record(window, settings, running.camera, url, camera_id))
            stops.insert(0, recorders[-1].close)
        if "photo" in camera_uses(url):  # the dock's close photographs the cage with it (H4)
            offer_camera(window, running.camera)
    if recorders:
        stops.insert(0, _keep_evidence(window, settings, recorders))
    return stops


def _keep_evidence(
    window: MainWindow, settings: Settings, recorders: list[Recorder]
) -> Callable[[], None]:
    """One keeper for the station's evidence, however many cameras record into it: two
    would sweep the same oldest files at once (the second deletion row refused) and hash
    a crash's leftover twice."""
    session = window.controller.session
    keeper = EvidenceKeeper(
        session.store,
        session.station,
        settings.camera,
        window.device_status,
        lambda path: any(recorder.writing(path) for recorder in recorders),
    )
    keeper.start()
    return keeper.stop


def _evidence_button(window: MainWindow) -> None:
    """Evidence… beside Devices…: the viewer of the orders' videos and photos."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    button = QPushButton("Evidence…")
    button.setObjectName("evidenceButton")
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # scans go on to the input field

    def open_viewer() -> None:
        from ui.evidence_viewer import open_evidence_viewer

        store = window.controller.session.store
        open_evidence_viewer(window, store, store.path.parent)

    button.clicked.connect(open_viewer)
    window.device_status.addPermanentWidget(button)


def _live_views(window: MainWindow, settings: Settings) -> CameraColumn:
    column = CameraColumn()
    window.add_side_panel(column, column.set_metrics)
    column.set_shown(settings.camera.live_view)
    toggle = QShortcut(QKeySequence(HIDE_KEY), window)
    toggle.activated.connect(lambda: column.set_shown(not column.isVisible()))
    return column


def _live_view(window: MainWindow, column: CameraColumn, camera_id: str) -> CameraPanel:
    panel = column.add(camera_id)

    def on_health(health: DeviceHealth) -> None:
        if health.key == camera_key(camera_id):
            panel.show_health(health)

    def on_verdict(verdict: Verdict) -> None:
        if window.view is not None and verdict.kind is not VerdictKind.DUPLICATE_READ:
            panel.view.verdict_for(verdict.scan, role_of(verdict, window.view))

    window.device_status.health_changed.connect(on_health)
    window.verdict_shown.connect(on_verdict)
    return panel


def _record(
    window: MainWindow, settings: Settings, camera: Camera, url: DeviceUrl, camera_id: str
) -> Recorder:
    from sqlalchemy.exc import DatabaseError

    from devices.camera.recorder import Recorder
    from station import evidence
    from station.pack_events import OrderFollower

    session = window.controller.session
    store = session.store
    data_dir: Path = store.path.parent

    health = RecordingHealth(window.device_status, camera_id)

    def on_closed(closed: evidence.ClosedFile) -> None:
        try:
            evidence.record(store, data_dir, closed)
        except (OSError, DatabaseError) as exc:
            # The video is evidence, not the packing: a full disk must not stop the bench.
            log.exception("evidence segment %s was not recorded", closed.path)
            health.lost(closed.kind, f"{closed.path.name} was not recorded: {exc}")
            return
        health.kept(closed.kind)

    uses = camera_uses(url)
    recorder = Recorder(
        camera.frames(),
        evidence.evidence_dir(data_dir),
        on_closed,
        station=session.station,
        size=(url.int_param("width", 1280), url.int_param("height", 720)),
        fps=url.int_param("fps", 15),
        video="record" in uses,
        photos="photo" in uses,
        photo_at_scan_back=settings.camera.photo_at_scan_back,
        on_failed=health.lost,
    )
    recorder.start()
    session.on_step(OrderFollower(recorder).after_step)

    def on_resumed(_screen: object, view: StationView) -> None:
        # The station stopped with an order on the bench: film it again from now on.
        if view.order is not None:
            recorder.order_opened(view.order.number, view.packer_badge or view.packer_name or "")

    window.controller.resumed.connect(on_resumed)
    return recorder
