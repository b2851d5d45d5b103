"""The visible field for typing a barcode the scanner cannot read."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from ui import style

PLACEHOLDER = "Type a barcode"


class InputBar(QWidget):
    """A line edit; Enter submits what was typed, as a manual entry."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit()
        self.field.setPlaceholderText(PLACEHOLDER)
        self.field.setFont(style.font(style.INPUT_PX))
        self.field.setMinimumHeight(style.INPUT_PX * 2)
        self.field.setClearButtonEnabled(True)
        self.field.returnPressed.connect(self._on_field_return_pressed)
        label = QLabel("Barcode won't scan?")
        label.setFont(style.font(style.HEADER_PX))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.field, 1)

    def text(self) -> str:
        return self.field.text()

    def insert_typed(self, text: str) -> None:
        """Keys a person typed anywhere on the pack screen land here."""
        if not self.field.hasFocus():
            self.field.setFocus()
        self.field.insert(text)

    def submit(self) -> None:
        """Enter: hand over the typed barcode (if any) and clear the field."""
        text = self.field.text().strip()
        self.field.clear()
        if text:
            self.submitted.emit(text)

    def _on_field_return_pressed(self) -> None:
        self.submit()
