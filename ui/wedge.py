"""Application-wide capture of keyboard-wedge scans, whatever has the focus.

`WedgeFilter` is an event filter on the QApplication. While the pack screen is
the window the keys go to (no dialog or popup open), it takes every character
key and feeds it to a `WedgeBurstDetector` with a timestamp:

* a fast burst ended by Enter/Tab is a scan: `scanned(text)` is emitted and no
  key of it reaches any widget;
* a burst that cannot be a barcode on the station's keyboard layout (a scanner
  set to another layout) is `scan_refused(message)`: never a scan, never typing;
* slower keys are a person typing: they are delivered, in order, to the typed
  sink (the visible input field, focused if it was not), and Enter there is a
  manual entry.

Keys are held at most `wedge_max_key_interval_ms` before being delivered (a
timer flushes them), so typing feels immediate. Dialogs are left alone, so
typing a note in the exception dialog works as anywhere else.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from devices.wedge import WedgeBurstDetector
from station.settings import Settings

log = logging.getLogger(__name__)

Clock = Callable[[], float]
GS = "\x1d"  # group separator (FNC1 in GS1 element strings)
TERMINATORS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab})
MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_Meta,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
    }
)
# Accent keys that wait for the next key (circumflex and acute on QWERTZ, and more):
# the character comes with the next key, so like Shift they must not break a burst.
DEAD_KEYS = range(Qt.Key.Key_Dead_Grave.value, Qt.Key.Key_Dead_Longsolidusoverlay.value + 1)


def monotonic_ms() -> float:
    """Default clock. Key events' own timestamps are 0 when synthesized, so not those."""
    return time.monotonic() * 1000.0


class WedgeFilter(QObject):
    """Turn fast key bursts on `window` into `scanned`, hand slow typing to `typed_sink`."""

    scanned = Signal(str)
    scan_refused = Signal(str)  # what is wrong with a burst that cannot be a scan

    def __init__(
        self,
        window: QWidget,
        settings: Settings,
        typed_sink: Callable[[str], None],
        submit_sink: Callable[[], None],
        clock: Clock = monotonic_ms,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._typed_sink = typed_sink
        self._submit_sink = submit_sink
        self.clock = clock
        self.detector = WedgeBurstDetector(
            settings.wedge_max_key_interval_ms,
            settings.wedge_min_length,
            settings.wedge_keyboard_layout,
        )
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(settings.wedge_max_key_interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._installed = False

    def install(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not self._in_scope(watched):
            return False
        assert isinstance(event, QKeyEvent)
        key = event.key()
        if key in MODIFIER_KEYS or key in DEAD_KEYS:
            return False  # Shift around a capital, or an accent key, must not break it
        if key in TERMINATORS:
            return self._terminate(key == Qt.Key.Key_Tab)
        if not _is_character(event):
            self._deliver(self.detector.flush())  # Backspace, Esc, arrows, shortcuts
            return False
        if event.isAutoRepeat():  # a held key repeats fast, yet is typing
            self._deliver(self.detector.flush() + event.text())
            return True
        self._deliver(self.detector.key(event.text(), self.clock()))
        self._timer.start()
        return True

    def _in_scope(self, watched: QObject) -> bool:
        return (
            isinstance(watched, QWidget)
            and watched.window() is self._window
            and QApplication.activeModalWidget() is None
            and QApplication.activePopupWidget() is None
        )

    def _terminate(self, is_tab: bool) -> bool:
        self._timer.stop()
        result = self.detector.terminator(self.clock())
        if result.scan is not None:
            self.scanned.emit(result.scan)
            return True
        if result.refused is not None:
            log.warning("wedge burst %r refused: %s", result.refused.burst, result.refused.message)
            self.scan_refused.emit(result.refused.message)
            return True
        self._deliver(result.typed)
        if is_tab:
            return False
        self._submit_sink()
        return True

    def _deliver(self, typed: str) -> None:
        if typed:
            self._typed_sink(typed)

    def _on_timer_timeout(self) -> None:
        self._deliver(self.detector.flush())


def _is_character(event: QKeyEvent) -> bool:
    text = event.text()
    if text == GS:  # GS1 scanners send FNC1 as Ctrl+]: part of the barcode
        return True
    if not text or not text.isprintable():
        return False
    modifiers = event.modifiers()
    if modifiers & Qt.KeyboardModifier.MetaModifier:
        return False
    # Ctrl or Alt alone make a shortcut; both together are AltGr on Windows ("@", "€").
    ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
    alt = bool(modifiers & Qt.KeyboardModifier.AltModifier)
    return ctrl == alt
