"""The pack screen's dialogs, one at a time: what the bench's buttons and errands open.

Exception, short ship, reprint, void and bulk print (the last two behind a
supervisor's badge and PIN, ui.supervisor_gate), and the PIN pad a
supervisor's badge scanned at the bench asks for. Each answer goes to the
`StationController`; a dialog never calls the engine itself. Dialogs are
opened, not exec()'d, so the worker's answers keep arriving meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from station.settings import Commands
from station.supervisor_auth import Action, Supervisor
from station.verdicts import StationView, Verdict
from ui.controller import StationController
from ui.dialogs import ExceptionDialog, ReprintDialog, ShortShipDialog, VoidDialog
from ui.pin_pad import PinPad
from ui.supervisor_gate import SupervisorGate

Finished = Callable[[int], None]  # the closed dialog's result (QDialog.DialogCode)


class BenchDialogs:
    """Opens the bench's dialogs over `parent`; `dialog` is the one open, if any.

    `finished` is called with the result whenever the open dialog closes.
    """

    def __init__(
        self,
        parent: QWidget,
        controller: StationController,
        supervisor_gate: SupervisorGate,
        current_view: Callable[[], StationView | None],
        finished: Finished,
    ) -> None:
        self._parent = parent
        self._controller = controller
        self._supervisor_gate = supervisor_gate
        self._current_view = current_view
        self._finished = finished
        self.dialog: QDialog | None = None

    @property
    def _commands(self) -> Commands:
        return self._controller.session.settings.commands

    # -- the dialogs --------------------------------------------------------------

    def open_exception(self) -> None:
        dialog = ExceptionDialog(self._parent, self._commands)
        dialog.accepted.connect(lambda: self._on_exception_dialog_accepted(dialog))
        self._open(dialog)

    def _on_exception_dialog_accepted(self, dialog: ExceptionDialog) -> None:
        reason = dialog.reason()
        if reason is not None:
            self._controller.flag_exception(reason, dialog.note_text())

    def open_short_ship(self) -> None:
        dialog = ShortShipDialog(self._parent, self._commands)
        dialog.accepted.connect(lambda: self._on_short_ship_dialog_accepted(dialog))
        self._open(dialog)

    def _on_short_ship_dialog_accepted(self, dialog: ShortShipDialog) -> None:
        self._controller.request_short_ship(dialog.reason_text())

    def open_reprint(self) -> None:
        dialog = ReprintDialog(self._parent, self._commands)
        dialog.accepted.connect(
            lambda: self._controller.reprint_label(dialog.reason_text(), dialog.tracking_text())
        )
        self._open(dialog)

    def open_bulk_print(self, order: str | None) -> None:
        """Bulk print (of `order`'s labels, or all of them), once a supervisor unlocks it."""
        self.close()
        self._supervisor_gate.ask(
            Action.BULK_PRINT,
            self._current_view(),
            lambda supervisor: self._bulk_print(order, supervisor),
        )

    def _bulk_print(self, order: str | None, supervisor: Supervisor) -> None:
        # Imported here: the dialog is for the end of a shift, not for every start.
        from ui.bulk_print_dialog import open_bulk_print

        self.close()
        session = self._controller.session
        dialog = open_bulk_print(
            self._parent,
            session.store,
            session.printer,
            session.station,
            session.sequence,
            supervisor.id,  # who asked, on every label's event
            order=order,
            commands=self._commands,
        )
        self._hold(dialog)  # open_bulk_print opened it, deleted when closed

    def open_void(self) -> None:
        """Void a label, once a supervisor unlocks it."""
        self.close()
        self._supervisor_gate.ask(Action.VOID_LABEL, self._current_view(), self._void)

    def _void(self, supervisor: Supervisor) -> None:
        dialog = VoidDialog(self._parent, self._commands)
        dialog.accepted.connect(
            lambda: self._controller.void_label(
                dialog.tracking_text(), dialog.reason_text(), supervisor
            )
        )
        self._open(dialog)

    def ask_pin(self, verdict: Verdict) -> None:
        """A supervisor's badge needs its PIN: the same badge (or order) goes again with it."""
        dialog = PinPad(verdict.message, self._parent, close_code=self._commands.close)
        scan = verdict.scan
        dialog.pin_entered.connect(
            lambda pin: self._controller.scan(scan, source="keyboard", pin=pin)
        )
        self._open(dialog)

    # -- one at a time ------------------------------------------------------------

    def close(self) -> None:
        # One dialog at a time: an errand scanned over another dialog replaces it.
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.reject()

    def _open(self, dialog: QDialog) -> None:
        self.close()
        self._hold(dialog)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # not exec(): answers from the worker keep arriving

    def _hold(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(self._on_dialog_finished)

    def _on_dialog_finished(self, result: int) -> None:
        self.dialog = None
        self._finished(result)
