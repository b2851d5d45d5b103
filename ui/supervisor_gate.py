"""A supervisor action at the bench (void a label, bulk print): badge, then PIN, then the action.

Shaped as the dashboard's F9 (ui.dashboard.opening): the check is
station.supervisor_auth.authorize, off the UI thread on a Worker of its own,
and every attempt is recorded there. A supervisor logged in at the bench is
asked only their PIN; anyone else is asked for a supervisor's badge first
(scanned or typed, `BadgeAsk`). The PIN is asked even of the supervisor logged
in: a bench left signed in must not let whoever stands at it act as them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from station.session import PackSession
from station.settings import Commands
from station.supervisor_auth import (
    SUPERVISOR_ROLES,
    Action,
    Answer,
    Refusal,
    Supervisor,
    authorize,
)
from station.verdicts import StationView
from ui import style
from ui.dialogs import GLOVE_STYLE, command_codes, glove_button
from ui.pin_pad import PinPad
from ui.thread_relay import let_worker_finish
from ui.worker import Worker

Then = Callable[[Supervisor], None]  # the action, given who unlocked it


class BadgeAsk(QDialog):
    """Ask for a supervisor's badge, scanned (ui.wedge) or typed; `badge_given(text, how)`."""

    badge_given = Signal(str, str)

    def __init__(self, question: str, commands: Commands, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Supervisor badge")
        self.setModal(True)
        self.setFont(style.font(style.HEADER_PX))
        self.setStyleSheet(GLOVE_STYLE)
        self.setMinimumWidth(640)
        self._commands = commands
        self._command_codes = command_codes(commands)
        rows = QVBoxLayout(self)
        self.question = QLabel(question)
        self.question.setWordWrap(True)
        rows.addWidget(self.question)
        self.badge = QLineEdit()
        self.badge.setPlaceholderText("Supervisor badge")
        self.badge.returnPressed.connect(self._on_badge_return_pressed)
        rows.addWidget(self.badge)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        for button in buttons.buttons():
            glove_button(button)
        buttons.rejected.connect(self.reject)
        rows.addWidget(buttons)
        self.badge.setFocus()

    def take_scan(self, text: str) -> bool:
        """A scanned badge is the answer; Close cancels; other commands go to the bench."""
        if text == self._commands.close:
            self.reject()
            return True
        if text in self._command_codes:
            return False
        self._give(text, "scanner")
        return True

    def _on_badge_return_pressed(self) -> None:
        if self.badge.text().strip():
            self._give(self.badge.text(), "keyboard")

    def _give(self, text: str, how: str) -> None:
        self.badge.clear()
        self.accept()
        self.badge_given.emit(text.strip(), how)


class SupervisorGate(QObject):
    """Asks who unlocks a supervisor action at the bench, then runs it with them."""

    cancelled = Signal()  # the badge or PIN asked was closed without being given

    def __init__(
        self, parent: QWidget, session: PackSession, refuse: Callable[[str], None]
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._session = session
        self._refuse = refuse
        # Its own worker, as F9's: a PIN's scrypt must not hold up the scans.
        self._worker = Worker(self, name="supervisor-gate")
        self.dialog: QDialog | None = None  # the badge or PIN being asked, if any

    def ask(self, action: Action, view: StationView | None, then: Then) -> None:
        """Unlock `action` (the logged-in supervisor's badge, or one asked for), then `then`."""
        if view is not None and view.packer_role in SUPERVISOR_ROLES and view.packer_badge:
            self._check(action, view.packer_badge, None, "keyboard", then)
            return
        ask = BadgeAsk(
            f"To {action.value}, a supervisor scans their badge (or types it and presses Enter).",
            self._session.settings.commands,
            self._parent,
        )
        ask.badge_given.connect(lambda badge, how: self._check(action, badge, None, how, then))
        self._show(ask)

    def close(self) -> None:
        """The window closes: a check under way answers nobody, and its worker is not
        deleted with the window under its thread."""
        let_worker_finish(self._worker)

    def _check(self, action: Action, badge: str, pin: str | None, how: str, then: Then) -> None:
        session = self._session
        required = session.settings.supervisor_pin

        def job() -> Answer:
            return authorize(
                session.store, session.station, badge, pin, action, pin_required=required, how=how
            )

        self._worker.run(job, lambda answer: self._on_worker_answered(action, badge, answer, then))

    def _on_worker_answered(self, action: Action, badge: str, answer: Answer, then: Then) -> None:
        if not isinstance(answer, Refusal):
            then(answer)
            return
        if not answer.needs_pin:
            self._refuse(answer.message)
            return
        pad = PinPad(answer.message, self._parent, close_code=self._session.settings.commands.close)
        pad.pin_entered.connect(lambda pin: self._check(action, badge, pin, "keyboard", then))
        self._show(pad)

    def _show(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.rejected.connect(self.cancelled)
        dialog.open()  # not exec(): the bench's answers keep arriving
