"""A supervisor's PIN, typed on the bench's keypad or keyboard, never shown.

The bench asks for it when a supervisor's badge needs its PIN (a verdict with
`needs_pin`): digits go in by touch (big keys, gloves on) or from the keyboard,
the field shows dots, and OK gives the PIN once (`pin_entered`); the window
then gives the same badge again with it. The PIN lives only in this dialog
and the one call it is passed to: never in a log, a scan or the screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import style
from ui.dialogs import GLOVE_STYLE, glove_button

MAX_PIN = 12  # the packers file's PINs are 4 to 12 digits
ERASE = "⌫"


def looks_like_a_pin(text: str) -> bool:
    """Whether a wedge burst, while a PIN is asked, may be that PIN typed quickly.

    Fast fingers on a keypad type like a scanner (keys under 50 ms apart): such
    a burst must go into the PIN field, never to the bench as a scan, which
    would store it and show it on the banner. It is not checked until OK or
    Enter: an item's UPC scanned while the PIN is asked looks the same, and
    checked at once it would count as a wrong PIN towards the badge's lock.
    """
    return text.isascii() and text.isdigit() and len(text) <= MAX_PIN


class PinPad(QDialog):
    """Ask for a supervisor's PIN; `pin_entered(pin)` on OK, nothing on Cancel.

    `close_code` (the `CMD-CLOSE` barcode) scanned closes it, as it closes every
    dialog; digits typed as fast as a scanner types go into the PIN field; any other scan
    goes to the bench (ui.wedge).
    """

    pin_entered = Signal(str)

    def __init__(self, question: str, parent: QWidget | None = None, *, close_code: str) -> None:
        super().__init__(parent)
        self._close_code = close_code
        self.setWindowTitle("Supervisor PIN")
        self.setModal(True)
        self.setFont(style.font(style.HEADER_PX))
        self.setStyleSheet(GLOVE_STYLE)
        rows = QVBoxLayout(self)
        self.question = QLabel(question)
        self.question.setWordWrap(True)
        rows.addWidget(self.question)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(MAX_PIN)
        self.pin.setPlaceholderText("PIN")
        # Nothing but digits: a scan that lands here is no PIN.
        self.pin.textEdited.connect(self._on_pin_text_edited)
        self.pin.returnPressed.connect(self._on_ok_clicked)
        rows.addWidget(self.pin)
        keys = QGridLayout()
        self.keys: dict[str, QPushButton] = {}
        for index, text in enumerate(("1", "2", "3", "4", "5", "6", "7", "8", "9", ERASE, "0")):
            button = QPushButton(text)
            glove_button(button)
            button.setMinimumWidth(120)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the field
            button.clicked.connect(lambda _checked=False, key=text: self._on_key_clicked(key))
            keys.addWidget(button, index // 3, index % 3)
            self.keys[text] = button
        self.ok_button = QPushButton("OK")
        glove_button(self.ok_button)
        self.ok_button.setMinimumWidth(120)
        self.ok_button.clicked.connect(self._on_ok_clicked)
        keys.addWidget(self.ok_button, 3, 2)
        rows.addLayout(keys)
        self.cancel_button = QPushButton("Cancel")
        glove_button(self.cancel_button)
        self.cancel_button.clicked.connect(self.reject)
        rows.addWidget(self.cancel_button)
        self._update()

    def take_scan(self, text: str) -> bool:
        """The close barcode cancels; digits are the PIN typed fast; any other scan is the
        bench's."""
        if text == self._close_code:
            self.reject()
            return True
        if looks_like_a_pin(text):
            self.pin.setText(text)  # checked on OK or Enter (see looks_like_a_pin)
            self.pin.setFocus()
            self._update()
            return True
        return False

    def _on_key_clicked(self, key: str) -> None:
        text = self.pin.text()
        if key == ERASE:
            self.pin.setText(text[:-1])
        elif len(text) < MAX_PIN:
            self.pin.setText(text + key)
        self.pin.setFocus()
        self._update()

    def _on_pin_text_edited(self, text: str) -> None:
        digits = "".join(char for char in text if char.isdigit())
        if digits != text:
            self.pin.setText(digits)
        self._update()

    def _on_ok_clicked(self) -> None:
        pin = self.pin.text()
        if not pin:
            return
        self.pin.clear()  # the PIN leaves the screen's memory with the signal
        self.pin_entered.emit(pin)
        self.accept()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.pin.text()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter belongs to the field (returnPressed); a dialog's default button never fires.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)
