"""Closing a load: the parcels not loaded (load each, or say why it stays), the driver signs.

The close button is enabled only once every parcel of the list is loaded or
has a reason, the driver's name is given and the pad is signed. The close
itself (manifest written, close stored) runs on the dock's worker; the dialog
closes when it is stored, and shows the reason when it is refused.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, SignalInstance
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
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

from station.barcodes import parse_scan
from station.handoff.closing import Handover, LeftBehind
from station.handoff.engine import MAX_NAME, DockAwaiting, LoadAnswer
from station.verdicts import VerdictKind
from ui import style
from ui.loading.controller import LoadingController
from ui.signature_pad import SignaturePad

LEAVE_REASONS = (
    "",
    "Not ready yet (repacking, label)",
    "Damaged: held back",
    "Not found at the dock",
    "Held by a supervisor",
    "Goes with a later collection",
)
# What CMD-REASON-1, -2, … choose (the command sheet's reason barcodes), in this order.
SCANNED_REASONS = LEAVE_REASONS[1:]
TRACKING, ORDER, SEALED, DECISION = range(4)


class CloseLoadDialog(QDialog):
    """The close of the open load: what stays and why, the driver and their signature."""

    def __init__(
        self, controller: LoadingController, answer: LoadAnswer, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("closeLoadDialog")
        self.setWindowTitle(f"Close load {answer.load} — {answer.courier}")
        self.controller = controller
        self._commands = controller.loading.settings.commands
        self._ack = self._commands.ack
        self._close_code = self._commands.close
        self.closed_answer: LoadAnswer | None = None
        self._count = answer.count
        self._reasons: dict[str, QComboBox] = {}
        self._stop_said = False  # a stop from another scan is said in the problem line
        # Said until the next close, whatever else changes (a relisting, the pad): why the
        # station refused the last close, or which parcel the central database took off.
        self._kept_notice = ""
        self._closing = False  # a close runs on the worker: no second one, and it is said
        self._listed_any = False  # the list of parcels not loaded had a row at some time
        self._let_go = False  # finished: no longer connected to the dock's controller
        self.heading = QLabel()
        self.heading.setFont(style.font(20, bold=True))
        self.left = QTableWidget(0, 4)
        self.left.setHorizontalHeaderLabels(["Tracking", "Order", "Sealed", "Load it, or why not"])
        header = self.left.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DECISION, QHeaderView.ResizeMode.Stretch)
        self.left.verticalHeader().setDefaultSectionSize(40)
        self.left.verticalHeader().setVisible(False)
        self.left_title = QLabel()
        self.reason_hint = QLabel(
            "With the scanner: a parcel's label loads it; a reason barcode of the command sheet "
            "gives the first parcel without a reason its reason — "
            + ", ".join(f"{n} {text}" for n, text in enumerate(SCANNED_REASONS, start=1))
            + "."
        )
        self.reason_hint.setWordWrap(True)
        self.reason_hint.setFont(style.font(12))
        self.driver = QLineEdit()
        self.driver.setPlaceholderText("Driver's full name")
        self.driver.setMaxLength(MAX_NAME)
        self.vehicle = QLineEdit()
        self.vehicle.setPlaceholderText("Registration plate or van number")
        self.vehicle.setMaxLength(MAX_NAME)
        self.pad = SignaturePad()
        self.clear_button = QPushButton("Clear signature")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.close_button = QPushButton(
            "Close load and print manifest"
            if controller.prints_manifest
            else "Close load and write manifest"  # no document printer: it stays a file
        )
        self.close_button.setDefault(True)
        self.cancel_button = QPushButton("Back to loading")
        self._build()
        self._connect()
        self._show_heading()
        self._update()
        controller.list_left_behind()

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("Driver", self.driver)
        form.addRow("Vehicle", self.vehicle)
        signature = QVBoxLayout()
        signature.addWidget(QLabel("The driver checks the count and signs:"))
        signature.addWidget(self.pad, 1)
        clear_row = QHBoxLayout()
        clear_row.addStretch(1)
        clear_row.addWidget(self.clear_button)
        signature.addLayout(clear_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.problem, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        for button in (self.cancel_button, self.close_button):
            button.setMinimumHeight(44)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.left_title)
        column.addWidget(self.left, 1)
        column.addWidget(self.reason_hint)
        column.addLayout(form)
        column.addLayout(signature, 1)
        column.addLayout(buttons)
        self.setFont(style.font(15))
        self.heading.setFont(style.font(20, bold=True))
        self.resize(fitted_size(self.screen().availableGeometry().size()))

    def _connect(self) -> None:
        for signal, slot in self._controller_slots():
            signal.connect(slot)
        self.finished.connect(self._on_finished)
        self.pad.changed.connect(self._update)
        self.driver.textChanged.connect(self._update)
        self.clear_button.clicked.connect(self.pad.clear)
        self.close_button.clicked.connect(self._on_close_button_clicked)
        self.cancel_button.clicked.connect(self.reject)

    def _controller_slots(self) -> list[tuple[SignalInstance, Callable[..., None]]]:
        controller = self.controller
        return [
            (controller.left_behind_listed, self._on_controller_left_behind_listed),
            (controller.answered, self._on_controller_answered),
            (controller.taken_off, self._on_controller_taken_off),
            (controller.closed, self._on_controller_closed),
            (controller.close_failed, self._on_controller_close_failed),
            (controller.user_error_raised, self._on_controller_user_error_raised),
        ]

    def _on_finished(self, _result: int) -> None:
        # Closed, the dialog hears the dock no more: it would acknowledge a later stop
        # of a parcel it listed (a late parcel on the closed load) in the loader's place.
        if self._let_go:
            return  # finished again (a CMD-CLOSE aimed at it before it is deleted)
        self._let_go = True
        for signal, slot in self._controller_slots():
            signal.disconnect(slot)

    def _show_heading(self) -> None:
        self.heading.setText(f"{self._count} parcel(s) loaded — the driver checks the count")

    def take_scan(self, text: str) -> bool:
        """`CMD-CLOSE` goes back to loading, as it closes every dialog; a reason barcode gives
        the first parcel of the list without a reason its reason; a label is the dock's."""
        text = parse_scan(text).text  # as the dock's engine reads it
        if text == self._close_code:
            self.reject()
            return True
        number = self._commands.reason_number(text)
        if number is None:
            return False
        self._scanned_reason(number)
        return True

    def _scanned_reason(self, number: int) -> None:
        if number > len(SCANNED_REASONS):
            self._update()
            self.problem.setText(
                f"Reason {number} is not one of this list (1 to {len(SCANNED_REASONS)}): "
                "scan another reason, or load the parcel."
            )
            return
        for row in range(self.left.rowCount()):
            item = self.left.item(row, TRACKING)
            box = self._reasons.get(item.text()) if item is not None else None
            if box is not None and not box.currentText().strip():
                box.setCurrentText(SCANNED_REASONS[number - 1])
                self.left.selectRow(row)  # where the scanned reason went
                return
        self._update()
        self.problem.setText("Every parcel of the list has its reason: nothing to give.")

    # -- the list of parcels not loaded ------------------------------------------

    def _on_controller_left_behind_listed(self, parcels: list[LeftBehind]) -> None:
        # Listed again after a refused close: the reasons already given stay given.
        given = {tracking: box.currentText() for tracking, box in self._reasons.items()}
        self.left.setRowCount(0)
        self._reasons.clear()
        for parcel in parcels:
            row = self.left.rowCount()
            self.left.insertRow(row)
            for column, text in ((TRACKING, parcel.tracking), (ORDER, parcel.order)):
                self.left.setItem(row, column, _cell(text))
            self.left.setItem(row, SEALED, _cell(parcel.sealed_at[11:16] + " UTC"))
            self.left.setCellWidget(row, DECISION, self._decision(parcel.tracking))
            self._reasons[parcel.tracking].setCurrentText(given.get(parcel.tracking, ""))
        self._show_left_title()
        self._update()

    def _show_left_title(self) -> None:
        # Counted from the table, so a parcel loaded from the list leaves the count too.
        left = self.left.rowCount()
        self.left_title.setText(
            f"{left} parcel(s) of this courier sealed today are NOT on the load: "
            "load each one, or say why it stays."
            if left
            else "Every parcel of this courier sealed today is on the load."
        )
        # Hidden only if the list was empty from the start: once shown it stays (empty), so
        # loading its last parcel does not move the driver's fields under a reaching hand.
        self._listed_any = self._listed_any or bool(left)
        self.left.setVisible(self._listed_any)
        self.reason_hint.setVisible(self._listed_any)  # how to give reasons: with a list only

    def _decision(self, tracking: str) -> QWidget:
        cell = QWidget()
        row = QHBoxLayout(cell)
        row.setContentsMargins(2, 0, 2, 0)
        load = QPushButton("Load it")
        load.clicked.connect(lambda: self.controller.load_parcel(tracking))
        reason = QComboBox()
        reason.setEditable(True)
        reason.addItems(LEAVE_REASONS)
        edit = reason.lineEdit()
        if edit is not None:
            edit.setPlaceholderText("or why it stays")
        reason.currentTextChanged.connect(self._update)
        self._reasons[tracking] = reason
        row.addWidget(load)
        row.addWidget(reason, 1)
        return cell

    def _on_controller_answered(self, answer: LoadAnswer) -> None:
        # A parcel loaded from the list leaves it; any other answer is the screen's,
        # except a refusal of a parcel of the list: said here, in the dialog.
        waiting = answer.kind is VerdictKind.NEEDS_ACKNOWLEDGEMENT  # an earlier stop's
        if answer.verdict.scan in self._reasons and answer.kind is not VerdictKind.LOADED:
            self._update()
            self.problem.setText(
                answer.verdict.message if waiting else f"Not loaded: {answer.verdict.message}"
            )
            if answer.awaiting is DockAwaiting.ACKNOWLEDGEMENT and not waiting:
                # Read here by the person who pressed Load it: the dock goes on.
                self.controller.scan(self._ack, source="button")
            return
        if answer.awaiting is DockAwaiting.ACKNOWLEDGEMENT:
            # A stop from another scan (a label of no parcel, CMD-REASON-0): the screen
            # showing it is behind this dialog, so it is said here, until acknowledged.
            self._update()
            self.problem.setText(f"{answer.verdict.message} Scan {self._ack} to go on.")
            self._stop_said = True
            return
        if answer.kind is VerdictKind.ACKNOWLEDGED and self._stop_said:
            self._stop_said = False
            self._update()  # the stop said here is over (a refused parcel's reason stays)
            return
        if answer.kind is not VerdictKind.LOADED or answer.verdict.tracking is None:
            return
        self._count = answer.count
        self._show_heading()
        for row in range(self.left.rowCount()):
            item = self.left.item(row, TRACKING)
            if item is not None and item.text() == answer.verdict.tracking:
                self.left.removeRow(row)
                self._reasons.pop(answer.verdict.tracking, None)
                break
        self._show_left_title()
        self._update()

    def _on_controller_taken_off(self, answer: LoadAnswer) -> None:
        # The central database put a parcel of this load on another dock's: the count the
        # driver checks goes down, and the dialog says why.
        self._count = answer.count
        self._show_heading()
        self._kept_notice = answer.verdict.message
        self._update()

    # -- closing ------------------------------------------------------------------

    def missing(self) -> list[str]:
        """What still stops the close, in words (empty: it may close)."""
        missing = []
        undecided = [t for t, box in self._reasons.items() if not box.currentText().strip()]
        if undecided:
            missing.append(f"{len(undecided)} parcel(s) neither loaded nor given a reason")
        if not self.driver.text().strip():
            missing.append("the driver's name")
        if self.pad.is_empty:
            missing.append("the driver's signature")
        return missing

    def _update(self) -> None:
        missing = self.missing()
        self.close_button.setEnabled(not missing and not self._closing)
        self.cancel_button.setEnabled(not self._closing)  # the close runs on: it is awaited
        if self._closing:
            self.problem.setText("Closing the load…")
            return
        still = f"Still needed: {'; '.join(missing)}." if missing else ""
        self.problem.setText(" ".join(part for part in (self._kept_notice, still) if part))

    def _on_close_button_clicked(self) -> None:
        if self.missing() or self._closing:
            return
        self._closing, self._kept_notice = True, ""
        self._update()  # the last refusal is no longer said while this close runs
        reasons = {tracking: box.currentText().strip() for tracking, box in self._reasons.items()}
        handover = Handover(
            driver=self.driver.text().strip(),
            vehicle=self.vehicle.text().strip(),
            signature_png=self.pad.png(),
            checked_count=self._count,
        )
        self.controller.close(handover, reasons)

    def _on_controller_closed(self, answer: LoadAnswer) -> None:
        self.closed_answer = answer
        self.accept()

    def _on_controller_close_failed(self, message: str) -> None:
        self._kept_notice = message
        self._closing = False
        self.controller.list_left_behind()  # the list may have changed meanwhile
        self._update()

    def _on_controller_user_error_raised(self, message: str) -> None:
        # Another input refused (the screen is behind this dialog): said here, and a close
        # under way goes on being awaited (only its own answer ends the wait).
        if not self._closing:
            self._update()
            self.problem.setText(message)

    def reject(self) -> None:
        # Back to loading (the button, CMD-CLOSE, Escape) waits for a close under way: its
        # answer, stored or refused, is read here.
        if not self._closing:
            super().reject()


def fitted_size(available: QSize) -> QSize:
    """1000 x 820, or less on a smaller screen: the close button is never off screen.

    The signature pad and the list take the height given up (a 768-line screen
    leaves about 700 for the dialog, its title bar and the taskbar).
    """
    return QSize(min(1000, available.width() - 40), min(820, available.height() - 60))


def _cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item
