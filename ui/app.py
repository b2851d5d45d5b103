"""Start the pack screen: `run_gui` for the real thing, `build_main_window` for tests."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from devices import registry
from devices.pdf import render_process
from station import paths
from station.audit.anchors import AnchorScheduler
from station.backups import BackupScheduler
from station.errors import UserError
from station.integrity import whole_check_due
from station.ports import LabelPrinter
from station.session import PackSession
from station.settings import Settings
from ui.camera_wiring import connect_cameras
from ui.central_link import connect_central_link
from ui.controller import StationController
from ui.crash import install_excepthook
from ui.integrity_watch import IntegrityWatch
from ui.loading.mode import attach_loading_mode
from ui.main_window import MainWindow
from ui.printer_watch import watch_printers
from ui.qt_logs import quiet_optional_library_logs
from ui.scale_bridge import connect_scale
from ui.serial_scanner_bridge import ScannerBridge
from ui.sounds import SoundPlayer, make_sound_player
from ui.status_bar import DeviceHealth, Level, ScannerHealthTap
from ui.wedge import Clock, monotonic_ms

log = logging.getLogger(__name__)
READY = "READY"
WARM_RENDERER_AFTER_MS = 2000


def build_main_window(
    session: PackSession,
    settings: Settings,
    sound_player: SoundPlayer | None = None,
    *,
    clock: Clock = monotonic_ms,
) -> MainWindow:
    """The main window wired to `session` through a background controller (not shown yet).

    Call `window.start()` to load the first view.
    """
    controller = StationController(session)
    window = MainWindow(
        controller,
        settings,
        sound_player if sound_player is not None else make_sound_player(settings),
        clock,
    )
    controller.setParent(window)
    return window


def run_gui(
    session: PackSession,
    settings: Settings,
    *,
    title_suffix: str = "",
    report_ready: bool = False,
    label_printer: LabelPrinter | None = None,
    config_path: Path | None = None,
) -> int:
    """Show the pack screen maximised and run the event loop; returns the exit code.

    With `report_ready`, prints `READY` on stdout once the window is shown and
    the station's state is on it (a benchmark times start-up by this line).
    `label_printer` (the session's) is polled for the status bar; `config_path`
    is where Devices… saves (default: the user config dir's station.toml).
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("PackStation")
    quiet_optional_library_logs()
    window = build_main_window(session, settings)
    config_dir = config_path.parent if config_path else None
    attach_loading_mode(window, window.controller, settings, window.sound_player, config_dir)
    connect_claims(window)
    stop_devices = connect_devices(
        window, settings, label_printer=label_printer, config_path=config_path
    )
    # The central link: a sync process beside the window (nothing without [central] url).
    stop_devices += connect_central_link(
        window.device_status,
        settings,
        session.store.path.parent,
        config_path or paths.default_config_path(),
    )
    app.aboutToQuit.connect(lambda: [stop() for stop in stop_devices])
    # A station left open for weeks still backs up daily, on a thread of its own.
    backups = BackupScheduler(session.store.path).start()
    app.aboutToQuit.connect(backups.stop)
    # The audit chain's head, anchored every 15 minutes (log, store, central database).
    anchors = AnchorScheduler(session.store, central_url=settings.central.url).start()
    app.aboutToQuit.connect(anchors.stop)
    # A large store: the rest of its check, off the start, once a day.
    if not session.store.checked_whole and whole_check_due(session.store.path):
        watch = IntegrityWatch(lambda text: window.banner.show_error(text, "DATABASE DAMAGED"))
        watch.setParent(window)
        watch.start(session.store.path)
    if title_suffix:
        window.setWindowTitle(f"{window.windowTitle()} {title_suffix}")
    if report_ready:
        _report_ready_once(window)
    install_excepthook(window)
    earlier_handlers, wake = _quit_on_interrupt(app)
    window.showMaximized()
    window.start()
    # The first label must not wait seconds for the render child to start; warmed once
    # the start's own work is done, so it does not slow the window's first paint.
    QTimer.singleShot(WARM_RENDERER_AFTER_MS, window, render_process.warm_up)
    try:
        return app.exec()
    finally:
        wake.stop()
        for number, handler in earlier_handlers.items():
            signal.signal(number, handler)


def connect_devices(
    window: MainWindow,
    settings: Settings,
    *,
    label_printer: LabelPrinter | None = None,
    config_path: Path | None = None,
) -> list[Callable[[], None]]:
    """Start the configured devices, show their health, and offer Devices…; returns closers."""
    path = config_path or paths.default_config_path()

    def open_dialog() -> None:
        # Imported when asked for: the dialog is rare, and start-up time is measured.
        from ui.devices_dialog import open_devices_dialog

        session = window.controller.session
        open_devices_dialog(
            window,
            path,
            settings.devices,
            session.store,
            session.station,
            settings.commands,
            pin_required=settings.supervisor_pin,
        )

    window.device_status.devices_requested.connect(open_dialog)
    stops = connect_serial_scanners(window, settings)
    stops += connect_scale(window, settings)
    stops += connect_cameras(window, settings)
    stops += watch_printers(window.device_status, settings.devices, label_printer)
    return stops


class _ClaimRelay(QObject):
    """The claim worker's "another station holds the open order", onto the UI thread."""

    lost = Signal()

    def emit_lost(self) -> None:  # called on the claim worker's thread
        with contextlib.suppress(RuntimeError):  # the window is gone: nothing to take off
            self.lost.emit()


def connect_claims(window: MainWindow) -> None:
    """A refused claim takes the open order off the bench at once, not at the next scan."""
    link = window.controller.session.central_link
    if link is None:
        return
    relay = _ClaimRelay(window)
    relay.lost.connect(window.controller.recheck_claim)
    link.on_lost(relay.emit_lost)
    window.controller.recheck_claim()  # a refusal heard before the window was listening


def connect_serial_scanners(window: MainWindow, settings: Settings) -> list[Callable[[], None]]:
    """Start the configured serial scanners; their scans go where wedge scans go."""
    if not settings.devices.scanners:
        return []
    bridge = ScannerBridge(window)
    bridge.scanned.connect(
        lambda text, scanner_id, duplicate: window.controller.scan(
            text, source=f"serial:{scanner_id}", duplicate=duplicate
        )
    )
    try:
        return registry.scanners(
            settings.devices.scanners, ScannerHealthTap(bridge, window.device_status)
        )
    except (UserError, OSError, ValueError) as exc:  # the station packs on with the wedge
        log.warning("serial scanners not started: %s", exc)
        window.device_status.report(
            DeviceHealth("scanners", "Scanners", "error", Level.FAULT, f"Scanners: {exc}")
        )
        return []


def _quit_on_interrupt(app: QApplication) -> tuple[dict[signal.Signals, Any], QTimer]:
    """Ctrl-C in a terminal, or a service manager's SIGTERM, closes the window as its
    own close does: devices stopped, no traceback. Every scan is already stored.
    Returns the handlers it replaced and the timer that wakes Python."""
    earlier = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        earlier[number] = signal.signal(number, lambda _number, _frame: app.quit())
    # Python runs signal handlers only between its own bytecodes: a timer lets it
    # in while Qt's event loop waits.
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(250)
    return earlier, wake


def _report_ready_once(window: MainWindow) -> None:
    def on_view_shown(_view: object) -> None:
        window.view_shown.disconnect(on_view_shown)
        print(READY, flush=True)

    window.view_shown.connect(on_view_shown)
