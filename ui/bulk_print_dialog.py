"""Print the labels of many of today's parcels again: choose, say why, watch it go, cancel.

The dialog runs on background Workers of its own, not the station's: a run of a
thousand labels takes seconds, and on the shared worker every scan at the
bench would wait behind it. The run itself is station.bulk_print; this only
shows its progress, and Cancel asks it to stop after the label in hand.

Scan-only (opened by the bulk print command barcode for one order): a scanned
order number chooses that order's parcels, the reason is chosen by its number
key or a reason barcode, and the OK barcode prints; Close closes.
"""

from __future__ import annotations

import logging
import threading
import traceback
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.bulk_print import BulkPrinter, BulkSummary, SealedParcel, Wave
from station.errors import UserError
from station.event_sequence import SeqCounter
from station.ports import LabelPrinter
from station.settings import Commands
from station.store import Store
from ui import style
from ui.crash import show_crash_box
from ui.dialogs import (
    GLOVE_STYLE,
    LABEL_REASONS,
    NUMBER_KEYS,
    OTHER,
    TOUCH_PX,
    ReasonList,
    command_codes,
    glove_button,
    run_in_background,
)

log = logging.getLogger(__name__)
COLUMNS = ("Order", "Parcel", "Tracking", "Courier", "Sealed at")


class BulkPrintDialog(QDialog):
    """Today's sealed parcels of this station, to print again in one run."""

    listed = Signal(int)  # parcels in the list, once loaded
    run_finished = Signal(object)  # the BulkSummary of a run
    # From the run's thread; Qt queues it to this dialog's (UI) thread.
    _progressed = Signal(int, int, object)  # done, total, last error or None

    def __init__(
        self,
        bulk: BulkPrinter,
        requested_by: uuid.UUID | None,
        parent: QWidget | None = None,
        wave: Wave | None = None,
        *,
        order: str | None = None,
        commands: Commands | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Print labels in bulk")
        self.setFont(style.font(style.HEADER_PX))
        self.setStyleSheet(GLOVE_STYLE)
        self.setMinimumSize(1000, 660)  # a 768-line screen, less a title bar and a panel
        self.commands = commands or Commands()
        self._command_codes = command_codes(self.commands)
        self._order = order  # its parcels are chosen once the list is there
        self._bulk = bulk
        self._requested_by = requested_by
        self._parcels: list[SealedParcel] = []
        self._cancel: threading.Event | None = None
        self._close_when_stopped = False
        self._build()
        self._progressed.connect(self._on_run_progressed)
        self._set_status("Loading today's parcels…")
        run_in_background(
            self,
            "bulk-print",
            lambda: bulk.sealed(wave or Wave.today(bulk.station)),
            self._on_list_loaded,
            self._on_job_failed,
        )

    # -- building -------------------------------------------------------------

    def _build(self) -> None:
        rows = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(TOUCH_PX)  # a gloved finger's row
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(2 * TOUCH_PX)  # the order number beside its big check box
        self.table.itemChanged.connect(self._on_table_item_changed)
        rows.addWidget(self.table)
        self.select_all_button = self._button("Select all", self._on_select_all_clicked)
        self.select_none_button = self._button("Select none", self._on_select_none_clicked)
        self.order_input = QLineEdit()
        self.order_input.setPlaceholderText("Order number")
        self.order_input.returnPressed.connect(self._on_select_order_clicked)
        self.select_order_button = self._button("Select order", self._on_select_order_clicked)
        rows.addLayout(
            _row(
                self.select_all_button,
                self.select_none_button,
                self.order_input,
                self.select_order_button,
            )
        )
        rows.addWidget(QLabel("Why print them again? (press its number or scan it)"))
        self.reasons = ReasonList([*LABEL_REASONS, OTHER], columns=2)
        self.reasons.chosen.connect(self._on_reasons_chosen)
        rows.addWidget(self.reasons)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Other: say why, e.g. labels lost in transit")
        self.reason.textChanged.connect(self._on_reason_text_changed)
        rows.addWidget(self.reason)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m")
        self.progress.hide()  # until a run starts
        rows.addWidget(self.progress)
        self.status = QLabel()
        self.status.setFont(style.font(style.HEADER_PX))
        self.status.setWordWrap(True)
        rows.addWidget(self.status)
        self.print_button = self._button("Print", self._on_print_clicked)
        self.cancel_button = self._button("Cancel printing", self._on_cancel_clicked)
        self.close_button = self._button("Close", self.reject)
        rows.addLayout(_row(self.print_button, self.cancel_button, self.close_button))
        self._update_buttons()

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        glove_button(button)
        # Enter in a field must not press a button: a scanned order number ends
        # with Enter, and it must choose that order, not select all or print.
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # -- what is chosen -------------------------------------------------------

    def chosen(self) -> list[uuid.UUID]:
        """The checked parcels, top to bottom."""
        return [
            parcel.parcel_id
            for row, parcel in enumerate(self._parcels)
            if self._check_item(row).checkState() is Qt.CheckState.Checked
        ]

    def _check_item(self, row: int) -> QTableWidgetItem:
        item = self.table.item(row, 0)
        assert item is not None  # every row is filled when the list arrives
        return item

    def _check(self, wanted: set[uuid.UUID] | None) -> None:
        """Check exactly the parcels in `wanted` (None: all of them)."""
        for row, parcel in enumerate(self._parcels):
            checked = wanted is None or parcel.parcel_id in wanted
            state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
            self._check_item(row).setCheckState(state)

    def _on_select_all_clicked(self) -> None:
        self._check(None)

    def _on_select_none_clicked(self) -> None:
        self._check(set())

    def _on_select_order_clicked(self) -> None:
        number = self.order_input.text().strip().casefold()
        if not number:
            return
        found = {p.parcel_id for p in self._parcels if p.order_number.casefold() == number}
        if not found:
            self._set_status(
                f"No parcel of order {self.order_input.text().strip()} was sealed here today: "
                "check the number.",
                error=True,
            )
            return
        self._check(found | set(self.chosen()))
        self.order_input.clear()
        self._set_status(f"{len(self.chosen())} labels chosen.")

    def _on_table_item_changed(self, _item: QTableWidgetItem) -> None:
        self._update_buttons()

    def _on_reason_text_changed(self, text: str) -> None:
        if text.strip() and not self.reasons.is_other():
            self.reasons.choose(len(self.reasons.buttons))  # words typed are the Other reason
        self._update_buttons()

    def _on_reasons_chosen(self, _number: int) -> None:
        if self.reasons.is_other():
            self.reason.setFocus()
        self._update_buttons()

    def reason_text(self) -> str:
        """The chosen reason in words: the list's, or the words typed for Other."""
        number = self.reasons.number()
        if number is None:
            return ""
        return self.reason.text().strip() if self.reasons.is_other() else LABEL_REASONS[number - 1]

    # -- scans and keys -------------------------------------------------------

    def take_scan(self, text: str) -> bool:
        """A scan while open (see ui.wedge): OK prints, Close closes, a reason is chosen,
        an order number chooses its parcels; other command barcodes go to the bench."""
        if text == self.commands.ok:
            if self.print_button.isEnabled():
                self._on_print_clicked()
            else:
                self._set_status(self._missing(), error=True)
            return True
        if text == self.commands.close:
            self.reject()
            return True
        number = self.commands.reason_number(text)
        if number is not None:
            self.reasons.choose(number)
            return True
        if text in self._command_codes or self.running:
            return False
        self.order_input.setText(text)
        self._on_select_order_clicked()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        number = NUMBER_KEYS.get(Qt.Key(event.key()))
        if number is not None and not self.running:
            self.reasons.choose(number)
            return
        super().keyPressEvent(event)

    def _missing(self) -> str:
        if not self.chosen():
            return "Choose the labels first: scan an order number or tick the parcels."
        if not self.reason_text():
            return f"Choose why: press 1 to {len(self.reasons.buttons)} or scan a reason barcode."
        return "Wait for the run to finish."

    # -- the run --------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def _on_print_clicked(self) -> None:
        chosen, reason, who = self.chosen(), self.reason_text(), self._requested_by
        cancel = self._cancel = threading.Event()
        self.progress.setRange(0, len(chosen))
        self.progress.setValue(0)
        self.progress.show()
        self._set_status(f"Printing {len(chosen)} labels…")
        self._update_buttons()
        run_in_background(
            self,
            "bulk-print",
            lambda: self._bulk.print_parcels(chosen, who, reason, self._progressed.emit, cancel),
            self._on_run_done,
            self._on_job_failed,
        )

    def _on_cancel_clicked(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self._set_status("Stopping after the label being printed…")
            self.cancel_button.setEnabled(False)

    def _on_run_progressed(self, done: int, total: int, error: object) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        if error:
            self._set_status(f"{done} of {total} printed. Last problem: {error}", error=True)

    def _on_run_done(self, summary: BulkSummary) -> None:
        self._cancel = None
        self._check(set(summary.not_printed))  # what did not print stays chosen, to retry
        self._set_status(summary_text(summary), error=bool(summary.not_printed))
        self._update_buttons()
        self.run_finished.emit(summary)
        if self._close_when_stopped:
            self.reject()

    # -- loading and failures -------------------------------------------------

    def _on_list_loaded(self, parcels: list[SealedParcel]) -> None:
        self._parcels = parcels
        self.table.blockSignals(True)  # one update at the end, not one per cell
        self.table.setRowCount(len(parcels))
        for row, parcel in enumerate(parcels):
            for column, text in enumerate(_cells(parcel)):
                self.table.setItem(row, column, QTableWidgetItem(text))
            self._check_item(row).setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
            )
            self._check_item(row).setCheckState(Qt.CheckState.Unchecked)
        self.table.blockSignals(False)
        self._set_status(
            f"{len(parcels)} parcels sealed here today. Choose the labels to print again."
            if parcels
            else "No parcel was sealed at this station today: nothing to print."
        )
        if self._order is not None and parcels:
            self.order_input.setText(self._order)
            self._on_select_order_clicked()
        self._update_buttons()
        self.listed.emit(len(parcels))

    def _on_job_failed(self, exc: BaseException) -> None:
        self._cancel = None
        self._update_buttons()
        if isinstance(exc, UserError):
            self._set_status(str(exc), error=True)
            return
        log.error("bulk print failed", exc_info=exc)
        self._set_status(
            "The bulk print stopped on an unexpected error. Labels not sent yet stay stored "
            "and print when the station starts again.",
            error=True,
        )
        show_crash_box(self, "".join(traceback.format_exception(exc)))

    # -- state ----------------------------------------------------------------

    def reject(self) -> None:
        """Close; during a run, stop after the label in hand and close then."""
        if self.running:
            self._close_when_stopped = True
            self._on_cancel_clicked()
            return
        super().reject()

    def _update_buttons(self) -> None:
        idle = not self.running
        for button in (self.select_all_button, self.select_none_button):
            button.setEnabled(idle and bool(self._parcels))
        self.select_order_button.setEnabled(idle and bool(self._parcels))
        ready = bool(self.reason_text()) and bool(self._parcels) and bool(self.chosen())
        self.print_button.setEnabled(idle and ready)
        self.cancel_button.setEnabled(self.running)
        self.close_button.setEnabled(idle)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #c62828;" if error else "")


def summary_text(summary: BulkSummary) -> str:
    """What a run did, and what to do about what did not print."""
    text = f"{summary.delivered} of {summary.total} labels printed."
    if summary.rejected:
        text += (
            f" {summary.rejected} cannot print as they are ({summary.first_error}): "
            "fix the order, then print them again."
        )
    if summary.stopped_by:
        # The printer's words are written for the print queue ("prints by itself"):
        # say plainly that these labels do not.
        text += (
            f" Printing stopped. The printer said: {summary.stopped_by} The {summary.cancelled} "
            "labels not printed do not print by themselves. They stay chosen: press Print "
            "again once the printer is ready."
        )
    elif summary.cancelled:
        text += f" Cancelled: the {summary.cancelled} not printed stay chosen."
    return text


def open_bulk_print(
    parent: QWidget | None,
    store: Store,
    printer: LabelPrinter,
    station: str,
    seq: SeqCounter,
    requested_by: uuid.UUID | None,
    *,
    order: str | None = None,
    commands: Commands | None = None,
) -> BulkPrintDialog:
    """Open the bulk print dialog (not blocking); it deletes itself when closed.

    `seq` must be the station's own event sequence (the PackSession's), and
    `requested_by` the id of the supervisor who unlocked it (ui.supervisor_gate):
    anyone else's is refused when Print is pressed, storing nothing.
    With `order`, that order's parcels are chosen when the list is there.
    """
    bulk = BulkPrinter(store, printer, station, seq)
    dialog = BulkPrintDialog(bulk, requested_by, parent, order=order, commands=commands)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _cells(parcel: SealedParcel) -> tuple[str, ...]:
    return (
        parcel.order_number,
        f"{parcel.parcel_no}/{parcel.parcel_count}",
        parcel.tracking,
        parcel.courier,
        parcel.sealed_at.astimezone().strftime("%H:%M"),
    )


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    return row
