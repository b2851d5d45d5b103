"""Run a blocking device check on a thread of its own; hear of it on the UI thread.

The station's `Worker` runs engine calls one after the other; device checks
are different: a scan test may wait 20 s for someone to scan, and must not
hold up a printer test or a discovery. So each check gets its own short-lived
thread, and its progress and result come back as queued signals. The check
itself never touches a widget.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, SignalInstance

log = logging.getLogger(__name__)
T = TypeVar("T")
Progress = Callable[[str], None]


class CheckRunner(QObject):
    """Starts checks and calls back on the UI thread; `idle` once none is running."""

    _progressed = Signal(object, str)  # on_progress, text
    _finished = Signal(object, object)  # on_done, result
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running = 0
        self._progressed.connect(self._on_progressed)
        self._finished.connect(self._on_finished)

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

        def progress(text: str) -> None:
            if on_progress is not None:
                self._emit("_progressed", on_progress, text)

        def run() -> None:
            try:
                result: Any = work(progress)
                callback: Callable[[Any], None] = on_done
            except Exception as exc:
                log.exception("device check failed")
                name = type(exc).__name__
                result = f"The check failed unexpectedly ({name}: {exc}). Details are in the log."
                callback = on_failed
            self._emit("_finished", callback, result)

        self._running += 1
        threading.Thread(target=run, name="device check", daemon=True).start()

    def _emit(self, signal_name: str, *args: object) -> None:
        try:
            signal: SignalInstance = getattr(self, signal_name)
            signal.emit(*args)
        except RuntimeError:  # the dialog is gone (the window closed): nobody to tell
            log.debug("device check outlived its dialog; %r dropped", args)

    def _on_progressed(self, on_progress: Progress, text: str) -> None:
        on_progress(text)

    def _on_finished(self, callback: Callable[[Any], None], result: Any) -> None:
        self._running -= 1
        try:
            callback(result)
        finally:
            if self._running == 0:
                self.idle.emit()
