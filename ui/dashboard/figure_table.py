"""A table of figures per packer or per station; a click on a number drills down.

Each column header carries its formula (station.supervisor.formulas) as a
tooltip, and the formulas are also written under the tables, so a figure is
never read without how it is computed. Every cell that is a count or a rate
leads to the orders, scans or events it was counted from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from station.supervisor.figures import FigureRow
from station.supervisor.formulas import FORMULAS, MISTAKE_KINDS, MISTAKE_WORDS


def _count(value: int) -> str:
    return f"{value:,}"


def _rate(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _accuracy(row: FigureRow) -> str:
    pct = row.accuracy_pct
    return "—" if pct is None else f"{pct:.2f} %"


@dataclass(frozen=True)
class Column:
    title: str
    figure: str  # what a click on it drills into (orders_behind's figure)
    text: Callable[[FigureRow], str]
    formula: str


def _mistake_column(kind: str) -> Column:
    def text(row: FigureRow) -> str:
        count = row.mistakes[kind]
        return f"{_rate(row.mistakes_per_1000_units[kind])} ({count})"

    return Column(
        f"{MISTAKE_WORDS[kind].capitalize()}\n/1,000 u (n)",
        f"mistakes.{kind}",
        text,
        FORMULAS["mistakes"],
    )


COLUMNS: tuple[Column, ...] = (
    Column("Orders", "orders", lambda r: _count(r.orders), FORMULAS["orders"]),
    Column("Units", "units", lambda r: _count(r.units), FORMULAS["units"]),
    Column("Accuracy", "accuracy_pct", _accuracy, FORMULAS["accuracy_pct"]),
    Column(
        "Orders with\na mistake",
        "orders_with_mistakes",
        lambda r: _count(r.orders_with_mistakes),
        FORMULAS["orders_with_mistakes"],
    ),
    *(_mistake_column(kind) for kind in MISTAKE_KINDS),
    Column(
        "Orders/h",
        "orders_per_hour",
        lambda r: _rate(r.orders_per_hour),
        FORMULAS["orders_per_hour"],
    ),
    Column(
        "Units/h", "units_per_hour", lambda r: _rate(r.units_per_hour), FORMULAS["units_per_hour"]
    ),
    Column(
        "Exceptions\nopened",
        "exceptions_opened",
        lambda r: _count(r.exceptions_opened),
        FORMULAS["exceptions_opened"],
    ),
    Column(
        "Exceptions\nresolved",
        "exceptions_resolved",
        lambda r: _count(r.exceptions_resolved),
        FORMULAS["exceptions_resolved"],
    ),
    Column(
        "Short\nshipped",
        "short_shipments",
        lambda r: _count(r.short_shipments),
        FORMULAS["short_shipments"],
    ),
    Column(
        "Labels\nvoided",
        "labels_voided",
        lambda r: _count(r.labels_voided),
        FORMULAS["labels_voided"],
    ),
    Column(
        "Labels\nreprinted",
        "labels_reprinted",
        lambda r: _count(r.labels_reprinted),
        FORMULAS["labels_reprinted"],
    ),
)


class FigureTable(QTableWidget):
    """One row per packer (badge and name) or per station."""

    # (figure, by, key, words): the figure of one row, e.g. ("orders", "packer", "BADGE-P1", …)
    cell_drilled = Signal(str, str, str, str)

    def __init__(self, by: str) -> None:
        super().__init__(0, len(COLUMNS) + 1)
        self.by = by
        self.keys: list[str] = []
        first = "Packer" if by == "packer" else "Station"
        self.setHorizontalHeaderLabels([first, *(column.title for column in COLUMNS)])
        for index, column in enumerate(COLUMNS, start=1):
            header = self.horizontalHeaderItem(index)
            if header is not None:
                header.setToolTip(column.formula)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.cellClicked.connect(self._on_cell_clicked)

    def show_rows(self, rows: Sequence[FigureRow]) -> None:
        self.setRowCount(len(rows))
        self.keys = [row.key for row in rows]
        for index, row in enumerate(rows):
            name = row.packer or row.station or "(nobody)"
            if self.by == "packer":
                name = f"{row.packer_name or '?'}  ({row.packer})" if row.packer else "(nobody)"
            self.setItem(index, 0, _item(name, left=True))
            for number, column in enumerate(COLUMNS, start=1):
                self.setItem(index, number, _item(column.text(row)))
        self._fit_height()

    def _fit_height(self) -> None:
        # As high as its rows (up to a dozen, then it scrolls): no empty box under a
        # short table, and the charts stay in view.
        rows = min(max(self.rowCount(), 1), 12)
        height = (
            self.horizontalHeader().height() + rows * self.verticalHeader().defaultSectionSize()
        )
        self.setFixedHeight(height + self.horizontalScrollBar().sizeHint().height() + 4)

    def drill(self, row: int, column: int) -> None:
        """As a click on that cell; the name column drills into the orders packed."""
        self._on_cell_clicked(row, column)

    def _on_cell_clicked(self, row: int, column: int) -> None:
        if not 0 <= row < len(self.keys):
            return
        chosen = COLUMNS[column - 1] if column > 0 else COLUMNS[0]
        key = self.keys[row]
        name_item = self.item(row, 0)
        who = name_item.text() if name_item is not None else key
        words = chosen.title.replace("\n", " ")
        self.cell_drilled.emit(chosen.figure, self.by, key, f"{words}: {who}")


def _item(text: str, *, left: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    align = Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignRight
    item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    return item
