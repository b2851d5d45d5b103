"""No QObject is freed on a non-UI thread: threads are handed signals, never the object.

A QObject without a parent is freed where its last reference drops; freed on a
device or central thread, it is deleted there while the UI thread may be using it
(the crash ui/worker.py was fixed for). Each test records the thread that frees it.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, cast

import pytest
from PySide6.QtCore import QCoreApplication, QObject
from pytestqt.qtbot import QtBot

from station.handoff import decide_worker
from station.handoff.engine import LoadingSession
from station.handoff.manifest_data import PdfRenderer
from ui.check_runner import CheckRunner, Progress
from ui.loading.controller import LoadingController
from ui.worker import Worker


def freed_on(obj: object) -> list[str]:
    """The names of the threads `obj` is freed on, filled when it is."""
    threads: list[str] = []
    weakref.finalize(obj, lambda: threads.append(threading.current_thread().name))
    return threads


class ThreadedDecider:
    """Stands for LoadDecider: its thread holds the listener it was given until it ends."""

    made: ClassVar[list[ThreadedDecider]] = []

    def __init__(self, _url: str, _session: object) -> None:
        self.listener: Any = None
        self.go = threading.Event()
        self.thread = threading.Thread(target=self._run, name="central-loads")
        ThreadedDecider.made.append(self)

    def on_taken_off(self, listener: Any) -> None:
        self.listener = listener

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        listener, self.listener = self.listener, None  # from here only this thread holds it
        self.go.wait()
        listener(object())  # a parcel taken off, after the dock was let go


def test_the_decider_thread_never_frees_the_dock_controller(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decide_worker, "LoadDecider", ThreadedDecider)
    # Only its thread-facing side is used: no load is scanned here.
    controller = LoadingController(
        cast(LoadingSession, object()), tmp_path, cast(PdfRenderer, None)
    )
    threads = freed_on(controller)
    controller.use_central("postgresql://unused/central")
    decider = ThreadedDecider.made.pop()

    del controller  # the window let its dock go; the decider's thread runs on
    decider.go.set()
    decider.thread.join()
    gc.collect()

    assert threads == [threading.main_thread().name]


def no_worker_left(owner: QObject) -> Callable[[], bool]:
    return lambda: owner.findChild(Worker) is None


class Line:
    """Stands for the dialog's line a check shows its progress on."""


def test_a_device_check_s_threads_never_free_its_runner_or_the_line_it_reports_to(
    qtbot: QtBot,
) -> None:
    runner, line = CheckRunner(), Line()
    runner_freed_on, line_freed_on = freed_on(runner), freed_on(line)
    go = threading.Event()
    readers: list[threading.Thread] = []

    def work(progress: Progress) -> str:
        # As a scan test's scanner: its reader thread keeps the progress callback, and
        # still says something as it closes, after the check has answered.
        progress("Scan a barcode with it now…")

        def read(say: Progress = progress) -> None:
            go.wait()
            say("late")

        reader = threading.Thread(target=read, name="scanner-reader")
        reader.start()
        readers.append(reader)
        return "scanned"

    shown: list[str] = []
    answers: list[object] = []

    def show(text: str, _on: Line = line) -> None:  # a line's method holds the line
        shown.append(text)

    runner.start(work, answers.append, answers.append, show)
    del show
    qtbot.waitUntil(lambda: answers == ["scanned"])
    qtbot.waitUntil(no_worker_left(runner))  # deleted once its thread ended

    del runner, line  # the dialog closed; its scanner's reader runs on
    go.set()
    readers[0].join()
    QCoreApplication.processEvents()  # what the reader said late reaches nobody
    gc.collect()

    assert shown == ["Scan a barcode with it now…"]
    assert runner_freed_on == line_freed_on == [threading.main_thread().name]
