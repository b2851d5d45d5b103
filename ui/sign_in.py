"""Supervisor sign-in before a settings screen opens (Devices…).

A supervisor (or admin) scans their badge, or types their PIN and presses
Sign in; a packer is refused with what to do. The check (a PIN's scrypt is
slow on purpose) and its record run on this dialog's own Worker; the answer
comes back on the UI thread. Scans that are not a badge go to the bench as
they would with no dialog open (ui.wedge).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.errors import UserError
from station.settings import Commands
from station.settings_access import SignIn, record_saved, sign_in_by_badge, sign_in_by_pin
from station.store import Store
from ui import style
from ui.dialogs import GLOVE_STYLE, command_codes, glove_button, run_in_background

log = logging.getLogger(__name__)
ERROR_STYLE = "color: #c62828;"


class SupervisorSignIn(QDialog):
    """Ask for a supervisor's badge or PIN; `signed_in(name)` once one is given."""

    signed_in = Signal(str)
    answered = Signal(object)  # every SignIn, allowed or refused (tests wait on it)

    def __init__(
        self,
        store: Store,
        station: str,
        settings: str,
        commands: Commands | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Supervisor sign-in")
        self.setModal(True)
        self.setFont(style.font(style.HEADER_PX))
        self.setStyleSheet(GLOVE_STYLE)
        self.setMinimumWidth(640)
        self._store = store
        self._station = station
        self._settings = settings
        self._commands = commands or Commands()
        self._command_codes = command_codes(self._commands)
        rows = QVBoxLayout(self)
        question = QLabel(
            f"{settings} changes this station's settings: a supervisor scans their badge, "
            "or types their PIN."
        )
        question.setWordWrap(True)
        rows.addWidget(question)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText("Supervisor PIN")
        self.pin.textChanged.connect(self._on_pin_text_changed)
        self.pin.returnPressed.connect(self._on_sign_in_clicked)
        rows.addWidget(self.pin)
        self.message = QLabel()
        self.message.setWordWrap(True)
        rows.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = self._button("Sign in", self._on_sign_in_clicked)
        self.buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.ActionRole)
        for button in self.buttons.buttons():
            glove_button(button)
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)  # Enter signs in (the PIN field), never cancels
        self.buttons.rejected.connect(self.reject)
        rows.addWidget(self.buttons)
        self.sign_in_button.setEnabled(False)
        self.pin.setFocus()

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setAutoDefault(False)  # Enter in the PIN field signs in, once
        button.clicked.connect(slot)
        return button

    # -- inputs -----------------------------------------------------------------

    def take_scan(self, text: str) -> bool:
        """A scanned badge signs in (see ui.wedge); command barcodes go to the bench."""
        if text == self._commands.close:
            self.reject()
            return True
        if text in self._command_codes:
            return False
        store, station, settings = self._store, self._station, self._settings
        self._ask(lambda: sign_in_by_badge(store, station, text, settings))
        return True

    def _on_sign_in_clicked(self) -> None:
        pin = self.pin.text().strip()
        if not pin:
            return
        self.pin.clear()
        store, station, settings = self._store, self._station, self._settings
        self._ask(lambda: sign_in_by_pin(store, station, pin, settings))

    def _on_pin_text_changed(self, text: str) -> None:
        self.sign_in_button.setEnabled(bool(text.strip()))

    def _ask(self, check: Callable[[], SignIn]) -> None:
        self._say("Checking…", "")
        run_in_background(self, "sign-in", check, self._on_worker_answered, self._on_worker_failed)

    # -- answers ----------------------------------------------------------------

    def _on_worker_answered(self, answer: SignIn) -> None:
        self.answered.emit(answer)
        if not answer.allowed:
            self._say(answer.message, ERROR_STYLE)
            return
        self.accept()
        self.signed_in.emit(answer.name or "")

    def _on_worker_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, UserError):
            log.error("supervisor sign-in failed", exc_info=exc)
        self._say(f"The sign-in could not be checked: {exc}", ERROR_STYLE)

    def _say(self, text: str, colour: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(colour)


def ask_supervisor(
    parent: QWidget,
    store: Store,
    station: str,
    settings: str,
    then: Callable[[], object],
    commands: Commands | None = None,
) -> SupervisorSignIn:
    """Open the sign-in (not blocking); `then` runs once a supervisor has signed in."""
    dialog = SupervisorSignIn(store, station, settings, commands, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.signed_in.connect(lambda _name: then())
    dialog.open()
    return dialog


def record_saved_by(
    sign_in: SupervisorSignIn, store: Store, station: str, settings: str
) -> Callable[[QWidget, str], None]:
    """What a settings screen calls once it saved: stored off the UI thread, with who
    signed in for it (`sign_in`'s allowed answer), and a failure said in the log."""
    signed: list[str] = []
    sign_in.answered.connect(
        lambda answer: signed.append(answer.badge) if answer.allowed and answer.badge else None
    )

    def saved(parent: QWidget, what: str) -> None:
        who = signed[-1] if signed else None
        run_in_background(
            parent,
            "settings-saved",
            lambda: record_saved(store, station, settings, who, what),
            lambda _none: None,
            lambda exc: log.error("settings saved but not recorded: %s", exc),
        )

    return saved
