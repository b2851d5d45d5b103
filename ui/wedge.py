"""Application-wide capture of keyboard-wedge scans, whatever has the focus.

`WedgeFilter` is an event filter on the QApplication. It takes every
character key aimed at any of the application's windows (the pack screen or a
dialog over it; not a popup such as an open drop-down list) and feeds it to a
`WedgeBurstDetector` with a timestamp:

* a fast burst ended by Enter/Tab is a scan, and no key of it reaches any
  widget: a dialog the packer sees that asks for scans (`ScanTaker`: a tracking
  number field, a reason list; never one closed or not shown yet) gets it
  first; any other scan goes to the bench, `scanned`,
  so it is stored and gets its verdict whatever window is open. The burst's
  Enter never presses a dialog's default button;
* a burst that cannot be a barcode on the station's keyboard layout (a scanner
  set to another layout) is `scan_refused(message)`: never a scan, never typing;
* slower keys are a person typing: on the pack screen they are delivered, in
  order, to the typed sink (the visible input field, focused if it was not),
  and Enter there is a manual entry; in a dialog they are sent on to the
  dialog's focused widget as the same keys, and Enter does what it does there.

Keys are held at most `wedge_max_key_interval_ms` before being delivered (a
timer flushes them), so typing feels immediate.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import Shiboken

from devices.scanners.wedge import WedgeBurstDetector
from station.characters import is_scan_char
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


@runtime_checkable
class ScanTaker(Protocol):
    """A dialog that asks for scans (a tracking number, a reason, its OK)."""

    def take_scan(self, text: str) -> bool:
        """Use the scanned `text` and say True, or say False to send it to the bench."""
        ...


def monotonic_ms() -> float:
    """Default clock. Key events' own timestamps are 0 when synthesized, so not those."""
    return time.monotonic() * 1000.0


class WedgeFilter(QObject):
    """Turn fast key bursts into scans (a dialog's or the bench's), hand slow typing on."""

    scanned = Signal(str)  # a scan for the bench
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
        self._aimed: QWidget = window  # the window the held keys were typed into
        self._replaying = False  # typed keys sent on to a dialog pass untouched

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
        if event.type() != QEvent.Type.KeyPress or self._replaying:
            return False
        if not isinstance(watched, QWidget) or QApplication.activePopupWidget() is not None:
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
        window = watched.window()
        if not window.isVisible():
            # Keys the platform still sends to a dialog just closed (or not shown yet): the
            # packer sees the pack screen, so they are its keys.
            window = self._window
        if window is not self._aimed:
            if _is_shown(self._aimed):
                self._deliver(self.detector.flush())  # typed into the window it was aimed at
            # (else the window aimed at went away under the keys: a burst goes on whole)
            self._aimed = window
        if event.isAutoRepeat():  # a held key repeats fast, yet is typing
            self._deliver(self.detector.flush() + event.text())
            return True
        self._deliver(self.detector.key(event.text(), self.clock()))
        self._timer.start()
        return True

    def _terminate(self, is_tab: bool) -> bool:
        self._timer.stop()
        result = self.detector.terminator(self.clock())
        if result.scan is not None:
            self._take(result.scan)
            return True
        if result.refused is not None:
            log.warning("wedge burst %r refused: %s", result.refused.burst, result.refused.message)
            self.scan_refused.emit(result.refused.message)
            return True
        self._deliver(result.typed)
        if is_tab or self._aimed is not self._window:
            return False  # a person's Enter or Tab does what it does where they typed
        self._submit_sink()
        return True

    def _take(self, scan: str) -> None:
        """The dialog the packer sees takes the scan if it asks for it; else the bench does.

        That is the dialog the keys were aimed at, if it is still shown; one closed while
        the scanner typed (hidden, not yet deleted) would act on a scan nobody saw it
        take: then the active window's, or the bench.
        """
        dialog: QWidget | None = self._aimed
        if not _is_shown(dialog):
            dialog = QApplication.activeWindow()
        asks = dialog is not self._window and _is_shown(dialog)
        if asks and isinstance(dialog, ScanTaker) and dialog.take_scan(scan):
            return
        self.scanned.emit(scan)

    def _deliver(self, typed: str) -> None:
        if not typed:
            return
        aimed = self._aimed
        if aimed is self._window or not _is_shown(aimed):
            self._aimed = self._window
            self._typed_sink(typed)
            return
        focused = QApplication.focusWidget()
        target = focused if focused is not None and focused.window() is aimed else aimed
        self._replaying = True
        try:
            for char in typed:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(target, QKeyEvent(kind, _key_of(char), _NO_MODS, char))
        finally:
            self._replaying = False

    def _on_timer_timeout(self) -> None:
        self._deliver(self.detector.flush())


_NO_MODS = Qt.KeyboardModifier.NoModifier


def _is_shown(widget: QWidget | None) -> bool:
    """`widget` still exists and is on screen (not closed, not yet shown)."""
    return widget is not None and Shiboken.isValid(widget) and widget.isVisible()


def _key_of(char: str) -> Qt.Key:
    """The key a character is typed with, for widgets that look at keys (digits, letters)."""
    code = ord(char.upper()) if len(char.upper()) == 1 else 0
    return Qt.Key(code) if 0x20 <= code <= 0x7E else Qt.Key.Key_unknown


def _is_character(event: QKeyEvent) -> bool:
    text = event.text()
    if text == GS:  # GS1 scanners send FNC1 as Ctrl+]: part of the barcode
        return True
    if not text or not all(is_scan_char(char) for char in text):
        return False
    modifiers = event.modifiers()
    if modifiers & Qt.KeyboardModifier.MetaModifier:
        return False
    # Ctrl or Alt alone make a shortcut; both together are AltGr on Windows ("@", "€").
    ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
    alt = bool(modifiers & Qt.KeyboardModifier.AltModifier)
    return ctrl == alt
