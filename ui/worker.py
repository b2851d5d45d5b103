"""One background thread for all engine and database work (after Anki's operations).

`Worker.run(fn, on_done, on_failed)` queues `fn` on the single worker thread;
jobs run one at a time in the order they were queued, and `on_done(result)`
or `on_failed(exc)` is called later on the UI thread. The job itself must
never touch a widget.

This is the ui's one way to work off the UI thread. The station's engine has
its worker (ui.controller); slow helpers that must never delay a verdict (the
label preview, product pictures, printer status queries) each own a worker of
their own, named after what it does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class _Job(Generic[T]):
    fn: Callable[[], T]
    on_done: Callable[[T], None]
    on_failed: Callable[[BaseException], None] | None


class Worker(QObject):
    """Run callables on one background thread, answer on the UI thread."""

    # Emitted from the worker thread; Qt queues it to this object's (UI) thread.
    _job_finished = Signal(object, object, object)  # job, result, exception or None
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, name: str = "station-worker") -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._pending = 0
        self._closed = False
        self._dropping = False
        self._job_finished.connect(self._on_job_finished)

    @property
    def pending(self) -> int:
        """Jobs queued or running whose answer has not been delivered yet."""
        return self._pending

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
        job = _Job(fn, on_done, on_failed)
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._executor.submit(self._execute, job)

    @property
    def closed(self) -> bool:
        return self._closed

    def shutdown(self, *, drop_queued: bool = False) -> None:
        """Stop the thread: finish the queued jobs (at exit: waits for commits).

        With `drop_queued` (work nobody will look at, such as a picture for a
        closed window) queued jobs are dropped and the job under way is not
        waited for; its answer, if it comes, is not delivered.
        """
        self._closed = True
        self._dropping = drop_queued
        self._executor.shutdown(wait=not drop_queued, cancel_futures=drop_queued)

    def _execute(self, job: _Job[Any]) -> None:
        try:
            result = job.fn()
        except BaseException as exc:  # handed to the UI thread, never lost
            self._deliver(job, None, exc)
        else:
            self._deliver(job, result, None)

    def _deliver(self, job: _Job[Any], result: Any, exc: BaseException | None) -> None:
        try:
            self._job_finished.emit(job, result, exc)
        except RuntimeError:  # this object is gone (its window closed): nobody to answer
            log.debug("worker gone; answer to %r dropped", job.fn)

    def _on_job_finished(self, job: _Job[Any], result: Any, exc: BaseException | None) -> None:
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
