"""Asks the packer about a label that may have printed: "Did label N print?".

The station stopped while it was sending the label and the printer cannot
tell (station.print_queue), so only the packer, looking at the printer, can.
Two big answers, each also a number key, so no mouse is needed:

    1  Printed   recorded as printed (confirmed)
    2  Reprint   recorded, and the label is sent again

One question at a time, oldest first; the window stays usable meanwhile (the
dialog is not modal), as a parcel may be packed while someone checks.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from station.print_outcomes import LabelQuestion, doubt_of
from ui import style
from ui.label_monitor import LabelMonitor

EXPLANATION = (
    "This label may have printed: the station stopped while sending it, or the printer "
    "took it without confirming it. Look at the printer and its last labels."
)
Answer = Callable[[bool, str], None]  # printed, job id
Load = Callable[[Callable[[list[LabelQuestion]], None]], None]
_ANSWER_KEYS = {Qt.Key.Key_1: True, Qt.Key.Key_2: False}  # the keypad's digits too


class LabelQuestionDialog(QDialog):
    """One question with two answers: 1 Printed, 2 Reprint."""

    answered = Signal(str, bool)  # job id, True when it printed

    def __init__(self, job_id: str, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id = job_id
        self.setWindowTitle("Did it print?")
        self.question = QLabel(question)
        self.question.setFont(style.font(style.BANNER_DETAIL_PX, bold=True))
        self.question.setWordWrap(True)
        explanation = QLabel(EXPLANATION)
        explanation.setFont(style.font(style.HEADER_PX))
        explanation.setWordWrap(True)
        self.printed = self._button("1   Printed")
        self.reprint = self._button("2   Reprint")
        self.printed.clicked.connect(self._on_printed_clicked)
        self.reprint.clicked.connect(self._on_reprint_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.printed)
        buttons.addWidget(self.reprint)
        column = QVBoxLayout(self)
        column.addWidget(self.question)
        column.addWidget(explanation)
        column.addLayout(buttons)

    def _button(self, text: str) -> QPushButton:
        button = QPushButton(text)
        button.setFont(style.font(style.BUTTON_PX, bold=True))
        button.setMinimumHeight(style.BUTTON_MIN_HEIGHT)
        button.setAutoDefault(False)  # Enter from a scanner must not answer for the packer
        return button

    def keyPressEvent(self, event: QKeyEvent) -> None:
        printed = _ANSWER_KEYS.get(Qt.Key(event.key()))
        if printed is None:
            super().keyPressEvent(event)
        else:
            self._answer(printed)

    def reject(self) -> None:
        """Esc and the close button do nothing: the question stays until it is answered."""

    def _on_printed_clicked(self) -> None:
        self._answer(True)

    def _on_reprint_clicked(self) -> None:
        self._answer(False)

    def _answer(self, printed: bool) -> None:
        self.answered.emit(self.job_id, printed)
        self.accept()


class LabelQuestions(QObject):
    """Puts the monitor's questions to the packer, one dialog at a time, oldest first."""

    def __init__(
        self, parent: QWidget, monitor: LabelMonitor, answer: Answer, load: Load | None = None
    ) -> None:
        """`answer(printed, job_id)` records the packer's answer (off the UI thread);
        `load(on_loaded)` reads the questions already stored (e.g. from before a
        restart), which the print thread may have announced before the window listened.
        """
        super().__init__(parent)
        self._parent = parent
        self._monitor = monitor
        self._answer = answer
        self._waiting: list[tuple[str, str]] = []
        self.dialog: LabelQuestionDialog | None = None
        monitor.question_asked.connect(self._on_monitor_question_asked)
        if load is not None:
            load(self._on_loaded)

    def _on_loaded(self, questions: list[LabelQuestion]) -> None:
        for question in questions:
            self._monitor.report(doubt_of(question))  # asked once, even if announced too

    def _on_monitor_question_asked(self, job_id: str, question: str) -> None:
        self._waiting.append((job_id, question))
        self._ask_next()

    def _ask_next(self) -> None:
        if self.dialog is not None:
            return
        # A question answered meanwhile (e.g. by a command barcode) is not asked again.
        asked = self._monitor.questions()
        self._waiting = [(job, text) for job, text in self._waiting if job in asked]
        if not self._waiting:
            return
        job_id, question = self._waiting.pop(0)
        dialog = LabelQuestionDialog(job_id, question, self._parent)
        dialog.answered.connect(self._on_dialog_answered)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.show()
        dialog.activateWindow()

    def _on_dialog_answered(self, job_id: str, printed: bool) -> None:
        self._answer(printed, job_id)
        self._monitor.answered(job_id)

    def _on_dialog_finished(self, _result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
        self._ask_next()
