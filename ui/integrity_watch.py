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


class IntegrityWatch(QObject):
    damage_found = Signal(str)  # the message: what is damaged and the way back

    def __init__(self, show: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.damage_found.connect(show)

    def start(self, db_file: Path) -> None:
        check_in_background(db_file, self.damage_found.emit)
