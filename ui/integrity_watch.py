"""The whole-file check of a large store, after the start, told on the screen if it fails.

The start reads a large store only briefly (station.integrity); the rest of
the check runs on a thread, and damage found there reaches the banner through
this queued signal, on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from station.integrity import check_in_background
from ui.thread_relay import signal_relay


class IntegrityWatch(QObject):
    damage_found = Signal(str)  # the message: what is damaged and the way back

    def __init__(self, show: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.damage_found.connect(show)

    def start(self, db_file: Path) -> None:
        # The relay, not the bare emit: the window may close while the check runs, and
        # an emit on a deleted object would raise on the thread (a crash report at exit).
        check_in_background(db_file, signal_relay(self.damage_found))
