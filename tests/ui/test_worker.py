"""The one background worker: in order, off the UI thread, answers on it."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import QCoreApplication, QObject
from pytestqt.qtbot import QtBot

from tests.helpers.cli import ROOT
from ui.worker import Worker


def test_jobs_run_in_order_on_one_background_thread(qtbot: QtBot) -> None:
    worker = Worker()
    ran_on: list[str] = []
    answered_on: list[str] = []
    results: list[int] = []

    def job(n: int) -> int:
        ran_on.append(threading.current_thread().name)
        return n * 10

    def done(result: int) -> None:
        answered_on.append(threading.current_thread().name)
        results.append(result)

    with qtbot.waitSignal(worker.busy_changed) as busy:
        for n in range(20):
            worker.run(lambda n=n: job(n), done)  # type: ignore[misc]
    assert busy.args == [True]
    qtbot.waitUntil(lambda: len(results) == 20)
    assert results == [n * 10 for n in range(20)]
    assert len(set(ran_on)) == 1 and ran_on[0] != threading.main_thread().name
    assert set(answered_on) == {threading.main_thread().name}
    assert worker.pending == 0
    worker.shutdown()


def test_a_failing_job_reaches_its_error_callback_and_the_next_job_runs(qtbot: QtBot) -> None:
    worker = Worker()
    errors: list[BaseException] = []
    results: list[str] = []

    def fail() -> str:
        raise OSError("disk gone")

    worker.run(fail, results.append, errors.append)
    worker.run(lambda: "next", results.append, errors.append)
    with qtbot.waitSignal(worker.busy_changed) as idle:
        pass
    assert idle.args == [False]
    assert [str(e) for e in errors] == ["disk gone"]
    assert results == ["next"]
    worker.shutdown()


def test_work_dropped_at_shutdown_is_never_answered(qtbot: QtBot) -> None:
    worker = Worker(name="pictures")
    gate = threading.Event()
    ran: list[int] = []
    answered: list[int] = []

    def job(n: int) -> int:
        gate.wait(10)
        ran.append(n)
        return n

    for n in range(3):
        worker.run(lambda n=n: job(n), answered.append)  # type: ignore[misc]
    worker.shutdown(drop_queued=True)  # the window closed: nobody looks at these
    gate.set()
    worker.run(lambda: job(9), answered.append)  # too late: refused
    qtbot.waitUntil(lambda: not worker._thread.is_alive())
    QCoreApplication.processEvents()  # an answer posted before the thread ended arrives now
    assert ran in ([], [0]), "queued jobs were dropped; at most the one under way ran"
    assert answered == []


def test_a_daemon_worker_waiting_on_a_person_does_not_hold_up_the_exit() -> None:
    program = (
        "import threading\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from ui.worker import Worker\n"
        "app = QCoreApplication([])\n"
        "worker = Worker(name='scan test', daemon=True)\n"
        "worker.run(threading.Event().wait, print)\n"  # waits for a scan that never comes
        "worker.shutdown(wait=False)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0


class Widgetlike:
    """Stands for a dialog a job holds: records the thread that frees it."""

    def __init__(self, freed_on: list[str]) -> None:
        self.freed_on = freed_on

    def __del__(self) -> None:
        self.freed_on.append(threading.current_thread().name)


def holding_job(
    held: Widgetlike, fails: bool, answers: list[object]
) -> tuple[Callable[[], object], Callable[[object], None], Callable[[BaseException], None]]:
    """A job and its callbacks that all hold `held`, as a dialog's do."""

    def job() -> Widgetlike:
        if fails:
            raise ValueError(held)  # its frame, in the traceback, holds `held` too
        return held

    return job, lambda _r: answers.append(held), lambda _e: answers.append(held)


@pytest.mark.parametrize("fails", [False, True], ids=["answer", "exception"])
def test_what_a_job_holds_is_let_go_on_the_ui_thread(qtbot: QtBot, fails: bool) -> None:
    # A dialog freed on the worker thread is deleted there while the UI thread
    # may be painting it: the segfault once seen after the bulk print test.
    freed_on: list[str] = []
    answers: list[object] = []
    worker = Worker(name="job-thread")
    worker.run(*holding_job(Widgetlike(freed_on), fails, answers))
    qtbot.waitUntil(lambda: len(answers) == 1)
    answers.clear()  # the thread now waits for its next job, the answer handed over
    worker.shutdown()  # wakes it

    assert freed_on == [threading.main_thread().name]


def test_a_worker_deleted_with_its_window_mid_job_lets_go_of_its_callbacks_on_the_ui_thread(
    qtbot: QtBot,
) -> None:
    freed_on: list[str] = []
    answers: list[object] = []
    release = threading.Event()
    window = QObject()
    worker = Worker(window, name="job-thread")
    _job, on_done, on_failed = holding_job(Widgetlike(freed_on), False, answers)
    worker.run(release.wait, on_done, on_failed)
    del _job, on_done, on_failed
    thread = next(t for t in threading.enumerate() if t.name == "job-thread")

    worker.shutdown(wait=False)  # as a closing window does
    del window, worker  # the window goes mid-job: Qt deletes its worker with it
    release.set()
    thread.join()

    assert freed_on == [threading.main_thread().name]
    assert answers == [], "nobody is left to answer"
