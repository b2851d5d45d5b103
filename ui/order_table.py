"""The open order's lines: picture, name, SKU, scanned / expected, done mark.

The row the last scan counted on is marked and always scrolled into view, so
the packer sees the count move where they look.
"""

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
from PySide6.QtGui import QBrush, QColor, QResizeEvent
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
        self._active: int | None = None  # the row the last scan counted on
        self._count_px = style.TABLE_PX + 6
        self._thumbnails = thumbnails
        thumbnails.loaded.connect(self._on_thumbnails_loaded)

    @property
    def lines(self) -> tuple[LineView, ...]:
        return self._lines

    @property
    def active_row(self) -> int | None:
        return self._active

    def set_active_sku(self, sku: str | None) -> None:
        """Mark the row of `sku` (the line the last scan counted on); None keeps no mark."""
        rows = [row for row, line in enumerate(self._lines) if line.sku == sku]
        active = rows[0] if rows else None
        if active == self._active:
            return
        changed = [row for row in (self._active, active) if row is not None]
        self._active = active
        for row in changed:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def set_count_px(self, pixels: int) -> None:
        self._count_px = pixels

    def set_lines(self, lines: tuple[LineView, ...]) -> None:
        if [(x.line_no, x.sku) for x in lines] == [(x.line_no, x.sku) for x in self._lines]:
            self._lines = lines  # same rows, new counts
            if lines:
                last = self.index(len(lines) - 1, len(Column) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._lines = lines
        self._active = None
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
        active = index.row() == self._active
        if role == Qt.ItemDataRole.BackgroundRole and (line.complete or active):
            return QBrush(QColor(_background(line, active)))
        if role == Qt.ItemDataRole.ForegroundRole and line.complete:
            return QBrush(QColor(style.COMPLETE_ROW_TEXT))
        if column in (Column.COUNT, Column.DONE):
            return _count_style(role, self._count_px)
        return None

    def _on_thumbnails_loaded(self, path: str) -> None:
        for row, line in enumerate(self._lines):
            if line.image == path:
                index = self.index(row, Column.PICTURE)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


def _background(line: LineView, active: bool) -> str:
    if active:
        return style.ACTIVE_ROW_DONE_COLOUR if line.complete else style.ACTIVE_ROW_COLOUR
    return style.COMPLETE_ROW_COLOUR


def _count_style(role: int, pixels: int) -> object:
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return int(Qt.AlignmentFlag.AlignCenter)
    if role == Qt.ItemDataRole.FontRole:
        return style.font(pixels, bold=True)
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

    def set_metrics(self, metrics: style.Metrics) -> None:
        """Type and picture sizes for the window's height."""
        self.setFont(style.font(metrics.table_px))
        self.lines_model.set_count_px(metrics.table_px + 6)
        self.setIconSize(QSize(metrics.thumbnail_px, metrics.thumbnail_px))
        self.verticalHeader().setDefaultSectionSize(metrics.thumbnail_px + 12)
        self.horizontalHeader().setFont(style.font(metrics.header_px, bold=True))
        self.horizontalHeader().resizeSection(Column.PICTURE, metrics.thumbnail_px + 16)
        self.show_active_row()

    def set_lines(self, lines: tuple[LineView, ...], active_sku: str | None = None) -> None:
        """The order's lines; `active_sku` marks the line just counted (and keeps it in view)."""
        self.lines_model.set_lines(lines)
        if active_sku is not None:
            self.lines_model.set_active_sku(active_sku)
        self.show_active_row()

    def show_active_row(self) -> None:
        """Scroll so the marked row (or else the first one still to scan) is in view."""
        row = self.lines_model.active_row
        if row is None:
            lines = self.lines_model.lines
            row = next((i for i, line in enumerate(lines) if not line.complete), None)
        if row is not None:
            self.scrollTo(self.lines_model.index(row, Column.NAME))

    def active_row_visible(self) -> bool:
        """True when the marked row is wholly inside the table's viewport."""
        row = self.lines_model.active_row
        if row is None:
            return True
        top = self.rowViewportPosition(row)
        return top >= 0 and top + self.rowHeight(row) <= self.viewport().height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.show_active_row()
