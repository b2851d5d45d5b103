"""A scan beside another writer of the store (an import in another process) gets in at once.

The other writer holds SQLite's write lock in bursts with short gaps, as an
import's batches do. SQLite's own busy handler sleeps ever longer between its
tries (up to 100 ms) and so sleeps past gap after gap; the station asks again
every millisecond and takes the first gap after the burst its scan met.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import func, select

from station.integrity import write_refused
from station.models import ScanEvent
from station.settings import Settings
from station.store import Store, take_sqlite_write_lock
from tests.helpers.factory import Bench, standard_bench

BURST_S = 0.060  # a batch holding the write lock
GAP_S = 0.005  # the pause after it
SCANS = 8


class BurstyWriter:
    """Another connection that writes in bursts and notes which burst first saw each scan."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self.bursts = 0
        self.first_burst_seeing: dict[int, int] = {}  # scans stored -> the burst that saw them
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._connection.execute("BEGIN IMMEDIATE")
            stored = self._connection.execute("SELECT count(*) FROM scanevent").fetchone()[0]
            with self._changed:
                self.bursts += 1
                self.first_burst_seeing.setdefault(stored, self.bursts)
                self._changed.notify_all()
            time.sleep(BURST_S)  # the batch's work, under the lock
            self._connection.execute("COMMIT")
            time.sleep(GAP_S)

    def next_burst(self) -> int:
        """Wait until a new burst holds the lock; its number."""
        with self._changed:
            seen = self.bursts
            self._changed.wait_for(lambda: self.bursts > seen)
            return self.bursts

    @contextmanager
    def running(self) -> Iterator[BurstyWriter]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()
            self._connection.close()


def test_scans_beside_a_bursty_writer_are_each_stored_in_the_gap_after_the_burst_they_met(
    tmp_path: Path,
) -> None:
    bench = standard_bench(tmp_path / "data")
    session = Bench(bench.store, bench.data_dir, Settings(station="bench-1")).session()
    met: list[int] = []
    try:
        with BurstyWriter(bench.store.path).running() as writer:
            for number in range(SCANS):
                met.append(writer.next_burst())
                # Raises if the scan was not recorded (it would be "database is locked").
                session.handle_scan(f"BADGE-P{1 + number % 2}")
            writer.next_burst()  # one that sees the last scan
            stored_by = [writer.first_burst_seeing.get(n) for n in range(1, SCANS + 1)]
    finally:
        session.close()
    with bench.store.session() as db:
        assert db.exec(select(func.count()).select_from(ScanEvent)).one() == SCANS
    bench.store.close()
    # The burst after the one a scan met already finds it stored (one more of
    # slack for a busy machine); SQLite's sleeps let several go by.
    waited = [stored - start for start, stored in zip(met, stored_by, strict=True) if stored]
    assert len(waited) == SCANS and max(waited) <= 2, (met, stored_by)


def test_a_write_lock_held_past_the_wait_refuses_with_who_holds_it(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(store.path, isolation_level=None)
    try:
        with pytest.raises(DBAPIError) as refused:
            take_sqlite_write_lock(waiter, wait_s=0.02)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        waiter.close()
        store.close()
    problem = write_refused("The scan 'X'", refused.value, store.path)
    assert problem is not None
    assert "NOT recorded: another program held the database" in str(problem)
    assert "if an import is running, let it finish" in str(problem)
