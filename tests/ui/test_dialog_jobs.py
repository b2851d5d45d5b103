"""A dialog's background job outliving the dialog (closed during a printer check)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from ui.dialogs import background_jobs_running, run_in_background

TIMEOUT_S = 10


def test_a_dialog_deleted_while_its_job_runs_gets_no_answer_and_nothing_crashes(
    qtbot: QtBot,
) -> None:
    answers: list[object] = []
    for _ in range(3):
        gate, started = threading.Event(), threading.Event()

        def job(gate: threading.Event = gate, started: threading.Event = started) -> str:
            started.set()
            assert gate.wait(TIMEOUT_S)
            return "printer answered"

        dialog = QDialog()
        run_in_background(dialog, "test-job", job, answers.append, answers.append)
        assert started.wait(TIMEOUT_S)
        dialog.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert not isValid(dialog)
        gate.set()  # the job answers a dialog that is gone
        qtbot.waitUntil(lambda: background_jobs_running() == 0, timeout=TIMEOUT_S * 1000)

    assert answers == []


def test_dialogs_deleted_just_as_their_jobs_answer_do_not_crash_the_bench(qtbot: QtBot) -> None:
    # A worker owned by its dialog was destroyed under its thread as it handed back
    # the answer: this crashed the process (segfault) within 200 dialogs, every run.
    answered: list[int] = []
    for number in range(300):
        dialog = QDialog()
        run_in_background(dialog, "test-job", lambda n=number: n, answered.append, print)
        for _ in range(number % 5):  # the answer arrives before, during or after
            QCoreApplication.processEvents()
        dialog.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    qtbot.waitUntil(lambda: background_jobs_running() == 0, timeout=TIMEOUT_S * 1000)
    assert len(answered) == len(set(answered))  # each answer at most once


def test_a_dialog_still_open_gets_its_answer(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    answers: list[object] = []

    run_in_background(dialog, "test-job", lambda: 42, answers.append, answers.append)

    qtbot.waitUntil(lambda: answers == [42], timeout=TIMEOUT_S * 1000)
    qtbot.waitUntil(lambda: background_jobs_running() == 0, timeout=TIMEOUT_S * 1000)
