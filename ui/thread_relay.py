"""Keeping QObjects off non-UI threads: what a thread is given to reach one (its signal,
never the object), and a worker that outlives its owner until its thread has ended.

A device, central or print thread that holds a bound method (or a closure over
`self`) keeps the QObject alive; if it drops the last reference, shiboken deletes
the object on that thread while the UI thread may be using it (a crash), and a
reference cycle through the thread's listener is collected on whatever thread the
garbage collector runs. A signal instance does not keep its object alive, and its
emit is queued to the object's (UI) thread; once the object is gone the emit is
dropped here instead of raising on the thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import SignalInstance

from ui.worker import Worker, delete_once_ended


def signal_relay(signal: SignalInstance) -> Callable[..., None]:
    """A callable for another thread that emits `signal` with its arguments, or nothing
    once the signal's object is deleted (the window closed while the thread ran on)."""

    def relay(*args: object) -> None:
        with contextlib.suppress(RuntimeError):  # "Signal source has been deleted"
            signal.emit(*args)

    return relay


def let_worker_finish(worker: Worker) -> None:
    """Shut `worker` down as its owner goes (the window closing) without waiting for the
    job under way: its answer is dropped, and the worker leaves its owner, which would
    delete it under its running thread (a crash as it hands back the answer, or what the
    job holds freed on that thread), to be deleted on the UI thread once it ended."""
    if worker.closed:
        return
    worker.shutdown(drop_queued=True)
    worker.setParent(None)
    delete_once_ended(worker)
