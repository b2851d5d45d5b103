"""Supervisor sign-in before a settings screen opens (Devices…).

The same gate as every supervisor action (station.supervisor_auth): a
supervisor (or admin) scans their badge, or types it and presses Enter; with
`[security] supervisor_pin = true` the dialog then asks that badge's PIN
(typed on the bench's keypad or keyboard, never shown). Five wrong PINs lock
the badge for 15 minutes; a packer's badge is refused with what to do. The
check (a PIN's scrypt is slow on purpose) and its record run on this dialog's
own Worker; the answer comes back on the UI thread. Scans that are not for the
dialog (command barcodes) go to the bench as they would with no dialog open
(ui.wedge).
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
from station.settings_access import SignIn, record_saved, sign_in
from station.store import Store
from ui import style
from ui.dialogs import GLOVE_STYLE, command_codes, glove_button, run_in_background
from ui.pin_pad import MAX_PIN, looks_like_a_pin

log = logging.getLogger(__name__)
ERROR_STYLE = "color: #c62828;"


class SupervisorSignIn(QDialog):
    """Ask for a supervisor's badge, then its PIN; `signed_in(name)` once allowed."""

    signed_in = Signal(str)
    answered = Signal(object)  # every SignIn, allowed or refused (tests wait on it)

    def __init__(
        self,
        store: Store,
        station: str,
        settings: str,
        commands: Commands | None = None,
        parent: QWidget | None = None,
        *,
        pin_required: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Supervisor sign-in")
        self.setModal(True)
        self.setFont(style.font(style.HEADER_PX))
        self.setStyleSheet(GLOVE_STYLE)
        self.setMinimumWidth(640)
        self._store = store
        self._station = station
        self._pin_required = pin_required
        self._commands = commands or Commands()
        self._command_codes = command_codes(self._commands)
        self._badge = ""  # the badge whose PIN is asked ("" while asking a badge)
        rows = QVBoxLayout(self)
        self.question = QLabel(
            f"{settings} changes this station's settings: a supervisor scans their badge "
            "(or types it and presses Enter)."
        )
        self.question.setWordWrap(True)
        rows.addWidget(self.question)
        self.badge = QLineEdit()
        self.badge.setPlaceholderText("Supervisor badge")
        self.badge.returnPressed.connect(self._on_sign_in_clicked)
        rows.addWidget(self.badge)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(MAX_PIN)
        self.pin.setPlaceholderText("PIN")
        self.pin.returnPressed.connect(self._on_sign_in_clicked)
        self.pin.hide()
        rows.addWidget(self.pin)
        for field in (self.badge, self.pin):
            field.textChanged.connect(self._on_field_text_changed)
        self.message = QLabel()
        self.message.setWordWrap(True)
        rows.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.clicked.connect(self._on_sign_in_clicked)
        self.buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.ActionRole)
        for button in self.buttons.buttons():
            glove_button(button)
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)  # Enter belongs to the field, never cancels
        self.buttons.rejected.connect(self.reject)
        rows.addWidget(self.buttons)
        self.sign_in_button.setEnabled(False)
        self.badge.setFocus()

    @property
    def asking_pin(self) -> bool:
        return bool(self._badge)

    # -- inputs -----------------------------------------------------------------

    def take_scan(self, text: str) -> bool:
        """A scanned badge signs in (see ui.wedge), a new one even while a PIN is asked
        (digits then go into the PIN field); Close cancels; other command barcodes go to
        the bench."""
        if text == self._commands.close:
            self.reject()
            return True
        if text in self._command_codes:
            return False
        if self.asking_pin and looks_like_a_pin(text):
            self.pin.setText(text)  # never a badge on screen; checked on Sign in or Enter
            self.pin.setFocus()
            return True
        self._check(text, None, "scanner")
        return True

    def _on_sign_in_clicked(self) -> None:
        if self.asking_pin:
            pin = self.pin.text().strip()
            self.pin.clear()  # the PIN leaves the screen with the check
            if pin:
                self._check(self._badge, pin, "keyboard")
            return
        badge = self.badge.text().strip()
        self.badge.clear()
        if badge:
            self._check(badge, None, "keyboard")

    def _on_field_text_changed(self, _text: str) -> None:
        field = self.pin if self.asking_pin else self.badge
        self.sign_in_button.setEnabled(bool(field.text().strip()))

    def _check(self, badge: str, pin: str | None, how: str) -> None:
        store, station, required = self._store, self._station, self._pin_required
        self._say("Checking…", "")

        def check() -> SignIn:
            return sign_in(store, station, badge, pin, pin_required=required, how=how)

        run_in_background(
            self,
            "sign-in",
            check,
            lambda answer: self._on_worker_answered(badge, answer),
            self._on_worker_failed,
        )

    # -- answers ----------------------------------------------------------------

    def _on_worker_answered(self, badge: str, answer: SignIn) -> None:
        self.answered.emit(answer)
        if answer.allowed:
            self.accept()
            self.signed_in.emit(answer.name or "")
            return
        self._say(answer.message, "" if answer.needs_pin and not self.asking_pin else ERROR_STYLE)
        self._ask_pin(badge if answer.needs_pin else "")

    def _ask_pin(self, badge: str) -> None:
        """Ask `badge`'s PIN, or (an empty badge) go back to asking a badge."""
        self._badge = badge
        self.pin.setVisible(bool(badge))
        self.badge.setVisible(not badge)
        (self.pin if badge else self.badge).setFocus()
        self._on_field_text_changed("")

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
    *,
    pin_required: bool = True,
) -> SupervisorSignIn:
    """Open the sign-in (not blocking); `then` runs once a supervisor has signed in."""
    dialog = SupervisorSignIn(store, station, settings, commands, parent, pin_required=pin_required)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.signed_in.connect(lambda _name: then())
    dialog.open()
    return dialog


def record_saved_by(
    dialog: SupervisorSignIn, store: Store, station: str, settings: str
) -> Callable[[QWidget, str], None]:
    """What a settings screen calls once it saved: stored off the UI thread, with who
    signed in for it (`sign_in`'s allowed answer), and a failure said in the log."""
    signed: list[str] = []
    dialog.answered.connect(
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
