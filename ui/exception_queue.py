"""The exception queue for a supervisor: every order waiting, released or cancelled here.

Shown only to a supervisor (the dashboard opens after a supervisor's badge,
and the queue acts in that supervisor's name). A decision runs on the given
worker (never the bench's own, so a scan never waits behind it), through
station.exception_queue, which writes it as one order event under the store's
write lock; the list is read again after each decision, so what is shown is
what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.errors import UserError
from station.exception_queue import Decision, ExceptionDesk, WaitingOrder
from ui.worker import Worker

_COLUMNS = ("Order", "Reason", "Note", "Flagged by", "Station", "Since", "Waiting")
OK_STYLE = "color: #1b7f37; font-weight: bold;"
ERROR_STYLE = "color: #c62828; font-weight: bold;"


def waited(since: datetime, now: datetime) -> str:
    """How long an order has waited, in words a supervisor scans at a glance."""
    aware = since if since.tzinfo is not None else since.replace(tzinfo=UTC)
    minutes = max(0, int((now - aware).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


class ExceptionQueue(QWidget):
    """The waiting orders, with Release and Cancel for the signed-in supervisor."""

    decided = Signal(object)  # Decision, once stored
    refused = Signal(str)  # why a decision was not taken
    loaded = Signal(int)  # the number of orders waiting, after each read

    def __init__(
        self,
        load: Callable[[], list[WaitingOrder]],
        desk: ExceptionDesk | None,
        supervisor_badge: str,
        worker: Worker,
        tz: tzinfo,
        *,
        read_only: str = "",
    ) -> None:
        """`load` reads the queue; without a `desk` (or with `read_only`, the reason
        why) the list is shown and nothing can be decided here."""
        super().__init__()
        self._load = load
        self._desk = desk
        self._read_only = read_only or ("" if desk else "This list is read-only here.")
        self._badge = supervisor_badge
        self._worker = worker
        self._tz = tz
        self.waiting: list[WaitingOrder] = []
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.words = QLineEdit()
        self.words.setPlaceholderText(
            "Why (needed to cancel; a note to release is optional, e.g. 'found the item')"
        )
        self.release_button = QPushButton("Release — back to packing")
        self.cancel_button = QPushButton("Cancel order…")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.words, 1)
        buttons.addWidget(self.release_button)
        buttons.addWidget(self.cancel_button)
        self.count = QLabel("")
        self.count.setStyleSheet("font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.release_button.clicked.connect(self._on_release_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self._on_table_selection_changed()
        if self._read_only:
            self.words.setEnabled(False)
            self._show(self._read_only, False)

    def reload(self) -> None:
        """Read the queue again (on the worker)."""
        self._worker.run(self._load, self.show_waiting, self._on_worker_failed)

    def show_waiting(self, waiting: Sequence[WaitingOrder], now: datetime | None = None) -> None:
        chosen = self.chosen()
        self.waiting = list(waiting)
        now = now or datetime.now(UTC)
        self.table.setRowCount(len(self.waiting))
        for row, order in enumerate(self.waiting):
            flagged_by = f"{order.flagged_by} ({order.badge})" if order.badge else "—"
            cells = (
                order.number,
                order.reason_words,
                order.note,
                flagged_by,
                order.station,
                order.since.astimezone(self._tz).strftime("%Y-%m-%d %H:%M"),
                waited(order.since, now),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        numbers = [order.number for order in self.waiting]
        # The rows were refilled in place: a row still selected may now hold
        # another order, which nobody chose (a second click would decide it).
        self.table.clearSelection()
        if chosen in numbers:
            self.table.selectRow(numbers.index(chosen))
        self.count.setText(
            f"{len(self.waiting)} order(s) waiting in exception"
            if self.waiting
            else "No order is waiting in exception."
        )
        self._on_table_selection_changed()
        self.loaded.emit(len(self.waiting))

    def chosen(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.waiting):
            return None
        return self.waiting[rows[0].row()].number

    def choose(self, number: str) -> None:
        numbers = [order.number for order in self.waiting]
        self.table.selectRow(numbers.index(number))

    # -- decisions ----------------------------------------------------------------

    def _on_release_button_clicked(self) -> None:
        number, desk, badge, note = self.chosen(), self._desk, self._badge, self.words.text()
        if number is not None and desk is not None:
            self._decide(lambda: desk.release(number, badge, note))

    def _on_cancel_button_clicked(self) -> None:
        number, desk, badge, reason = self.chosen(), self._desk, self._badge, self.words.text()
        if number is None or desk is None:
            return
        if not reason.strip():
            self._show(f"Type why order {number} is cancelled, then Cancel order again.", False)
            self.words.setFocus()
            return
        self._decide(lambda: desk.cancel(number, badge, reason))

    def _decide(self, decision: Callable[[], Decision]) -> None:
        self.release_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self._worker.run(decision, self._on_worker_decided, self._on_worker_failed)

    def _on_worker_decided(self, decision: Decision) -> None:
        self.words.clear()
        self._show(decision.describe(), True)
        self.decided.emit(decision)
        self.reload()

    def _on_worker_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, UserError):
            raise exc  # a bug: the crash dialog and the log (ui.crash)
        self._show(str(exc), False)
        self.refused.emit(str(exc))
        self.reload()

    def _on_table_selection_changed(self) -> None:
        can = self.chosen() is not None and not self._read_only
        self.release_button.setEnabled(can)
        self.cancel_button.setEnabled(can)

    def _show(self, text: str, ok: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
