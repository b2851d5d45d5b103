"""A simulated keyboard-wedge scanner and a simulated person at the keyboard.

Both send real QKeyEvents (press and release, Shift around capitals as a
scanner does) to whatever would receive the keyboard, and advance a fake
clock between keys: 5 ms for the scanner, 200 ms for the person. The window
under test reads that clock instead of real time, so the timing is exact and
the tests never sleep.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

SCANNER_KEY_MS = 5.0
HUMAN_KEY_MS = 200.0
GS = "\x1d"


class FakeClock:
    """Milliseconds that only move when told to."""

    def __init__(self, start_ms: float = 1_000_000.0) -> None:
        self.now_ms = start_ms

    def __call__(self) -> float:
        return self.now_ms

    def advance(self, ms: float) -> None:
        self.now_ms += ms


def key_of(char: str) -> Qt.Key:
    """The Qt key code a keyboard sends for an ASCII character."""
    upper = char.upper()  # "ß".upper() is "SS": not one key
    code = ord(upper) if len(upper) == 1 else 0
    return Qt.Key(code) if 0x20 <= code <= 0x7E else Qt.Key.Key_unknown


class KeyboardDevice:
    """Types text into the application, one key every `key_ms` on the fake clock."""

    def __init__(self, window: QWidget, clock: FakeClock, key_ms: float) -> None:
        self.window = window
        self.clock = clock
        self.key_ms = key_ms

    def target(self) -> QWidget:
        """Where the keyboard goes: the focused widget, like a real key press."""
        return QApplication.focusWidget() or self.window.focusWidget() or self.window

    def type(self, text: str) -> None:
        for char in text:
            self.clock.advance(self.key_ms)
            self.char(char)

    def char(self, char: str) -> None:
        if char == GS:  # how wedge scanners type FNC1: Ctrl+]
            self._click(Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier, GS)
            return
        shifted = char.isupper()
        if shifted:
            self._post(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier)
        modifiers = Qt.KeyboardModifier.ShiftModifier if shifted else Qt.KeyboardModifier.NoModifier
        self._click(key_of(char), modifiers, char)
        if shifted:
            self._post(QEvent.Type.KeyRelease, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)

    def enter(self) -> None:
        self.clock.advance(self.key_ms)
        self._click(Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r")

    def tab(self) -> None:
        self.clock.advance(self.key_ms)
        self._click(Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier, "\t")

    def _click(self, key: Qt.Key, modifiers: Qt.KeyboardModifier, text: str) -> None:
        self._post(QEvent.Type.KeyPress, key, modifiers, text)
        self._post(QEvent.Type.KeyRelease, key, modifiers, text)

    def _post(
        self, kind: QEvent.Type, key: Qt.Key, modifiers: Qt.KeyboardModifier, text: str = ""
    ) -> None:
        # sendEvent, like the platform's delivery, goes through application event filters.
        QApplication.sendEvent(self.target(), QKeyEvent(kind, key, modifiers, text))


class WedgeScanner(KeyboardDevice):
    """A barcode scanner in keyboard mode: a fast burst, then Enter."""

    def __init__(self, window: QWidget, clock: FakeClock, key_ms: float = SCANNER_KEY_MS) -> None:
        super().__init__(window, clock, key_ms)

    def scan(self, barcode: str) -> None:
        self.type(barcode)
        self.enter()


class Human(KeyboardDevice):
    """A person typing at the bench keyboard."""

    def __init__(self, window: QWidget, clock: FakeClock, key_ms: float = HUMAN_KEY_MS) -> None:
        super().__init__(window, clock, key_ms)
