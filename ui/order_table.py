"""The open order's lines: picture, name, SKU, scanned / expected, done mark."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from station.verdicts import LineView
from ui import style
from ui.thumbnails import ThumbnailCache

CHECK = "✔"
_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    PICTURE = 0
    NAME = 1
    SKU = 2
    COUNT = 3
    DONE = 4


HEADERS = {
    Column.PICTURE: "",
    Column.NAME: "Product",
    Column.SKU: "SKU",
    Column.COUNT: "Scanned",
    Column.DONE: "",
}


class OrderLinesModel(QAbstractTableModel):
    def __init__(self, thumbnails: ThumbnailCache, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: tuple[LineView, ...] = ()
        self._thumbnails = thumbnails
        thumbnails.loaded.connect(self._on_thumbnails_loaded)

    @property
    def lines(self) -> tuple[LineView, ...]:
        return self._lines

    def set_lines(self, lines: tuple[LineView, ...]) -> None:
        if [(x.line_no, x.sku) for x in lines] == [(x.line_no, x.sku) for x in self._lines]:
            self._lines = lines  # same rows, new counts
            if lines:
                last = self.index(len(lines) - 1, len(Column) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._lines = lines
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        line = self._lines[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(line, column)
        if role == Qt.ItemDataRole.DecorationRole and column is Column.PICTURE:
            return self._thumbnails.get(line.image)
        if role == Qt.ItemDataRole.BackgroundRole and line.complete:
            return QBrush(QColor(style.COMPLETE_ROW_COLOUR))
        if role == Qt.ItemDataRole.ForegroundRole and line.complete:
            return QBrush(QColor(style.COMPLETE_ROW_TEXT))
        if column in (Column.COUNT, Column.DONE):
            return _count_style(role)
        return None

    def _on_thumbnails_loaded(self, path: str) -> None:
        for row, line in enumerate(self._lines):
            if line.image == path:
                index = self.index(row, Column.PICTURE)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


def _count_style(role: int) -> object:
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return int(Qt.AlignmentFlag.AlignCenter)
    if role == Qt.ItemDataRole.FontRole:
        return style.font(style.TABLE_PX + 6, bold=True)
    return None


def _text(line: LineView, column: Column) -> str:
    if column is Column.NAME:
        return line.name
    if column is Column.SKU:
        return line.sku
    if column is Column.COUNT:
        return f"{line.scanned} / {line.expected}"
    if column is Column.DONE:
        return CHECK if line.complete else ""
    return ""


class OrderTable(QTableView):
    """Read-only view of the order lines; never takes focus from the scanner."""

    def __init__(self, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines_model = OrderLinesModel(thumbnails, self)
        self.setModel(self.lines_model)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFont(style.font(style.TABLE_PX))
        self.setIconSize(QSize(style.THUMBNAIL_PX, style.THUMBNAIL_PX))
        self.setShowGrid(False)
        self.setAlternatingRowColors(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(style.THUMBNAIL_PX + 12)
        header = self.horizontalHeader()
        header.setFont(style.font(style.HEADER_PX, bold=True))
        header.setSectionResizeMode(Column.PICTURE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(Column.PICTURE, style.THUMBNAIL_PX + 16)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column in (Column.SKU, Column.COUNT, Column.DONE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def set_lines(self, lines: tuple[LineView, ...]) -> None:
        self.lines_model.set_lines(lines)
