"""No QObject is freed on a non-UI thread: threads are handed signals, never the object.

A QObject without a parent is freed where its last reference drops; freed on a
device or central thread, it is deleted there while the UI thread may be using it
(the crash ui/worker.py was fixed for). Each test records the thread that frees it.
"""

from __future__ import annotations

import gc
import threading
import weakref
from pathlib import Path
from typing import Any, ClassVar, cast

import pytest
from pytestqt.qtbot import QtBot

from station.handoff import decide_worker
from station.handoff.engine import LoadingSession
from station.handoff.manifest_data import PdfRenderer
from ui.loading.controller import LoadingController


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
