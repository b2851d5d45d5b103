"""The dashboard's worker, which outlives its window until its thread has ended.

At the bench the window is deleted when it closes (each F9 a fresh one), and
a refresh over the central database may still be reading then. A worker owned
by the window would be destroyed with it while its thread is still running and
about to hand back its answer: a signal emitted on a half-destroyed object is
a crash of the whole bench. Waiting for the read at close would freeze the
bench's screen for as long as the query takes instead. So at close the worker
leaves the window: it stops answering (nobody is there to show the figures),
finishes what is queued (a release or cancel already decided still runs), and
is deleted on the UI thread only after its last answer has come back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject

from ui.worker import Worker, delete_once_ended

T = TypeVar("T")
log = logging.getLogger(__name__)

# Retired workers still running: held here, not by a window that may be gone.
_RETIRED: set[WindowWorker] = set()


class WindowWorker(Worker):
    """A `Worker` whose answers go to its window only while the window is open."""

    def __init__(self, window: QObject, name: str) -> None:
        super().__init__(window, name=name)
        self._window_open = True

    @property
    def window_open(self) -> bool:
        return self._window_open

    def run(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        def done(result: T) -> None:
            if self._window_open:
                on_done(result)

        def failed(exc: BaseException) -> None:
            if not self._window_open:
                return
            if on_failed is not None:
                on_failed(exc)
            else:  # as the worker does with no handler: a bug, in the log
                log.error("background job failed", exc_info=exc)

        super().run(fn, done, failed)

    def retire(self) -> None:
        """The window closes: keep this worker alive, answerless, until its thread ends."""
        if self.closed:
            return
        self._window_open = False
        self.setParent(None)  # no longer destroyed with the window
        _RETIRED.add(self)
        # Queued last, so its answer is the last to come back: nothing more is
        # emitted on this object after it; it is deleted on the UI thread once its
        # thread has ended.
        super().run(lambda: None, lambda _none: self._release())
        self.shutdown(wait=False)

    def _release(self) -> None:
        _RETIRED.discard(self)
        delete_once_ended(self)


def retired_workers() -> int:
    """Workers of closed windows still finishing their reads (for tests)."""
    return len(_RETIRED)
