"""What the header and banner say about labels the printer refused."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from station.print_outcomes import LabelOutcome
from ui.label_monitor import LabelMonitor


def test_a_label_that_can_never_print_is_said_once_and_not_counted_as_waiting(
    qtbot: QtBot,
) -> None:
    monitor = LabelMonitor()
    monitor.expect("job-1", "SO-3")
    with qtbot.waitSignal(monitor.label_failed) as failed:
        monitor.report(LabelOutcome("job-1", "PS1", None, "address too long.", set_aside=True))
    assert "order SO-3" in failed.args[1]
    assert "fix the order, then reprint" in failed.args[1]
    assert monitor.waiting() == 0


def test_a_refused_label_waits_until_the_printer_takes_it(qtbot: QtBot) -> None:
    monitor = LabelMonitor()
    monitor.expect("job-2", "SO-4")
    monitor.report(LabelOutcome("job-2", "PS2", None, "out of paper."))
    assert monitor.waiting() == 1
    with qtbot.waitSignal(monitor.status_changed) as status:
        monitor.report(LabelOutcome("job-2", "PS2", "/labels/x.pdf"))
    assert status.args == ["Printer OK", True]
    assert monitor.waiting() == 0
