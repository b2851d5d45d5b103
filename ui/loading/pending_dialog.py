"""Parcels never collected: sealed, but on no closed load, oldest first (a supervisor's list).

The same list as `main.py handoff pending`; read on the dock's worker.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.handoff.loads import Uncollected
from ui import style

COLUMNS = ("Tracking", "Order", "Courier", "Sealed (UTC)", "Waiting")


class PendingDialog(QDialog):
    """Shows the parcels still at the station; `show_parcels` fills it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pendingDialog")
        self.setWindowTitle("Parcels never collected")
        self.title = QLabel("Reading…")
        self.title.setFont(style.font(18, bold=True))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        # Each column as wide as its text (a 22-digit tracking number read whole); the
        # courier's takes the room left.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Courier"), QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        close = QPushButton("Close")
        close.setMinimumHeight(44)
        close.clicked.connect(self.accept)
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addWidget(self.table, 1)
        column.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.setFont(style.font(15))
        self.resize(900, 600)

    def show_parcels(self, parcels: list[Uncollected]) -> None:
        self.title.setText(
            f"{len(parcels)} parcel(s) sealed but on no closed load, oldest first"
            if parcels
            else "Every sealed parcel is on a closed load."
        )
        self.table.setRowCount(len(parcels))
        for row, parcel in enumerate(parcels):
            cells = (
                parcel.tracking,
                parcel.order,
                parcel.courier,
                parcel.sealed_at.strftime("%Y-%m-%d %H:%M"),
                f"{parcel.hours:.0f} h",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
