"""A label printed before its verdict is shown reaches the screen after the verdict."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from station.print_outcomes import LabelOutcome
from ui.label_monitor import LabelMonitor
from ui.label_report_hold import LabelReportHold


class FakeController(QObject):
    """The two signals and the count of inputs in flight that the hold reads."""

    label_reported = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self.pending = 0


def printed_jobs(monitor: LabelMonitor) -> list[str]:
    printed: list[str] = []
    monitor.label_printed.connect(lambda job, _where: printed.append(job))
    return printed


def test_a_label_reported_while_an_input_is_in_flight_waits_for_the_answer(
    qtbot: QtBot,
) -> None:
    controller, monitor, owner = FakeController(), LabelMonitor(), QObject()
    hold = LabelReportHold(controller, monitor, owner)  # type: ignore[arg-type]  # a fake
    printed = printed_jobs(monitor)
    controller.pending = 1  # the seal that printed it is not answered yet
    controller.label_reported.emit(LabelOutcome("job-1", "PS1", "/labels/1.pdf"))
    assert printed == [], "held: the banner has no verdict to put it on yet"
    controller.pending = 0
    with qtbot.waitSignal(monitor.label_printed):
        controller.busy_changed.emit(False)
    assert printed == ["job-1"]
    controller.busy_changed.emit(False)
    assert printed == ["job-1"], "given once"
    assert hold.parent() is owner


def test_a_label_reported_while_idle_is_shown_at_once(qtbot: QtBot) -> None:
    controller, monitor, owner = FakeController(), LabelMonitor(), QObject()
    LabelReportHold(controller, monitor, owner)  # type: ignore[arg-type]  # a fake
    printed = printed_jobs(monitor)
    with qtbot.waitSignal(monitor.label_printed):
        controller.label_reported.emit(LabelOutcome("job-2", "PS2", "/labels/2.pdf"))
    assert printed == ["job-2"]
