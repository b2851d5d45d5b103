"""The packer is asked about a label that may have printed, and answers with a key."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from station.print_jobs import JobStatus, record_attempt
from station.print_outcomes import LabelOutcome, LabelQuestion, doubt_of
from tests.helpers.factory import TAPE_EAN, Bench
from tests.helpers.printing import attempts
from tests.helpers.sounds import RecordingSoundPlayer
from tests.helpers.wedge import FakeClock
from ui.app import build_main_window
from ui.label_monitor import LabelMonitor
from ui.label_question import LabelQuestions


def in_doubt(job_id: str, tracking: str) -> LabelOutcome:
    return doubt_of(LabelQuestion(job_id, tracking, "label"))


def asker(qtbot: QtBot) -> tuple[LabelMonitor, LabelQuestions, list[tuple[bool, str]]]:
    window = QWidget()
    qtbot.addWidget(window)
    monitor = LabelMonitor(window)
    answers: list[tuple[bool, str]] = []
    questions = LabelQuestions(window, monitor, lambda printed, job: answers.append((printed, job)))
    return monitor, questions, answers


def test_each_question_is_asked_once_oldest_first_and_answered_by_number_keys(
    qtbot: QtBot,
) -> None:
    monitor, questions, answers = asker(qtbot)
    with qtbot.waitSignal(monitor.status_changed) as status:
        monitor.report(in_doubt("job-1", "1ZAAA"))
    assert status.args == ["⚠ Printer: 1 label(s) to check", False]
    monitor.report(in_doubt("job-2", "1ZBBB"))
    monitor.report(in_doubt("job-1", "1ZAAA"))  # heard again after a restart: asked once

    first = questions.dialog
    assert first is not None and first.question.text() == "Did label 1ZAAA print?"
    qtbot.keyClick(first, Qt.Key.Key_1)
    assert answers == [(True, "job-1")]

    second = questions.dialog
    assert second is not None and second is not first
    assert second.question.text() == "Did label 1ZBBB print?"
    with qtbot.waitSignal(monitor.status_changed) as status:
        qtbot.keyClick(second, Qt.Key.Key_2)
    assert answers == [(True, "job-1"), (False, "job-2")]
    assert status.args == ["Printer OK", True]
    assert questions.dialog is None and monitor.questions() == {}


def test_the_big_buttons_answer_too_and_escape_does_not_dismiss_the_question(
    qtbot: QtBot,
) -> None:
    monitor, questions, answers = asker(qtbot)
    monitor.report(in_doubt("job-3", "1ZCCC"))
    dialog = questions.dialog
    assert dialog is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert questions.dialog is dialog and dialog.isVisible()
    qtbot.mouseClick(dialog.reprint, Qt.MouseButton.LeftButton)
    assert answers == [(False, "job-3")]
    assert questions.dialog is None


def test_a_question_answered_elsewhere_is_not_asked(qtbot: QtBot) -> None:
    monitor, questions, answers = asker(qtbot)
    monitor.report(in_doubt("job-4", "1ZDDD"))
    monitor.report(in_doubt("job-5", "1ZEEE"))
    # job-5 confirmed by a command barcode while job-4's dialog is open
    monitor.report(LabelOutcome("job-5", "1ZEEE", "confirmed by the packer"))
    dialog = questions.dialog
    assert dialog is not None
    qtbot.keyClick(dialog, Qt.Key.Key_1)
    assert answers == [(True, "job-4")]
    assert questions.dialog is None


def test_at_start_the_window_asks_about_a_label_that_may_have_printed(
    qtbot: QtBot, bench: Bench, sounds: RecordingSoundPlayer, clock: FakeClock
) -> None:
    first = bench.session()
    try:
        first.handle_scan("BADGE-P1")
        first.handle_scan("SO-3")
        job_id = first.handle_scan(TAPE_EAN).job_id
        assert job_id is not None and first.wait_for_printer(10)
        # As a start after a crash mid-send leaves it with a printer that cannot tell:
        record_attempt(bench.store, "bench-1", first.sequence, job_id, JobStatus.IN_DOUBT)
    finally:
        first.close()
    session = bench.session()
    try:
        window = build_main_window(session, bench.settings, sounds, clock=clock)
        qtbot.addWidget(window)
        window.show()
        window.start()
        qtbot.waitUntil(lambda: window.label_questions.dialog is not None)
        dialog = window.label_questions.dialog
        assert dialog is not None
        assert dialog.question.text() == "Did label 1Z999AA10123456784 print?"
        qtbot.keyClick(dialog, Qt.Key.Key_2)
        qtbot.waitUntil(lambda: attempts(bench.store, job_id)[-1:] == ["delivered"])
    finally:
        session.close()
    assert attempts(bench.store, job_id)[-4:] == ["in_doubt", "reprint", "sending", "delivered"]
    assert window.label_questions.dialog is None
