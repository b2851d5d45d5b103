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
from types import SimpleNamespace
from typing import Any, ClassVar, cast

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, SignalInstance
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from station import evidence_storage
from station.handoff import decide_worker
from station.handoff.engine import LoadingSession
from station.handoff.manifest_data import PdfRenderer
from station.print_outcomes import LabelOutcome
from station.session import PackSession
from station.settings import CameraSettings
from station.store import Store
from station.supervisor_auth import Action
from station.verdicts import StationView
from ui import dialogs, supervisor_gate, thumbnails
from ui.camera_storage import EvidenceKeeper
from ui.check_runner import CheckRunner, Progress
from ui.controller import _LabelRelay
from ui.label_preview import LabelPreview
from ui.loading.controller import LoadingController
from ui.status_bar import DeviceStatusBar
from ui.supervisor_gate import SupervisorGate
from ui.thumbnails import ThumbnailCache
from ui.worker import Worker

Closer = Callable[[], None]


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


class Window:
    """Stands for what a void's `then` holds: the main window's bound method."""


def test_a_window_closed_during_a_supervisor_check_is_not_freed_by_the_check_s_thread(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    checking, answer = threading.Event(), threading.Event()

    def authorize(*_args: object, **_kwargs: object) -> object:
        checking.set()
        answer.wait()  # the PIN's scrypt, still running when the window closes
        return object()

    monkeypatch.setattr(supervisor_gate, "authorize", authorize)
    session = SimpleNamespace(
        settings=SimpleNamespace(supervisor_pin=True), store=None, station="bench-1"
    )
    parent = QWidget()
    gate = SupervisorGate(parent, cast(PackSession, session), lambda _text: None)
    held = Window()
    held_freed_on = freed_on(held)
    supervisor = SimpleNamespace(packer_role="supervisor", packer_badge="BADGE-S1")

    def void(_who: object, _window: Window = held) -> None:  # the window's bound method
        pass

    gate.ask(Action.VOID_LABEL, cast(StationView, supervisor), void)
    del void
    assert checking.wait(10), "the check did not start"
    (thread,) = [each for each in threading.enumerate() if each.name == "supervisor-gate"]

    gate.close()  # the window closes, and goes, while the check runs
    del gate, held
    shiboken6.delete(parent)
    answer.set()
    thread.join()
    # Python's cycle collector runs on whichever thread allocates when it is due: a
    # check's answer left in a garbage cycle would be freed on a device's thread.
    collector = threading.Thread(target=gc.collect, name="device-thread")
    collector.start()
    collector.join()
    qtbot.waitUntil(lambda: bool(held_freed_on))

    assert held_freed_on == [threading.main_thread().name]


Block = Callable[..., None]


def sweeping_evidence(window: QWidget, block: Block, monkeypatch: pytest.MonkeyPatch) -> Closer:
    """The evidence keeper hashing a crash's long video; its stop."""
    monkeypatch.setattr(evidence_storage, "record_unhashed", block)
    store = cast(Store, SimpleNamespace(path=Path("station.db")))
    status = DeviceStatusBar(window)
    keeper = EvidenceKeeper(store, "bench-1", CameraSettings(), status, lambda _path: False)
    keeper.start()
    return keeper.stop


def reading_a_picture(window: QWidget, block: Block, monkeypatch: pytest.MonkeyPatch) -> Closer:
    """Product pictures, one still read from a slow network share; their shutdown."""
    monkeypatch.setattr(thumbnails, "_read", block)
    pictures = ThumbnailCache(parent=window)
    pictures.get("mug.png")
    return pictures.shutdown


def drawing_a_label(window: QWidget, block: Block, _monkeypatch: pytest.MonkeyPatch) -> Closer:
    """The label preview reading its label; its shutdown."""
    preview = LabelPreview(block, window)
    preview.show_job("job-1")
    return preview.shutdown


@pytest.mark.parametrize(
    "busy", [sweeping_evidence, reading_a_picture, drawing_a_label], ids=lambda busy: busy.__name__
)
def test_a_window_closed_while_a_job_runs_does_not_delete_the_worker_under_its_thread(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, busy: Callable[..., Closer]
) -> None:
    # PySide lets go of the GIL while a signal is emitted: a worker deleted with its
    # window as its thread hands back an answer is deleted in the middle of it.
    running, release = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []

    def block(*_args: object, **_kwargs: object) -> None:
        threads.append(threading.current_thread())
        running.set()
        release.wait()

    window = QWidget()
    close = busy(window, block, monkeypatch)
    assert running.wait(10), "the job did not start"
    worker = window.findChild(Worker)
    assert worker is not None
    deleted_while_running: list[bool] = []
    worker.destroyed.connect(lambda: deleted_while_running.append(threads[0].is_alive()))
    del worker

    close()  # the window closes, and goes, while the job runs
    shiboken6.delete(window)
    release.set()
    threads[0].join()
    qtbot.waitUntil(lambda: bool(deleted_while_running))

    assert deleted_while_running == [False]


def test_a_window_closed_during_a_device_check_does_not_delete_its_worker_under_its_thread(
    qtbot: QtBot,
) -> None:
    running, release = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []

    def scan_test(_progress: Progress) -> str:  # waiting for someone to scan
        threads.append(threading.current_thread())
        running.set()
        release.wait()
        return "scanned"

    window = QWidget()
    answers: list[object] = []
    CheckRunner(window).start(scan_test, answers.append, answers.append)
    assert running.wait(10), "the check did not start"
    (worker,) = dialogs._RUNNING
    deleted_while_running: list[bool] = []
    worker.destroyed.connect(lambda: deleted_while_running.append(threads[0].is_alive()))
    del worker

    shiboken6.delete(window)  # the window closes, and goes, with the Devices dialog open
    release.set()
    threads[0].join()
    qtbot.waitUntil(lambda: bool(deleted_while_running))

    assert deleted_while_running == [False]
    assert answers == []  # nobody left to tell


class EmitUnderWay:
    """Stands for the controller's label signal, its emit under way on the print thread."""

    def __init__(self, closed: threading.Event) -> None:
        self.emitting, self.finish = threading.Event(), threading.Event()
        self.closed = closed
        self.emitted: list[object] = []
        self.closed_before_it_ended: list[bool] = []

    def emit(self, outcome: object) -> None:
        self.emitting.set()
        self.finish.wait()
        self.emitted.append(outcome)
        self.closed_before_it_ended.append(self.closed.is_set())


class TellingLock:
    """The relay's lock, telling when a second thread asks for it."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.asked = threading.Event()
        self.asks = 0

    def __enter__(self) -> None:
        self.asks += 1
        if self.asks > 1:
            self.asked.set()
        self.lock.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.lock.release()


def lock_asked_or_closed(lock: TellingLock, closed: threading.Event) -> bool:
    """Wait until the closing thread asked for the lock or, not asking, closed."""
    return any(lock.asked.wait(0.01) or closed.is_set() for _ in range(1000))


def test_a_controller_shut_down_waits_for_the_label_outcome_being_relayed_then_relays_none() -> (
    None
):
    # The window is deleted once its controller is shut down: an emit from the print
    # thread still under way then would be on a deleted object.
    closed = threading.Event()
    signal = EmitUnderWay(closed)
    relay = _LabelRelay(cast(SignalInstance, signal))
    lock = TellingLock()
    relay._lock = lock  # type: ignore[assignment]
    printer = threading.Thread(target=relay, args=("printed",), name="print-thread")
    printer.start()
    assert signal.emitting.wait(10), "the outcome was not relayed"

    def close() -> None:
        relay.close()
        closed.set()

    closer = threading.Thread(target=close, name="closing-window")
    closer.start()
    # Shut down meanwhile: close asks for the lock (or, not waiting, is done at once).
    assert lock_asked_or_closed(lock, closed)
    signal.finish.set()
    printer.join()
    closer.join()
    relay(cast(LabelOutcome, "printed later"))

    assert signal.closed_before_it_ended == [False], "close returned while the emit ran"
    assert signal.emitted == ["printed"]
