"""What a label errand scanned at the bench does, once its verdict is stored.

The errand barcodes (station.settings.Commands) do what the bench's buttons
do: reprint, slip, void, bulk print, the dashboard, and the answers to the
"did label N print?" question (ui.label_question).
"""

from __future__ import annotations

from collections.abc import Callable

from station.barcodes import parse_scan
from station.verdicts import Verdict
from ui.bench_dialogs import BenchDialogs
from ui.controller import StationController
from ui.label_question import LabelQuestions


class ErrandScans:
    """Does the errand of an ERRAND verdict (`run`); `open_dashboard` is F9's."""

    def __init__(
        self,
        controller: StationController,
        dialogs: BenchDialogs,
        label_questions: LabelQuestions,
        open_dashboard: Callable[[], None],
    ) -> None:
        self._controller = controller
        self._dialogs = dialogs
        self._label_questions = label_questions
        self._open_dashboard = open_dashboard

    def run(self, verdict: Verdict) -> None:
        """A label errand scanned at the bench, stored with its verdict: do it now."""
        commands = self._controller.session.settings.commands
        errand = parse_scan(verdict.scan).text
        if errand == commands.reprint:
            self._controller.reprint_label(f"asked by scanning {errand}")
        elif errand == commands.slip:
            self._controller.print_slip()
        elif errand == commands.void:
            self._dialogs.open_void()
        elif errand == commands.bulk:
            self._dialogs.open_bulk_print(verdict.order)
        elif errand == commands.dashboard:
            self._open_dashboard()
        elif errand in (commands.label_printed, commands.label_reprint):
            self._answer_label_question(errand == commands.label_printed)

    def _answer_label_question(self, printed: bool) -> None:
        # The question on screen is answered as if its button were touched; with
        # none shown yet, the oldest one waiting is.
        question = self._label_questions.dialog
        if question is None:
            self._controller.answer_label(printed)
        else:
            (question.printed if printed else question.reprint).click()
