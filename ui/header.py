"""The status header: station, packer, order, courier, the running totals and device health.

The printer and scanner words here come from the same state as the status bar
(`DeviceHealth`): the header never says a device is fine when the status bar
does not.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QWidget

from station.verdicts import StationView
from ui import style
from ui.status_bar import DeviceHealth, Level

_LEVEL_COLOURS = {
    Level.OK: style.TEXT_COLOURS[style.Role.GOOD],
    Level.WARNING: style.TEXT_COLOURS[style.Role.WARNING],
    Level.FAULT: style.TEXT_COLOURS[style.Role.STOP],
    Level.NONE: style.TEXT_COLOURS[style.Role.IDLE],
}
NO_PRINTER_NEWS = "Label printer: no status"


class HeaderBar(QFrame):
    """Two lines of who/what/where, readable from the packing position."""

    def __init__(self, station: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("headerBar")
        self.setStyleSheet("#headerBar { background: #eceff1; border-radius: 6px; }")
        self.station_label = self._label(f"Station {station}")
        self.packer_label = self._label("Nobody logged in", bold=True)
        self.order_label = self._label("No order", bold=True)
        self.courier_label = self._label("")
        self.totals_label = self._label("", bold=True)
        self.printer_label = self._label(NO_PRINTER_NEWS)
        self.scanners_label = self._label("")
        self._scanners: dict[str, tuple[str, bool]] = {}
        # Why this courier (the rule that chose it), or what holds its label: the packer
        # sees it while packing, not only when the label does not come out.
        self.courier_reason_label = self._label("")
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 4, 12, 4)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(0)
        # Line 1: who and what; line 2: where it goes and how the devices are.
        grid.addWidget(self.packer_label, 0, 0)
        grid.addWidget(self.order_label, 0, 1)
        grid.addWidget(self.totals_label, 0, 2)
        grid.addWidget(self.station_label, 0, 3)
        grid.addWidget(self.courier_label, 1, 0)
        grid.addWidget(self.courier_reason_label, 1, 1, 1, 2)
        grid.addWidget(self.printer_label, 1, 3)
        grid.addWidget(self.scanners_label, 2, 3)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)
        grid.setColumnStretch(3, 2)
        self.scanners_label.hide()
        self.show_printer(None)

    def set_metrics(self, metrics: style.Metrics) -> None:
        for label in self.findChildren(QLabel):
            label.setFont(style.font(metrics.header_px, bold=label.font().bold()))
        self.courier_reason_label.setFont(style.font(metrics.header_px * 4 // 5))

    def show_view(self, view: StationView) -> None:
        self.station_label.setText(f"Station {view.station}")
        if view.packer_name is None:
            self.packer_label.setText("Nobody logged in")
        else:
            self.packer_label.setText(f"{view.packer_name} ({view.packer_role or 'packer'})")
        order = view.order
        if order is None:
            self.order_label.setText("No order")
            self.courier_label.setText("")
            self.courier_reason_label.setText("")
            self.totals_label.setText("")
            return
        self.order_label.setText(f"Order {order.number}")
        self.courier_label.setText(f"{order.courier} · {order.service}")
        self.courier_reason_label.setText(f"Courier: {order.courier_reason}")
        self.courier_reason_label.setToolTip(self.courier_reason_label.text())
        self.totals_label.setText(f"{order.scanned} / {order.expected} items")

    def show_printer(self, health: DeviceHealth | None, waiting: int = 0) -> None:
        """The label printer as the status bar has it, and the labels it has not printed yet."""
        if waiting:
            text = f"⚠ Label printer: {waiting} label(s) waiting"
            colour = _LEVEL_COLOURS[Level.FAULT]
        elif health is None:
            text, colour = NO_PRINTER_NEWS, _LEVEL_COLOURS[Level.NONE]
        else:
            text, colour = f"{health.title}: {health.word}", _LEVEL_COLOURS[health.level]
        self.printer_label.setText(text)
        if health is not None:
            self.printer_label.setToolTip(health.tooltip)
        bold = "font-weight: bold;" if waiting or (health and health.level is Level.FAULT) else ""
        self.printer_label.setStyleSheet(f"color: {colour}; {bold}")

    def show_scanner(self, scanner_id: str, text: str, ok: bool) -> None:
        """One serial scanner's health; only the faulty ones are spelled out."""
        self._scanners[scanner_id] = (text, ok)
        faults = [text for text, ok in self._scanners.values() if not ok]
        self.scanners_label.setText(" · ".join(faults) if faults else "Scanners OK")
        self.scanners_label.setStyleSheet("color: #c62828; font-weight: bold;" if faults else "")
        self.scanners_label.show()

    def _label(self, text: str, *, bold: bool = False) -> QLabel:
        label = _ElidedLabel(text)
        label.setFont(style.font(style.HEADER_PX, bold=bold))
        # Long names never widen the window: they end in "…" at the cell's edge.
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        return label


class _ElidedLabel(QLabel):
    """One line of text that ends in "…" where it does not fit (`text()` stays whole)."""

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setPen(self.palette().color(self.foregroundRole()))
            shown = self.fontMetrics().elidedText(
                self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
            )
            flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(self.contentsRect(), int(flags), shown)
        finally:
            painter.end()
