"""The store's WAL is checkpointed on a thread of its own, and still starts over and stays small."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from devices.pdf.file_printer import FileLabelPrinter
from station import wal_checkpoints
from station.session import PackSession
from station.settings import Settings
from station.store import DB_NAME, Store
from station.wal_checkpoints import EVERY_COMMITS, Turnstile, WalCheckpointer
from tests.helpers.factory import standard_bench

WAIT_S = 30.0


def rows_in_file_alone(db_file: Path, table: str, folder: Path) -> int:
    """Rows the database file holds by itself, without its WAL: what checkpoints copied."""
    folder.mkdir()
    shutil.copyfile(db_file, folder / DB_NAME)
    connection = sqlite3.connect(folder / DB_NAME)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


def fill(store: Store, commits: int) -> None:
    for _ in range(commits):
        with store.write_lock, store.engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO filler VALUES (randomblob(3000))")


def test_scans_reach_the_database_file_through_the_checkpoint_thread(tmp_path: Path) -> None:
    standard_bench(tmp_path).store.close()  # its setting up is not counted below
    store = Store.open(tmp_path)
    session = PackSession(store, Settings(station="bench-1"), FileLabelPrinter(tmp_path / "l"))
    session.handle_scan("BADGE-P1")
    for _ in range(EVERY_COMMITS // 2):
        session.handle_scan("NOT-A-BARCODE")
        session.acknowledge()
    checkpointed = store.checkpoints.wait_for(1, WAIT_S)
    scans = rows_in_file_alone(store.path, "scanevent", tmp_path / "alone")
    session.close()
    store.close()
    assert checkpointed
    # Copied into the file by the thread (SQLite's own checkpoint is far off): the
    # scans up to the one that woke it (the session's start writes too).
    assert EVERY_COMMITS // 2 < scans <= 1 + EVERY_COMMITS
    assert not any(thread.name == "wal-checkpoints" for thread in threading.enumerate())


def test_the_wal_starts_over_after_each_checkpoint_instead_of_growing(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    wal = tmp_path / f"{DB_NAME}-wal"
    with store.write_lock, store.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE filler (data BLOB)")
    fill(store, EVERY_COMMITS - 1)
    assert store.checkpoints.wait_for(1, WAIT_S)
    one_round = wal.stat().st_size
    for done in (2, 3, 4):
        fill(store, EVERY_COMMITS)
        assert store.checkpoints.wait_for(done, WAIT_S)
    wal_size = wal.stat().st_size
    rows = rows_in_file_alone(store.path, "filler", tmp_path / "alone")
    store.close()
    # Four rounds written, the WAL the size of one: each round wrote over the last.
    assert wal_size < one_round * 1.5
    assert rows == 4 * EVERY_COMMITS - 1


def test_writers_that_never_pause_still_get_the_wal_started_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wal_checkpoints, "RESTART_FRAMES", 50)
    db_file = tmp_path / "writers.db"
    writer = sqlite3.connect(db_file, isolation_level=None, check_same_thread=False)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # only the checkpointer's rounds
    writer.execute("CREATE TABLE filler (data BLOB)")
    writers = Turnstile()
    checkpointer = WalCheckpointer(db_file, every_commits=10, writers=writers)
    commits = 600  # one WAL page or more each: 2.4 MB at least if it never started over
    for _ in range(commits):
        with writers:
            writer.execute("INSERT INTO filler VALUES (randomblob(3000))")
        checkpointer.committed()
    checkpointer.close()
    assert (tmp_path / "writers.db-wal").stat().st_size < commits * 4096 / 2
    writer.close()


class LogSeen(logging.Handler):
    """Sets `seen` once a record containing `words` is logged, from any thread."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words
        self.seen = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.words in record.getMessage():
            self.seen.set()


def test_a_database_it_cannot_open_is_tried_again_at_the_next_round(tmp_path: Path) -> None:
    folder = tmp_path / "not-yet"  # as out of file handles: the connect itself fails
    checkpointer = WalCheckpointer(folder / DB_NAME, every_commits=2)
    failed_open = LogSeen("cannot open it")
    logging.getLogger(wal_checkpoints.__name__).addHandler(failed_open)
    try:
        for _ in range(2):
            checkpointer.committed()
        assert failed_open.seen.wait(WAIT_S), "a failed open is said in the log"
        folder.mkdir()
        sqlite3.connect(folder / DB_NAME).close()
        for _ in range(2):
            checkpointer.committed()
        ran = checkpointer.wait_for(1, WAIT_S)
    finally:
        checkpointer.close()
        logging.getLogger(wal_checkpoints.__name__).removeHandler(failed_open)
    assert ran, "the checkpoints stopped for good after one failed open"
