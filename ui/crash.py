"""Bugs reach the packer as a crash box (and the log), and the station keeps running."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from shiboken6 import isValid

log = logging.getLogger(__name__)

CRASH_TITLE = "PackStation: unexpected error"
CRASH_TEXT = (
    "Something went wrong inside PackStation. This is a bug, not your mistake.\n"
    "The last scan may not be counted: check the screen before carrying on, "
    "and tell your supervisor."
)


def show_crash_box(parent: QWidget | None, details: str) -> QMessageBox:
    """Open a non-blocking crash box with the traceback under "Show Details"."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(CRASH_TITLE)
    box.setText(CRASH_TEXT)
    box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()  # not exec(): the event loop, and the worker's answers, go on
    return box


class _CrashRelay(QObject):
    """Carries a crash on another thread to the UI thread, where the box can open."""

    crashed = Signal(str)  # the traceback; queued to the UI thread when emitted elsewhere


def install_excepthook(parent: QWidget) -> None:
    """Exceptions escaping a Qt slot or ending a thread are bugs: log them, show the crash box.

    A device thread (a scanner's reader, a camera's capture) ended by a bug would
    otherwise only print to stderr, which nobody at a bench reads.
    """
    relay = _CrashRelay(parent)
    relay.crashed.connect(lambda details: show_crash_box(parent, details))

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("unhandled exception", exc_info=(kind, exc, tb))
        show_crash_box(parent, "".join(traceback.format_exception(kind, exc, tb)))

    previous_thread_hook = threading.excepthook

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        if not isValid(relay):  # the window is gone (closing down): stderr as before
            previous_thread_hook(args)
            return
        name = args.thread.name if args.thread is not None else "a thread"
        exc_info = (args.exc_type, args.exc_value, args.exc_traceback)
        log.error("unhandled exception in thread %s", name, exc_info=exc_info)  # type: ignore[arg-type]
        details = "".join(
            traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)
        )
        with contextlib.suppress(RuntimeError):  # the window went after the check above
            relay.crashed.emit(f"In thread {name}:\n{details}")

    sys.excepthook = hook
    threading.excepthook = thread_hook
