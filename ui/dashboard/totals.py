"""The period's headline figures for the whole store, each a button to its orders."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

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
    "QPushButton { border: 1px solid #c8ced6; border-radius: 6px; background: #f7f9fb; }"
    "QPushButton:hover { background: #e8f0fa; }"
)


class KpiTile(QPushButton):
    """A figure's name over its value, big; the whole tile is the button."""

    def __init__(self, label: str, formula: str) -> None:
        super().__init__()
        self.setToolTip(formula)
        self.setStyleSheet(_STYLE)
        self.label = QLabel(label)
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #555; font-size: 12px; border: none;")
        self.value = QLabel("—")
        self.value.setStyleSheet(
            "color: #1d2733; font-size: 21px; font-weight: bold; border: none;"
        )
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 8, 4)
        column.setSpacing(0)
        for part in (self.label, self.value):
            part.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            column.addWidget(part)
        self.setMinimumHeight(64)


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
        self.buttons: dict[str, KpiTile] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for figure in SHOWN:
            button = KpiTile(LABELS[figure], FORMULAS[figure])
            button.clicked.connect(lambda _checked=False, f=figure: self._on_button_clicked(f))
            layout.addWidget(button)
            self.buttons[figure] = button

    def show_rows(self, rows: Sequence[FigureRow]) -> None:
        whole = total(rows)
        for figure, button in self.buttons.items():
            button.value.setText(value_text(whole, figure))
            # Never cut a value off: the strip scrolls with the page rather than clip.
            button.setMinimumWidth(button.value.sizeHint().width() + 18)

    def _on_button_clicked(self, figure: str) -> None:
        self.figure_drilled.emit(figure, LABELS[figure])
