"""Hands the print thread's label reports to the `LabelMonitor` once their verdicts are shown.

A label can print before its verdict is on screen (both come from other
threads): a report that arrives while inputs are in flight is held until the
controller is idle, so the banner has the verdict to put the label's state on.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from station.print_outcomes import LabelOutcome
from ui.controller import StationController
from ui.label_monitor import LabelMonitor


class LabelReportHold(QObject):
    """Passes `controller.label_reported` on to `labels`, held while inputs are pending.

    A QObject on the UI thread: the reports are emitted on the print thread,
    and a receiver here queues them to the UI thread.
    """

    def __init__(
        self, controller: StationController, labels: LabelMonitor, parent: QObject
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._labels = labels
        self._held: list[LabelOutcome] = []
        controller.label_reported.connect(self._on_controller_label_reported)
        controller.busy_changed.connect(self._on_controller_busy_changed)

    def _on_controller_label_reported(self, outcome: LabelOutcome) -> None:
        if self._controller.pending:
            self._held.append(outcome)
        else:
            self._labels.report(outcome)

    def _on_controller_busy_changed(self, busy: bool) -> None:
        if not busy:
            held, self._held = self._held, []
            for outcome in held:
                self._labels.report(outcome)
