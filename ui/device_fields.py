"""The Devices dialog's parts: a URL field checked as typed, a Test button, a scanner's row."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from station.device_urls import EXAMPLES, DeviceUrl, DeviceUrlError, Role, parse_device_url

ERROR_STYLE = "color: #c62828;"
OK_STYLE = "color: #2e7d32;"
BUSY_STYLE = "color: #616161;"


class UrlField(QWidget):
    """A device URL for one role; what is wrong with it shows right under it.

    Empty means "not configured" (the station's default), which is valid.
    """

    changed = Signal()

    def __init__(self, role: Role, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role
        self.edit = QLineEdit(text)
        self.edit.setPlaceholderText(f"e.g. {EXAMPLES[role]}")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.edit)
        column.addWidget(self.message)
        self._url: DeviceUrl | None = None
        self._valid = True
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self._check()

    @property
    def valid(self) -> bool:
        return self._valid

    def text(self) -> str:
        return self.edit.text().strip()

    def url(self) -> DeviceUrl | None:
        """The parsed URL; None when empty (or invalid: check `valid`)."""
        return self._url

    def set_text(self, text: str) -> None:
        self.edit.setText(text)

    def _on_edit_text_changed(self, _text: str) -> None:
        self._check()
        self.changed.emit()

    def _check(self) -> None:
        self._url, self._valid, problem = None, True, ""
        if self.text():
            try:
                self._url = parse_device_url(self.text(), self.role)
            except DeviceUrlError as exc:
                self._valid, problem = False, str(exc)
        self.message.setText(problem)
        self.message.setVisible(bool(problem))


class CheckLine(QWidget):
    """A Test button and what the last test said."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.button = QPushButton(label)
        self.result = QLabel()
        self.result.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.result, 1)

    def show_running(self, text: str) -> None:
        self._show(text, BUSY_STYLE)

    def show_result(self, ok: bool, text: str) -> None:
        self._show(text, OK_STYLE if ok else ERROR_STYLE)

    def _show(self, text: str, style: str) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(style)


class ScannerRow(QWidget):
    """One serial scanner: its URL, Test scan and Remove."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = UrlField(Role.SCANNER, text)
        self.test = CheckLine("Test scan")
        self.remove_button = QPushButton("Remove")
        self.cancel: threading.Event | None = None  # set while a scan test runs
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.field, 1)
        top.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.test)
