"""The suite's own check that no test leaves a thread running (tests/conftest.py)."""

from __future__ import annotations

import threading

from tests.helpers.threads import left_running, still_running


def wait_for(event: threading.Event) -> None:
    event.wait()


def test_threads_left_running_are_ours_and_foreign_non_daemon_ones() -> None:
    before = set(threading.enumerate())
    stop = threading.Event()
    ours = threading.Thread(target=wait_for, args=(stop,), name="ours", daemon=True)
    foreign_daemon = threading.Thread(target=stop.wait, name="a library's", daemon=True)
    foreign = threading.Thread(target=stop.wait, name="holds the exit", daemon=False)
    for thread in (ours, foreign_daemon, foreign):
        thread.start()
    try:
        assert set(left_running(before)) == {ours, foreign}
        assert still_running([ours], grace_s=0.05) == [ours]
    finally:
        stop.set()
    assert still_running([ours, foreign], grace_s=5.0) == []
    assert left_running(before) == []  # ended threads are not reported
