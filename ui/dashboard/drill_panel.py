"""The orders behind a figure, and one order's whole trail.

A click on a figure fills the list with exactly the orders (or scans, or
events) it counted; a click on an order shows everything recorded about it:
every scan with its verdict, time, packer and station, its parcels with their
labels and weights, and its order events, and whether the camera kept video or
photos of it; `open_video` (given where the evidence viewer can open) shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
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
    """The order's trail, oldest first, one short paragraph per scan, parcel and event.

    Not tables: the panel is narrow on a 1366 x 768 screen and Qt's rich-text
    tables then break words and times mid-way. Here only free text wraps, at
    spaces; the date is written when it changes; who packed at which station is
    said once when it is the same for every scan.
    """
    parts = [f"<h3>Order {escape(trail.number)}</h3>"]
    parts.append(f"<p><b>Video:</b> {escape(video) if video else 'none recorded'}</p>")
    parts.append(f"<h4>Scans ({len(trail.scans)})</h4>")
    who = {(s.packer or "—", s.station) for s in trail.scans}
    one_packer = len(who) == 1
    if one_packer:
        packer, station = next(iter(who))
        parts.append(f"<p>By <b>{escape(packer)}</b> at <b>{escape(station)}</b></p>")
    for at, s in zip(_times([s.at for s in trail.scans]), trail.scans, strict=True):
        facts = [
            _keep(s.raw),
            f"<b>{_keep(s.verdict.replace('_', ' '))}</b>",
            _keep(f"{s.units} unit(s)") if s.units else "",
            _keep(f"{s.weight_g} g") if s.weight_g is not None else "",
        ]
        by = "" if one_packer else f"{s.packer or '—'} @ {s.station}"
        parts.append(_entry(at, facts, s.message, by))
    if not trail.scans:
        parts.append(_NONE)
    parts.append(f"<h4>Parcels ({len(trail.parcels)})</h4>")
    for at, p in zip(_times([p.at for p in trail.parcels]), trail.parcels, strict=True):
        facts = [
            _keep(f"box {p.parcel_no}/{p.parcel_count}"),
            f"<b>{_keep(p.tracking)}</b>",
            _keep(f"{p.courier} {p.service}".strip()),
            _keep(f"{p.weight_g} g") if p.weight_g is not None else "",
            "<b>short</b>" if p.short else "",
        ]
        labels = "; ".join(
            f"label {label.kind} {label.status} {label.at:%H:%M:%S}" for label in p.labels
        )
        parts.append(_entry(at, facts, labels, f"{p.packer or '—'} @ {p.station}"))
    if not trail.parcels:
        parts.append(_NONE)
    parts.append(f"<h4>Order events ({len(trail.events)})</h4>")
    for at, e in zip(_times([e.at for e in trail.events]), trail.events, strict=True):
        facts = [
            f"<b>{_keep(e.kind.replace('_', ' '))}</b>",
            _keep(e.reason.replace("_", " ")),
        ]
        by = f"{e.packer or '—'} @ {e.station}"
        by += f", supervisor {e.supervisor}" if e.supervisor else ""
        parts.append(_entry(at, facts, e.note, by))
    if not trail.events:
        parts.append(_NONE)
    return "".join(parts)


_NONE = "<p><i>none</i></p>"


def _keep(text: str) -> str:
    """Escaped, on one line: a code, a time or a name never breaks."""
    return f"<span style='white-space: nowrap'>{escape(text)}</span>" if text else ""


def _entry(at: str, facts: Sequence[str], words: str, by: str = "") -> str:
    """The time and short facts on one line; who and where, then free text, on the next.

    Who comes first on its line: a badge such as BADGE-P1 could otherwise be
    broken at its hyphen at the end of a long line.
    """
    line = " · ".join(fact for fact in facts if fact)
    second = " — ".join(part for part in (_keep(by), escape(words)) if part)
    more = f"<br><span style='color: #555555'>{second}</span>" if second else ""
    return f"<p style='margin: 0 0 6px 0'><b>{_keep(at)}</b>&nbsp;&nbsp;{line}{more}</p>"


def _times(moments: Sequence[datetime]) -> list[str]:
    """HH:MM:SS, with the date in front on the first row and wherever the day changes."""
    shown, day = [], None
    for at in moments:
        if at.date() != day:
            day = at.date()
            shown.append(at.strftime("%Y-%m-%d %H:%M:%S"))
        else:
            shown.append(at.strftime("%H:%M:%S"))
    return shown
