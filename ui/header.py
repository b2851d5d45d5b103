"""The status header: station, packer, order, courier and the running totals."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from station.verdicts import StationView
from ui import style


class HeaderBar(QFrame):
    """One line of who/what/where, readable from the packing position."""

    def __init__(self, station: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("headerBar")
        self.setStyleSheet("#headerBar { background: #eceff1; border-radius: 6px; }")
        self.station_label = self._label(f"Station {station}")
        self.packer_label = self._label("Nobody logged in", bold=True)
        self.order_label = self._label("No order", bold=True)
        self.courier_label = self._label("")
        self.totals_label = self._label("", bold=True)
        self.printer_label = self._label("Printer OK")
        self.scanners_label = self._label("")
        self._scanners: dict[str, tuple[str, bool]] = {}
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(40)
        for column, label in enumerate(
            (
                self.station_label,
                self.packer_label,
                self.order_label,
                self.courier_label,
                self.totals_label,
                self.printer_label,
                self.scanners_label,
            )
        ):
            grid.addWidget(label, 0, column)
        # Why this courier (the rule that chose it), or what holds its label: the packer
        # sees it while packing, not only when the label does not come out.
        self.courier_reason_label = QLabel("")
        self.courier_reason_label.setFont(style.font(style.HEADER_PX * 3 // 4))
        self.courier_reason_label.setWordWrap(True)
        grid.addWidget(self.courier_reason_label, 1, 0, 1, -1)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 2)
        grid.setColumnStretch(3, 2)

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
        self.totals_label.setText(f"{order.scanned} / {order.expected} items")

    def show_printer(self, text: str, ok: bool) -> None:
        self.printer_label.setText(text)
        self.printer_label.setStyleSheet("" if ok else "color: #c62828; font-weight: bold;")

    def show_scanner(self, scanner_id: str, text: str, ok: bool) -> None:
        """One serial scanner's health; only the faulty ones are spelled out."""
        self._scanners[scanner_id] = (text, ok)
        faults = [text for text, ok in self._scanners.values() if not ok]
        self.scanners_label.setText(" · ".join(faults) if faults else "Scanners OK")
        self.scanners_label.setStyleSheet("color: #c62828; font-weight: bold;" if faults else "")

    def _label(self, text: str, *, bold: bool = False) -> QLabel:
        label = QLabel(text)
        label.setFont(style.font(style.HEADER_PX, bold=bold))
        return label
