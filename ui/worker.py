"""One background thread for all engine and database work (after Anki's operations).

`Worker.run(fn, on_done, on_failed)` queues `fn` on the single worker thread;
jobs run one at a time in the order they were queued, and `on_done(result)`
or `on_failed(exc)` is called later on the UI thread. The job itself must
never touch a widget.

This is the ui's one way to work off the UI thread. The station's engine has
its worker (ui.controller); slow helpers that must never delay a verdict (the
label preview, product pictures, printer status queries) each own a worker,
named after what it does, and a device check that waits for a person gets a
`daemon` worker of its own (ui.check_runner).
"""

from __future__ import annotations

import logging
import queue
import threading
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance
from shiboken6 import isValid

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class _Job(Generic[T]):
    fn: Callable[[], T]
    on_done: Callable[[T], None]
    on_failed: Callable[[BaseException], None] | None


class Worker(QObject):
    """Run callables on one background thread, answer on the UI thread.

    The thread starts with the first job. A `daemon` worker never holds up
    the program's exit (for work that may wait long on a person or a device
    and has nothing to save); the others finish their queue at `shutdown`.
    """

    # Emitted from the worker thread; Qt queues it to this object's (UI) thread.
    _job_finished = Signal()  # an answer is in _answers
    busy_changed = Signal(bool)

    def __init__(
        self, parent: QObject | None = None, name: str = "station-worker", *, daemon: bool = False
    ) -> None:
        super().__init__(parent)
        # The thread sees only each job's callable; the job itself, with the
        # callbacks, stays here on the UI thread (see _run_jobs).
        self._jobs: queue.SimpleQueue[Callable[[], Any] | None] = queue.SimpleQueue()
        self._waiting: deque[_Job[Any]] = deque()
        self._answers: queue.SimpleQueue[tuple[Any, BaseException | None]] = queue.SimpleQueue()
        # The thread holds neither this worker nor its jobs (see _run_jobs).
        self._thread = threading.Thread(
            target=_run_jobs,
            args=(self._jobs, self._answers, self._job_finished),
            name=name,
            daemon=daemon,
        )
        self._pending = 0
        self._closed = False
        self._dropping = False
        self._job_finished.connect(self._on_job_finished)

    @property
    def pending(self) -> int:
        """Jobs queued or running whose answer has not been delivered yet."""
        return self._pending

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def thread_running(self) -> bool:
        """Whether its thread still runs (it may still be handing back an answer)."""
        return self._thread.is_alive()

    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Queue `fn`; its result (or exception) comes back on the UI thread."""
        if self._closed:
            log.warning("worker is shut down; job %r dropped", fn)
            return
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._waiting.append(_Job(fn, on_done, on_failed))
        self._jobs.put(fn)
        if not self._thread.is_alive():
            self._thread.start()

    def shutdown(self, *, drop_queued: bool = False, wait: bool = True) -> None:
        """Stop the thread once the queued jobs are done (at exit: waits for commits).

        With `drop_queued` (work nobody will look at, such as a picture for a
        closed window) queued jobs are dropped and no answer is delivered any
        more. With `wait=False` the caller does not wait for the job under way.
        """
        if self._closed:
            return
        self._closed = True
        self._dropping = drop_queued
        if drop_queued:
            wait = False
            while True:
                try:
                    self._jobs.get_nowait()
                except queue.Empty:
                    break
                self._waiting.pop()  # the newest: the one under way stays first
        self._jobs.put(None)  # after the last job
        if wait and self._thread.is_alive():
            self._thread.join()

    def _on_job_finished(self) -> None:
        job = self._waiting.popleft()
        result, exc = self._answers.get_nowait()
        self._pending -= 1
        try:
            if self._dropping:
                return
            if exc is None:
                job.on_done(result)
            elif job.on_failed is not None:
                job.on_failed(exc)
            else:
                log.error("background job failed", exc_info=exc)
        finally:
            if self._pending == 0:
                self.busy_changed.emit(False)


def _run_jobs(
    jobs: queue.SimpleQueue[Callable[[], Any] | None],
    answers: queue.SimpleQueue[tuple[Any, BaseException | None]],
    finished: SignalInstance,
) -> None:
    """The worker thread: run each job, hand its answer over, until None comes.

    The thread must never drop the last reference to what a job holds: a widget
    (a dialog's bound callback, a lambda over `self`) freed here is deleted on
    this thread while the UI thread may be painting it, a segfault. So it holds
    only the queues and the signal (which keeps no object alive): the jobs and
    their callbacks stay with the Worker on the UI thread, and the callable, the
    answer and any traceback's frames are let go before the answer is signalled.
    """
    while (fn := jobs.get()) is not None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = fn()
        except BaseException as exc:  # handed to the UI thread, never lost
            _clear_frames(exc)
            error = exc
        del fn
        answers.put((result, error))
        del result, error
        try:
            finished.emit()
        except RuntimeError:  # the worker is gone (its window closed): nobody to answer
            log.debug("worker gone; an answer dropped")


def _clear_frames(exc: BaseException) -> None:
    """Let go of the locals in the frames of `exc` and of the exceptions chained to it."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        error = pending.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        traceback.clear_frames(error.__traceback__)
        pending += [error.__cause__, error.__context__]


def delete_once_ended(worker: Worker) -> None:
    """Delete a shut-down worker on the UI thread, once its thread has ended.

    Its last answer can arrive while its thread is still returning from handing
    it over: deleted then, the object would go from under that thread (a crash).
    """
    if not isValid(worker):  # its parent deleted it meanwhile
        return
    if worker.thread_running:
        QTimer.singleShot(10, lambda: delete_once_ended(worker))
        return
    worker.deleteLater()
