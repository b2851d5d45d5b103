"""The scale on the pack screen: live weight and health in the status bar, parcels weighed.

The scale and its watcher run on their own threads; what they say reaches the
UI thread as queued signals. The watcher is armed while the station waits for
a parcel's weight (`Awaiting.WEIGHT`), and each new stable weight goes to the
engine through the controller, as a scan does, so its verdict shows like one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtWidgets import QLabel

from devices.state import DeviceState
from station.errors import UserError
from station.settings import Settings
from station.verdicts import Awaiting, StationView
from ui.controller import StationController
from ui.status_bar import DeviceHealth, DeviceStatusBar, Level, device_health

if TYPE_CHECKING:  # pyserial loads only on stations that have a scale
    from devices.scales.reading import Reading
    from devices.scales.watcher import ScaleWatcher
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

Closer = Callable[[], None]
SCALE = ("scale", "Scale")


class ScaleBridge(QObject):
    """Device-thread callbacks in, signals out; delivers weights while a parcel is awaited.

    `on_state`, `on_reading` and `on_weight` are called on device threads and
    only emit; everything else runs on the UI thread.
    """

    state_changed = Signal(object, str)  # DeviceState, message for the user
    reading_changed = Signal(object)  # Reading, when grams or status changed
    weighed = Signal(int)  # a new stable weight from the watcher

    def __init__(self, controller: StationController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.watcher: ScaleWatcher | None = None
        self._awaiting = False
        self._held: int | None = None  # a weight that came while the engine was busy
        self._last_reading: tuple[int | None, str] | None = None  # device thread only
        self.weighed.connect(self._on_self_weighed)
        controller.busy_changed.connect(self._on_controller_busy_changed)

    # -- device threads ---------------------------------------------------------

    def on_state(self, state: DeviceState, message: str) -> None:
        self._last_reading = None  # after a reconnect the same weight is news again
        self._emit(self.state_changed, state, message)

    def on_reading(self, reading: Reading) -> None:
        if self.watcher is not None:
            self.watcher.observe(reading)
        shown = (reading.grams, reading.status)
        if shown != self._last_reading:  # a streaming scale repeats itself many times a second
            self._last_reading = shown
            self._emit(self.reading_changed, reading)

    def on_weight(self, grams: int) -> None:
        self._emit(self.weighed, grams)

    def _emit(self, signal: SignalInstance, *args: object) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window is gone; the scale thread outlived it
            log.debug("scale bridge gone; %r dropped", args)

    # -- UI thread ----------------------------------------------------------------

    def show_view(self, view: StationView) -> None:
        """Arm the watcher while the station waits for a weight, disarm otherwise."""
        self._awaiting = view.awaiting is Awaiting.WEIGHT
        if not self._awaiting:
            self._held = None
        if self.watcher is not None:
            if self._awaiting:
                self.watcher.arm()
            else:
                self.watcher.disarm()

    def _on_self_weighed(self, grams: int) -> None:
        if not self._awaiting:
            log.info("scale: %d g while no parcel waits for a weight; ignored", grams)
        elif self._controller.pending:
            # Answered once the inputs before it are (the view may stop waiting meanwhile);
            # only the latest weight counts.
            self._held = grams
        else:
            self._controller.weigh(grams)

    def _on_controller_busy_changed(self, busy: bool) -> None:
        if busy or self._held is None:
            return
        held, self._held = self._held, None
        if self._awaiting:
            self._controller.weigh(held)


def format_reading(reading: Reading) -> str:
    """The live weight as the status bar shows it: `1250 g`, `~1250 g` while moving."""
    if reading.grams is None:
        return f"Weight: {reading.status}"
    return f"Weight: {'' if reading.stable else '~'}{reading.grams} g"


def connect_scale(window: MainWindow, settings: Settings) -> list[Closer]:
    """Start the configured scale, show it in the status bar and weigh awaited parcels."""
    url = settings.devices.scale
    if url is None:
        return []
    from devices.scales.from_url import open_scale
    from devices.scales.watcher import ScaleWatcher

    status: DeviceStatusBar = window.device_status
    key, title = SCALE
    bridge = ScaleBridge(window.controller, window)
    weight = QLabel("Weight: no reading yet")
    weight.setObjectName("scale weight")
    weight.setToolTip(f"What the scale at {url.text} shows.")
    status.addPermanentWidget(weight)

    def show_state(state: DeviceState, message: str) -> None:
        status.report(device_health(key, title, state, message))
        if state is not DeviceState.READY:
            weight.setText("Weight: none")  # a weight from before the fault would mislead

    bridge.state_changed.connect(show_state)
    bridge.reading_changed.connect(lambda reading: weight.setText(format_reading(reading)))
    try:
        scale, stop_scale = open_scale(url, on_state=bridge.on_state, on_reading=bridge.on_reading)
    except (UserError, OSError) as exc:  # the station packs on without its scale
        log.warning("scale not started: %s", exc)
        status.report(DeviceHealth(key, title, "error", Level.FAULT, f"{title}: {exc}"))
        return []
    watcher = ScaleWatcher(scale, bridge.on_weight)
    bridge.watcher = watcher
    window.view_shown.connect(bridge.show_view)
    if window.view is not None:
        bridge.show_view(window.view)
    # The scale first: a read under way then ends at once, and the watcher with it.
    return [stop_scale, watcher.close]
