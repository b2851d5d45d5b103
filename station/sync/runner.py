"""Sync in the background: one exchange every `sync_interval_s`, on a thread of its own.

No Qt here. At a bench the runner lives in a process of its own
(`main.py sync --watch`, station/sync/watch.py), which prints each
`LinkStatus` as a JSON line for the window's status bar (ui/central_link.py):
a thread in the window's process measurably slowed its scans (GIL, see README).
The push only reads the store; the pull writes reference rows in short
transactions, like an import. Going offline is a status, never an error.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine

from station.central.connect import CentralError, central_engine
from station.store import Store
from station.sync.exchange import sync_once
from station.sync.link import LinkStatus

__all__ = ["LinkStatus", "SyncRunner"]

log = logging.getLogger(__name__)


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
        self._engine: Engine | None = None
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
        try:
            while not self._stopping.is_set():
                self._report(self._exchange())
                self._wake.wait(self._interval_s)
                self._wake.clear()
        finally:
            if self._engine is not None:
                self._engine.dispose()

    def _exchange(self) -> LinkStatus:
        try:
            if self._engine is None:  # one login kept between exchanges, not one each
                self._engine = central_engine(self._url)
            summary = sync_once(
                self._url, self._store, self._station, stop=self._stopping, engine=self._engine
            )
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
