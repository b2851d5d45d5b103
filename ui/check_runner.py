"""Run a blocking device check on a worker of its own; hear of it on the UI thread.

The station's `Worker` runs engine calls one after the other; device checks
are different: a scan test may wait 20 s for someone to scan, and must not
hold up a printer test or a discovery. So each check gets its own short-lived
`daemon` worker (closing the window never waits for a person to scan), its
result comes back through the worker and its progress as a queued signal.
The check itself never touches a widget.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from ui.dialogs import run_in_background
from ui.thread_relay import signal_relay

log = logging.getLogger(__name__)
T = TypeVar("T")
Progress = Callable[[str], None]


class CheckRunner(QObject):
    """Starts checks and calls back on the UI thread; `idle` once none is running."""

    _progressed = Signal(int, str)  # check, text
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running = 0
        self._checks = itertools.count()
        self._listeners: dict[int, Progress] = {}  # check -> its on_progress, UI thread only
        self._progressed.connect(self._on_progressed)

    @property
    def running(self) -> int:
        return self._running

    def start(
        self,
        work: Callable[[Progress], T],
        on_done: Callable[[T], None],
        on_failed: Callable[[str], None],
        on_progress: Progress | None = None,
    ) -> None:
        """Run `work(progress)` on a new thread; then `on_done(result)` on the UI thread.

        An exception from `work` is a bug: it is logged with its traceback, and
        `on_failed` gets a line to show.
        """

        check = next(self._checks)
        if on_progress is not None:
            self._listeners[check] = on_progress
        relay = signal_relay(self._progressed)

        def progress(text: str) -> None:
            # The check's threads (a scanner's reader) hold this: it must hold neither
            # this runner nor the dialog's line, or a thread could free them.
            relay(check, text)

        def failed(exc: BaseException) -> None:
            log.error("device check failed", exc_info=exc)
            name = type(exc).__name__
            on_failed(f"The check failed unexpectedly ({name}: {exc}). Details are in the log.")

        self._running += 1
        # A worker of its own, held until its thread has ended and answering only while
        # this runner is there: the window closing during a scan test deletes the runner.
        run_in_background(
            self,
            "device check",
            lambda: work(progress),
            lambda result: self._finish(check, on_done, result),
            lambda exc: self._finish(check, failed, exc),
            daemon=True,  # a check waiting for a person never holds up the exit
        )

    def _on_progressed(self, check: int, text: str) -> None:
        on_progress = self._listeners.get(check)
        if on_progress is not None:  # a reader still closing after its check ended: dropped
            on_progress(text)

    def _finish(self, check: int, callback: Callable[[Any], None], result: Any) -> None:
        self._running -= 1
        self._listeners.pop(check, None)
        try:
            callback(result)
        finally:
            if self._running == 0:
                self.idle.emit()
