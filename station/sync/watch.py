"""`main.py sync --watch`: the station's sync as a process of its own, beside the window.

The window starts it (ui/central_link.py) and reads one JSON line per change
of the link's status from its stdout. Its stdin is the window's: a line "now"
asks for an exchange at once, and end of input (the window closed, or died
even by SIGKILL, which closes the pipe) ends it after the batch in flight.
A file lock keeps it to one per data dir.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TextIO

from filelock import FileLock, Timeout

from station.errors import UserError
from station.store import Store
from station.supervisor.day_filler import DayFiller
from station.supervisor.period import station_zone
from station.sync.link import SYNC_NOW, LinkStatus
from station.sync.runner import SyncRunner

log = logging.getLogger(__name__)

LOCK_NAME = "sync.lock"
STOP_WAIT_S = 10.0  # a batch in flight is at most a few seconds, even on a slow link


NICENESS = 10  # below the window: on a busy CPU a scan's verdict comes first


def _yield_to_the_bench() -> None:
    """Run at a lower CPU priority than the window (Unix; Windows keeps the default)."""
    if hasattr(os, "nice"):
        try:
            os.nice(NICENESS)
        except OSError as exc:
            log.info("sync keeps its CPU priority: %s", exc)


class SyncAlreadyRunning(UserError):
    """Another `sync --watch` serves this data dir."""


def watch(
    url: str,
    data_dir: Path,
    station: str,
    interval_s: float,
    commands: TextIO,
    out: TextIO,
) -> int:
    """Sync every `interval_s` until `commands` ends; each new status as a line on `out`."""
    lock = FileLock(data_dir / LOCK_NAME, timeout=0, fallback_to_soft=False)
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        lock.acquire()
    except Timeout:
        raise SyncAlreadyRunning(
            f"Another sync already runs for {data_dir} (a station window starts one); "
            "it keeps this station in step, nothing more is needed."
        ) from None
    _yield_to_the_bench()
    printing = threading.Lock()

    def report(status: LinkStatus) -> None:
        with printing:
            try:
                print(status.to_json(), file=out, flush=True)
            except OSError:  # the window is gone; its stdin closing ends this process
                log.debug("status %s not delivered", status)

    try:
        store = Store.open(data_dir)
        runner = SyncRunner(url, store, station, interval_s, report)
        runner.start()
        # Here, niced and apart from the bench: the central dashboard's finished days.
        filler = DayFiller(url, station_zone())
        filler.start()
        try:
            for line in commands:  # blocks until the window asks or goes
                if line.strip() == SYNC_NOW:
                    runner.sync_now()
        finally:
            filler.stop(STOP_WAIT_S)
            runner.stop(STOP_WAIT_S)
            store.close()
    finally:
        lock.release()
    log.info("sync watch for %s ended", data_dir)
    return 0
