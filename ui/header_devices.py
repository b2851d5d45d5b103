"""The header's printer and scanner lines, taken from the status bar (one source).

The printer line is the status bar's label printer entry plus the labels not
printed yet (`LabelMonitor.waiting`); a scanner's line is its status bar entry.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from ui.header import HeaderBar
from ui.label_monitor import LabelMonitor
from ui.status_bar import DeviceHealth, DeviceStatusBar, Level

LABEL_PRINTER_KEY = "label_printer"  # its entry in the status bar


class HeaderDevices(QObject):
    """Keeps `header`'s device lines in step with `device_status` and `labels`."""

    def __init__(
        self,
        header: HeaderBar,
        device_status: DeviceStatusBar,
        labels: LabelMonitor,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._header = header
        self._device_status = device_status
        self._labels = labels
        labels.status_changed.connect(self._on_labels_status_changed)
        device_status.health_changed.connect(self._on_device_status_health_changed)

    def _on_labels_status_changed(self, _text: str, _ok: bool) -> None:
        self._show_printer()

    def _on_device_status_health_changed(self, health: DeviceHealth) -> None:
        # One source: the header says what the status bar says.
        if health.key == LABEL_PRINTER_KEY:
            self._show_printer()
        elif health.key.startswith("scanner"):
            text = f"{health.title}: {health.word}"
            self._header.show_scanner(health.key, text, health.level is Level.OK)

    def _show_printer(self) -> None:
        # One source: the status bar's label printer entry, plus the labels not printed yet.
        health = self._device_status.health(LABEL_PRINTER_KEY)
        self._header.show_printer(health, self._labels.waiting())
