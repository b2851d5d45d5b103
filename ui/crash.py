"""Bugs reach the packer as a crash box (and the log), and the station keeps running."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

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


def install_excepthook(parent: QWidget) -> None:
    """Exceptions escaping a Qt slot are bugs: log them and show the crash box."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("unhandled exception", exc_info=(kind, exc, tb))
        show_crash_box(parent, "".join(traceback.format_exception(kind, exc, tb)))

    sys.excepthook = hook
