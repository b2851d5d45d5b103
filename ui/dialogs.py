"""The bench's dialogs: Exception…, Ship short…, Reprint label… and Void label….

Each works with a scanner alone, gloves on: a reason is chosen from a numbered
list by its number key (1 to 9), by scanning a reason barcode (`[commands]
reason` and the number) or by touch; scanning OK (`[commands] ok`) confirms
and Close (`[commands] close`) closes. A dialog that asks for a label takes a
scanned label into its tracking number field. Every other scan goes to the
bench (ui.wedge): no scan is lost behind a dialog, and a scanner's Enter never
presses a button here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from station.settings import Commands
from station.workflow_types import (
    SHORT_REASONS,
    ExceptionReason,
    exception_commands,
    short_commands,
)
from ui import style
from ui.worker import Worker, delete_once_ended

REASON_LABELS: dict[ExceptionReason, str] = {
    ExceptionReason.ITEM_MISSING: "Item missing",
    ExceptionReason.DAMAGED: "Damaged",
    ExceptionReason.WRONG_ITEM_IN_TOTE: "Wrong item in tote",
    ExceptionReason.OTHER: "Other (say what)",
}
LABEL_REASONS = ("Label torn or smudged", "Printer jammed", "Label lost", "Wrong label on the box")
OTHER = "Other (say what)"
# Big enough for a gloved finger: indicators, fields and list rows.
TOUCH_PX = 56
INDICATOR_PX = 36
GLOVE_STYLE = f"""
QRadioButton::indicator, QCheckBox::indicator, QTableView::indicator {{
    width: {INDICATOR_PX}px; height: {INDICATOR_PX}px;
}}
QRadioButton, QCheckBox {{ spacing: 16px; }}
QLineEdit {{ min-height: {TOUCH_PX}px; }}
"""
T = TypeVar("T")
NUMBER_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}


# Workers of run_in_background whose answer has not come back yet (see there).
_RUNNING: set[Worker] = set()


def run_in_background(
    parent: QObject,
    name: str,
    job: Callable[[], T],
    on_done: Callable[[T], None],
    on_failed: Callable[[BaseException], None],
    *,
    daemon: bool = False,
) -> None:
    """One job of a dialog on a Worker of its own, answered on the UI thread.

    The thread ends with its job: a dialog left open when the window goes (and
    deleted with it, never finished) does not keep the program from exiting.
    The worker belongs to no widget: one owned by a dialog deleted while the
    job runs (closed during a printer check) would be destroyed under its
    thread as it hands back the answer, a crash of the whole bench. It is held
    here until its answer is back; the answer goes to the dialog if it is
    still there.
    """
    worker = Worker(None, name=name, daemon=daemon)
    _RUNNING.add(worker)

    def answered() -> bool:
        _release_once_ended(worker)
        return isValid(parent)

    def done(result: T) -> None:
        if answered():
            on_done(result)

    def failed(exc: BaseException) -> None:
        if answered():
            on_failed(exc)

    worker.run(job, done, failed)
    worker.shutdown(wait=False)


def _release_once_ended(worker: Worker) -> None:
    _RUNNING.discard(worker)
    delete_once_ended(worker)


def background_jobs_running() -> int:
    """Jobs of run_in_background whose answer has not come back (for tests)."""
    return len(_RUNNING)


def glove_button(button: QAbstractButton) -> None:
    """A button a gloved finger hits: large type, tall and wide."""
    button.setFont(style.font(style.BUTTON_PX, bold=True))
    button.setMinimumSize(160, style.BUTTON_MIN_HEIGHT)


def command_codes(commands: Commands) -> frozenset[str]:
    """Every command barcode: these go to the bench, never into a dialog's field."""
    codes = {getattr(commands, f.name) for f in fields(Commands) if f.name != "reason"}
    return frozenset(codes | set(commands.reason_codes()))


class ReasonList(QWidget):
    """Numbered reasons, one chosen; the last one is "Other", which needs words."""

    chosen = Signal(int)  # the reason's number, 1 to 9

    def __init__(
        self, reasons: Sequence[str], parent: QWidget | None = None, *, columns: int = 1
    ) -> None:
        super().__init__(parent)
        self._group = QButtonGroup(self)
        self.buttons: list[QRadioButton] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        rows = -(-len(reasons) // columns)  # numbered down each column, as read
        for index, text in enumerate(reasons):
            radio = QRadioButton(f"{index + 1}   {text}")
            radio.setMinimumHeight(TOUCH_PX)
            self._group.addButton(radio, index + 1)
            self.buttons.append(radio)
            grid.addWidget(radio, index % rows, index // rows)
        self._group.idToggled.connect(self._on_group_id_toggled)

    def choose(self, number: int) -> bool:
        """Choose reason `number`; False if the list has no such reason."""
        if not 1 <= number <= len(self.buttons):
            return False
        self.buttons[number - 1].setChecked(True)
        return True

    def number(self) -> int | None:
        checked = self._group.checkedId()
        return checked if checked > 0 else None

    def is_other(self) -> bool:
        return self.number() == len(self.buttons)

    def focus_first(self) -> None:
        target = self.buttons[(self.number() or 1) - 1]
        target.setFocus()

    def _on_group_id_toggled(self, number: int, checked: bool) -> None:
        if checked:
            self.chosen.emit(number)


class ScanDialog(QDialog):
    """A dialog with a reason list, worked by scans and number keys as well as by touch."""

    words_are_other = True  # words typed are the reason (Other), not a note to another one

    def __init__(
        self,
        title: str,
        question: str,
        reasons: Sequence[str],
        commands: Commands,
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setFont(style.font(style.HEADER_PX))
        self.setStyleSheet(GLOVE_STYLE)
        self.setMinimumWidth(720)
        self.commands = commands
        self._commands = command_codes(commands)
        self.rows = QVBoxLayout(self)
        self.question = QLabel(question)
        self.question.setWordWrap(True)
        self.rows.addWidget(self.question)
        self.reasons = ReasonList([*reasons, OTHER])
        self.reasons.chosen.connect(self._on_reasons_chosen)
        self.rows.addWidget(self.reasons)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Say what is wrong (needed for Other)")
        self.note.textChanged.connect(self._on_note_text_changed)
        self.rows.addWidget(self.note)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.rows.addWidget(self.hint)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        for button in self.buttons.buttons():
            glove_button(button)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.rows.addWidget(self.buttons)
        self._last_reason = len(reasons) + 1

    @property
    def ok_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def reason_text(self) -> str:
        """The chosen reason in words: the list's, or the words typed for Other."""
        number = self.reasons.number()
        if number is None:
            return ""
        if self.reasons.is_other():
            return self.note.text().strip()
        return self.reasons.buttons[number - 1].text().split("   ", 1)[1]

    def ready(self) -> bool:
        return bool(self.reason_text())

    def missing(self) -> str:
        """What OK still waits for, in words."""
        if self.reasons.is_other():
            return "Say what is wrong in the field under the list."
        return (
            f"Choose why: press 1 to {self._last_reason}, scan a reason barcode, "
            "or touch the reason."
        )

    # -- scans and keys -------------------------------------------------------

    def take_scan(self, text: str) -> bool:
        """A scan while this dialog is open: True if it is this dialog's (see ui.wedge)."""
        if text == self.commands.ok:
            self.confirm()
            return True
        if text == self.commands.close:
            self.reject()
            return True
        number = self.commands.reason_number(text)
        if number is not None:
            if not self.reasons.choose(number):
                self.say(f"There is no reason {number} here: {self.missing()}")
            return True
        return self.take_other_scan(text)

    def take_other_scan(self, text: str) -> bool:
        """A scan that is not OK, Close or a reason: a dialog that asks for one takes it."""
        return False

    def is_command(self, text: str) -> bool:
        return text in self._commands

    def confirm(self) -> None:
        """OK, if everything is there; else say what is missing."""
        if self.ok_button.isEnabled():
            self.accept()
        else:
            self.say(self.missing())

    def say(self, text: str) -> None:
        self.hint.setText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Digits typed into a field stay there (QLineEdit takes them first).
        number = NUMBER_KEYS.get(Qt.Key(event.key()))
        if number is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            if not self.reasons.choose(number):
                self.say(f"There is no reason {number} here: {self.missing()}")
            return
        super().keyPressEvent(event)

    # -- updates --------------------------------------------------------------

    def _on_reasons_chosen(self, _number: int) -> None:
        if self.reasons.is_other():
            self.note.setFocus()
        self.update_ok()

    def _on_note_text_changed(self, text: str) -> None:
        if self.words_are_other and text.strip() and not self.reasons.is_other():
            self.reasons.choose(self._last_reason)  # words typed are the Other reason
        self.update_ok()

    def update_ok(self) -> None:
        ready = self.ready()
        self.ok_button.setEnabled(ready)
        self.say(self.how_to_finish() if ready else self.missing())

    def how_to_finish(self) -> str:
        return "Scan OK (or press OK) to go on; scan Close to cancel."

    def start(self) -> None:
        """Show what is missing and put the focus where the next input goes."""
        self.update_ok()
        self.reasons.focus_first()


class ExceptionDialog(ScanDialog):
    """Pick why the order cannot be packed; "Other" needs a few words."""

    words_are_other = False  # any reason may come with a note

    def __init__(self, parent: QWidget | None = None, commands: Commands | None = None) -> None:
        commands = commands or Commands()
        reasons = [REASON_LABELS[reason] for reason in list(ExceptionReason)[:-1]]
        super().__init__(
            "Flag an exception", "What is wrong with this order?", reasons, commands, parent
        )
        self.reason_buttons: dict[ExceptionReason, QRadioButton] = dict(
            zip(ExceptionReason, self.reasons.buttons, strict=True)
        )
        self._by_scan = exception_commands(commands)
        self.start()

    def reason(self) -> ExceptionReason | None:
        number = self.reasons.number()
        return list(ExceptionReason)[number - 1] if number else None

    def note_text(self) -> str:
        return self.note.text().strip()

    def take_other_scan(self, text: str) -> bool:
        reason = self._by_scan.get(text)
        if reason is None:
            return False
        self.reason_buttons[reason].setChecked(True)
        return True


class ShortShipDialog(ScanDialog):
    """Why the order ships incomplete; a supervisor approves with their badge next."""

    def __init__(self, parent: QWidget | None = None, commands: Commands | None = None) -> None:
        commands = commands or Commands()
        super().__init__(
            "Ship short",
            "Why does this order ship incomplete? A supervisor then scans their badge to approve.",
            [words.capitalize() for words in SHORT_REASONS],
            commands,
            parent,
        )
        self.reason = self.note  # the words for Other
        self._by_scan = list(short_commands(commands))
        self.start()

    def reason_text(self) -> str:
        number = self.reasons.number()
        if number is None or self.reasons.is_other():
            return super().reason_text()
        return SHORT_REASONS[number - 1]

    def take_other_scan(self, text: str) -> bool:
        if text not in self._by_scan:
            return False
        self.reasons.choose(self._by_scan.index(text) + 1)
        return True


class _LabelDialog(ScanDialog):
    """A label errand: which label (its tracking number, scanned off the box) and why."""

    def __init__(
        self,
        title: str,
        question: str,
        tracking_hint: str,
        required: bool,
        commands: Commands,
        parent: QWidget | None,
    ) -> None:
        super().__init__(title, question, LABEL_REASONS, commands, parent)
        self._tracking_required = required
        self.reason = self.note  # the words for Other
        self.tracking = QLineEdit()
        self.tracking.setPlaceholderText(tracking_hint)
        self.tracking.textChanged.connect(self._on_tracking_text_changed)
        self.tracking.returnPressed.connect(self._on_tracking_return_pressed)
        self.rows.insertWidget(1, QLabel("Tracking number (scan the label):"))
        self.rows.insertWidget(2, self.tracking)

    def tracking_text(self) -> str:
        return self.tracking.text().strip()

    def ready(self) -> bool:
        has_tracking = bool(self.tracking_text()) or not self._tracking_required
        return super().ready() and has_tracking

    def missing(self) -> str:
        if self._tracking_required and not self.tracking_text():
            return "Scan the label on the box (its tracking number), then choose why."
        return super().missing()

    def take_other_scan(self, text: str) -> bool:
        """Any scan that is not a command is the label this dialog asks for."""
        if self.is_command(text):
            return False
        self.tracking.setText(text)
        if self.reasons.number() is None:
            self.reasons.focus_first()  # number keys choose the reason next
        return True

    def _on_tracking_text_changed(self, _text: str) -> None:
        self.update_ok()

    def _on_tracking_return_pressed(self) -> None:
        if self.reasons.number() is None:
            self.reasons.focus_first()


class ReprintDialog(_LabelDialog):
    """Print a label again: the last one, or any by its tracking number."""

    def __init__(self, parent: QWidget | None = None, commands: Commands | None = None) -> None:
        super().__init__(
            "Reprint label",
            "Why print the label again?",
            "Empty: this station's last label",
            False,
            commands or Commands(),
            parent,
        )
        self.start()


class VoidDialog(_LabelDialog):
    """Void a label: its tracking number is cancelled and a new label prints."""

    def __init__(self, parent: QWidget | None = None, commands: Commands | None = None) -> None:
        super().__init__(
            "Void label",
            "Why void this label? A new label with a new number prints.",
            "The tracking number of the label to void",
            True,
            commands or Commands(),
            parent,
        )
        self.start()
        self.tracking.setFocus()  # a label scanned or typed goes here first
