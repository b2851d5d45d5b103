"""The orders behind a figure, and one order's whole trail.

A click on a figure fills the list with exactly the orders (or scans, or
events) it counted; a click on an order shows everything recorded about it:
every scan with its verdict, time, packer and station, its parcels with their
labels and weights, and its order events, and whether the camera kept video or
photos of it; `open_video` (given where the evidence viewer can open) shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from station.supervisor.drill import OrderRef, Trail

OpenVideo = Callable[[str], None]
_ORDER_COLUMNS = ("Order", "What", "Station", "Packer", "When")
_PARCEL_COLUMNS = (
    "Time",
    "Box",
    "Tracking",
    "Courier",
    "Weight",
    "Short",
    "Labels",
    "Packer @ station",
)


class OrdersList(QTableWidget):
    order_chosen = Signal(str)  # an order number

    def __init__(self) -> None:
        super().__init__(0, len(_ORDER_COLUMNS))
        self.setHorizontalHeaderLabels(list(_ORDER_COLUMNS))
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.refs: list[OrderRef] = []
        self.cellClicked.connect(self._on_cell_clicked)

    def show_refs(self, refs: Sequence[OrderRef]) -> None:
        self.refs = list(refs)
        self.setRowCount(len(refs))
        for row, ref in enumerate(refs):
            cells = (
                ref.number or "(no order open)",
                ref.what.replace("_", " "),
                ref.station,
                ref.packer or "—",
                ref.at.strftime("%Y-%m-%d %H:%M:%S"),
            )
            for column, text in enumerate(cells):
                self.setItem(row, column, QTableWidgetItem(text))

    def numbers(self) -> list[str]:
        return [ref.number for ref in self.refs]

    def choose(self, row: int) -> None:
        self._on_cell_clicked(row, 0)

    def _on_cell_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.refs) and self.refs[row].number:
            self.order_chosen.emit(self.refs[row].number)


class DrillPanel(QWidget):
    """The list (top) and the chosen order's trail (bottom)."""

    def __init__(self, open_video: OpenVideo | None = None) -> None:
        super().__init__()
        self._open_video = open_video
        self._shown: str | None = None
        self.title = QLabel("Click a packer, a number or a bar to see the orders behind it.")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; font-size: 13px;")
        self.orders = OrdersList()
        self.trail = QTextBrowser()
        self.trail.setOpenExternalLinks(False)
        self.trail.setPlaceholderText("Click an order to see its whole trail.")
        self.video_button = QPushButton("Open video and photos…")
        self.video_button.setEnabled(False)
        self.video_button.clicked.connect(self._on_video_button_clicked)
        lower = QWidget()
        column = QVBoxLayout(lower)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.trail, 1)
        column.addWidget(self.video_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.orders)
        split.addWidget(lower)
        split.setSizes([300, 500])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)

    def show_orders(self, title: str, refs: Sequence[OrderRef]) -> None:
        count = len(refs)
        self.title.setText(f"{title} — {count} record{'s' if count != 1 else ''}")
        self.orders.show_refs(refs)
        self.trail.clear()
        self.video_button.setEnabled(False)

    def show_trail(self, number: str, trail: Trail | None, video: str | None = None) -> None:
        self._shown = number
        self.video_button.setEnabled(video is not None and self._open_video is not None)
        if trail is None:
            self.trail.setHtml(f"<p>Order {escape(number)} is not in this store.</p>")
            return
        self.trail.setHtml(trail_html(trail, video))

    def _on_video_button_clicked(self) -> None:
        if self._shown is not None and self._open_video is not None:
            self._open_video(self._shown)


def trail_html(trail: Trail, video: str | None = None) -> str:
    """The order's trail as HTML tables, oldest first."""
    parts = [f"<h3>Order {escape(trail.number)}</h3>"]
    parts.append(f"<p><b>Video:</b> {escape(video) if video else 'none recorded'}</p>")
    parts.append(f"<h4>Scans ({len(trail.scans)})</h4>")
    parts.append(
        _table(
            ("Time", "Packer @ station", "Scan", "Verdict", "Units", "Weight", "Message"),
            [
                (
                    s.at.strftime("%Y-%m-%d %H:%M:%S"),
                    f"{s.packer or '—'} @ {s.station}",
                    s.raw,
                    s.verdict.replace("_", " "),
                    str(s.units) if s.units else "",
                    f"{s.weight_g} g" if s.weight_g is not None else "",
                    s.message,
                )
                for s in trail.scans
            ],
        )
    )
    parts.append(f"<h4>Parcels ({len(trail.parcels)})</h4>")
    parts.append(
        _table(
            _PARCEL_COLUMNS,
            [
                (
                    p.at.strftime("%Y-%m-%d %H:%M:%S"),
                    f"{p.parcel_no}/{p.parcel_count}",
                    p.tracking,
                    f"{p.courier} {p.service}",
                    f"{p.weight_g} g" if p.weight_g is not None else "",
                    "short" if p.short else "",
                    "; ".join(
                        f"{label.kind} {label.status} {label.at:%H:%M:%S}" for label in p.labels
                    ),
                    f"{p.packer or '—'} @ {p.station}",
                )
                for p in trail.parcels
            ],
        )
    )
    parts.append(f"<h4>Order events ({len(trail.events)})</h4>")
    parts.append(
        _table(
            ("Time", "Event", "Reason", "Note", "Station", "Packer", "Supervisor"),
            [
                (
                    e.at.strftime("%Y-%m-%d %H:%M:%S"),
                    e.kind.replace("_", " "),
                    e.reason.replace("_", " "),
                    e.note,
                    e.station,
                    e.packer or "—",
                    e.supervisor or "",
                )
                for e in trail.events
            ],
        )
    )
    return "".join(parts)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    if not rows:
        return "<p><i>none</i></p>"
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (
        "<table border='1' cellspacing='0' cellpadding='3' width='100%' style='font-size: 12px'>"
        f"<tr>{head}</tr>{body}</table>"
    )
