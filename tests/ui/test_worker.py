"""The one background worker: in order, off the UI thread, answers on it."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

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
