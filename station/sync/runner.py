"""Sync in the background: one exchange every `sync_interval_s`, on a thread of its own.

No Qt here: the window will bridge `on_status` into a signal for the status
bar. A scan never waits for this thread: the push only reads the store, and
the pull writes reference rows in one short transaction under the store's
write lock, like an import. Going offline is a status, never an error.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from station.central.connect import CentralError
from station.store import Store
from station.sync.exchange import sync_once

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkStatus:
    """What the status bar says about the central link."""

    online: bool
    waiting: int  # events not delivered yet, as far as the station knows
    conflicts: int = 0
    offline_since: datetime | None = None
    problem: str = ""  # a setting or login to fix (the link stays down until it is)

    def text(self) -> str:
        if self.problem:
            return f"Central: not connected ({self.problem})"
        if self.online:
            waiting = f", {self.waiting} waiting" if self.waiting else ""
            return f"Central: online{waiting}"
        since = self.offline_since.strftime("%H:%M") if self.offline_since else "?"
        return f"Central: offline since {since} UTC, {self.waiting} waiting"


StatusListener = Callable[[LinkStatus], None]


class SyncRunner:
    """Runs `sync_once` now and then; reports each change of the link's status once."""

    def __init__(
        self,
        url: str,
        store: Store,
        station: str,
        interval_s: float,
        on_status: StatusListener,
    ) -> None:
        self._url, self._store, self._station = url, store, station
        self._interval_s = interval_s
        self._on_status = on_status
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._last: LinkStatus | None = None
        self._offline_since: datetime | None = None
        self._thread = threading.Thread(target=self._loop, name="central-sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def sync_now(self) -> None:
        """Exchange at once (after a packed order, say) instead of at the next interval."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._report(self._exchange())
            self._wake.wait(self._interval_s)
            self._wake.clear()

    def _exchange(self) -> LinkStatus:
        try:
            summary = sync_once(self._url, self._store, self._station)
        except CentralError as exc:
            log.warning("central sync stopped: %s", exc)
            return LinkStatus(online=False, waiting=0, problem=str(exc))
        except Exception:
            # A bug must not end the thread: the bench keeps packing, the log tells.
            log.exception("central sync failed")
            return LinkStatus(online=False, waiting=0, problem="see the log")
        if summary.reached:
            self._offline_since = None
            return LinkStatus(True, summary.pending, summary.conflicts)
        self._offline_since = self._offline_since or datetime.now(UTC)
        return LinkStatus(False, summary.pending, offline_since=self._offline_since)

    def _report(self, status: LinkStatus) -> None:
        if status != self._last:
            self._last = status
            self._on_status(status)
