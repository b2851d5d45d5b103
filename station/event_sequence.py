"""The station's event numbering: one counter every writer of its events shares.

The session, the print thread, bulk runs and the dock all number the station's
events from it, so two threads never give out the same number.
"""

from __future__ import annotations

import threading


class SeqCounter:
    """The station's event sequence, shared by the session and the print thread."""

    def __init__(self, first: int) -> None:
        self._next = first
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            value = self._next
            self._next += 1
            return value
