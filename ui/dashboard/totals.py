"""The period's headline figures for the whole store, each a button to its orders."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from station.supervisor.figures import FigureRow
from station.supervisor.formulas import FORMULAS, LABELS

# The figures on the strip, in order.
SHOWN = (
    "orders",
    "units",
    "accuracy_pct",
    "orders_with_mistakes",
    "orders_per_hour",
    "exceptions_opened",
    "short_shipments",
)
_STYLE = (
    "QPushButton { text-align: left; padding: 6px 12px; border: 1px solid #c8ced6;"
    " border-radius: 6px; background: #f7f9fb; font-size: 13px; }"
    "QPushButton:hover { background: #e8f0fa; }"
)


def total(rows: Sequence[FigureRow]) -> FigureRow:
    """One row adding up the stations' rows (every fact has exactly one station)."""
    whole = FigureRow(packer=None, station=None, day=None)
    for row in rows:
        whole.orders += row.orders
        whole.orders_with_mistakes += row.orders_with_mistakes
        whole.units += row.units
        whole.units_packed += row.units_packed
        whole.packing_seconds += row.packing_seconds
        for kind, count in row.mistakes.items():
            whole.mistakes[kind] += count
        whole.exceptions_opened += row.exceptions_opened
        whole.exceptions_resolved += row.exceptions_resolved
        whole.short_shipments += row.short_shipments
        whole.labels_voided += row.labels_voided
        whole.labels_reprinted += row.labels_reprinted
    return whole


def value_text(row: FigureRow, figure: str) -> str:
    if figure == "accuracy_pct":
        return "—" if row.accuracy_pct is None else f"{row.accuracy_pct:.2f} %"
    if figure == "orders_per_hour":
        return "—" if row.orders_per_hour is None else f"{row.orders_per_hour:.1f}"
    return f"{getattr(row, figure):,}"


class KpiStrip(QWidget):
    figure_drilled = Signal(str, str)  # figure, its label

    def __init__(self) -> None:
        super().__init__()
        self.buttons: dict[str, QPushButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for figure in SHOWN:
            button = QPushButton(f"{LABELS[figure]}\n—")
            button.setToolTip(FORMULAS[figure])
            button.setStyleSheet(_STYLE)
            button.clicked.connect(lambda _checked=False, f=figure: self._on_button_clicked(f))
            layout.addWidget(button)
            self.buttons[figure] = button

    def show_rows(self, rows: Sequence[FigureRow]) -> None:
        whole = total(rows)
        for figure, button in self.buttons.items():
            button.setText(f"{LABELS[figure]}\n{value_text(whole, figure)}")

    def _on_button_clicked(self, figure: str) -> None:
        self.figure_drilled.emit(figure, LABELS[figure])
