"""WAL checkpoints on a thread of their own, so that no scan's commit runs one.

SQLite's own auto-checkpoint runs inside the commit that takes the WAL past
1,000 pages: that scan's verdict then waits while the pages of some sixty
scans are copied into the database file and the file is flushed. On a year's
store those pages lie scattered over gigabytes of indexes (such a scan wrote up
to 1.4 MB there, against 0.6 MB on a fresh store: bench/aged_store.py
--scans-only), and the scans that paid for it made the aged store's p99 1.5-1.7 x
a fresh one's (issue 13). Here the store's connections leave that to this thread: it
is woken every `every_commits` commits and runs a PASSIVE checkpoint, which
never waits for, nor blocks, a writer; the next commit after it starts the
WAL over. Durability is unchanged: each commit is on disk in the WAL before
it returns (synchronous=FULL), a checkpoint only moves committed pages.

Writers that never pause would keep the WAL from starting over (see
`WalCheckpointer._round`); past `RESTART_FRAMES` they are held back for a short
second checkpoint. SQLite's own auto-checkpoint stays on the connections at a
much larger size (`SAFETY_PAGES`), so the WAL stays bounded even if this thread
were stuck.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

EVERY_COMMITS = 40  # about 500 WAL pages of scans: about as often as SQLite's own default
RESTART_FRAMES = 2_000  # 8 MB of WAL: writers are held back a moment so it starts over
IDLE_EXIT_S = 1.0  # the thread ends after this long without a round; the next one starts it
SAFETY_PAGES = 20_000  # 80 MB: SQLite's own checkpoint, reached only if this thread is stuck


class Turnstile:
    """The writers' lock, which the checkpoint thread takes ahead of the writers waiting.

    A plain lock is not fair: a writer that never pauses lets go of it and takes
    it again before the waiting checkpoint thread wakes, so the WAL of a replay
    or an import never started over (seen under load). Writers wait at the
    turnstile while the checkpoint thread is asking, so it gets the lock next.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = threading.Event()
        self._open.set()

    def __enter__(self) -> None:
        self._open.wait()
        self._lock.acquire()

    def __exit__(self, *_exc: object) -> None:
        self._lock.release()

    @contextmanager
    def first(self) -> Iterator[None]:
        """Hold the lock, taken before any writer now waiting for it (one taker at a time)."""
        self._open.clear()
        try:
            with self._lock:
                yield
        finally:
            self._open.set()


class WalCheckpointer:
    """Checkpoints one database's WAL every `every_commits` commits, off the committing thread."""

    def __init__(
        self,
        db_file: Path,
        *,
        every_commits: int = EVERY_COMMITS,
        writers: Turnstile | None = None,
    ) -> None:
        self._db_file = db_file
        self._every = every_commits
        # The process's write lock: taken and let go at once before a checkpoint, so it
        # starts after the commit that woke it has returned, not beside that commit's flush.
        self._writers = writers or Turnstile()
        self._changed = threading.Condition()
        self._commits = 0  # since the last checkpoint began
        self._done = 0  # checkpoints run so far
        self._closed = False
        self._thread: threading.Thread | None = None

    def committed(self) -> None:
        """Note one commit; wakes the thread when enough have gathered. Never waits on disk."""
        with self._changed:
            if self._closed:
                return
            self._commits += 1
            if self._commits < self._every:
                return
            if self._thread is None:  # started when needed: a read-only store has none
                self._thread = threading.Thread(
                    target=self._loop, name="wal-checkpoints", daemon=True
                )
                self._thread.start()
            self._changed.notify_all()

    def wait_for(self, checkpoints: int, timeout: float) -> bool:
        """True once at least `checkpoints` checkpoints have run (False after `timeout` s)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._done >= checkpoints, timeout)

    def close(self) -> None:
        """Stop the thread (a checkpoint under way is finished first)."""
        with self._changed:
            self._closed = True
            thread = self._thread
            self._changed.notify_all()
        if thread is not None:
            thread.join(timeout=60)

    def _loop(self) -> None:
        connection: sqlite3.Connection | None = None
        try:
            while True:
                with self._changed:
                    due = self._changed.wait_for(
                        lambda: self._closed or self._commits >= self._every, IDLE_EXIT_S
                    )
                    if self._closed or not due:  # a quiet store keeps no thread
                        self._thread = None
                        return
                    self._commits = 0
                if connection is None:
                    connection = self._connect()
                    if connection is None:
                        continue  # tried again after the next commits
                with self._writers.first():
                    pass
                self._round(connection)
                with self._changed:
                    self._done += 1
                    self._changed.notify_all()
        finally:
            if connection is not None:
                connection.close()
            with self._changed:
                if self._thread is threading.current_thread():  # ended by a bug: start anew
                    self._thread = None

    def _connect(self) -> sqlite3.Connection | None:
        try:
            return sqlite3.connect(self._db_file, isolation_level=None)
        except sqlite3.Error as exc:
            # Out of file handles, a folder made read-only: the commits go on, the WAL
            # keeps every page meanwhile, and SQLite's own checkpoint is the safety net.
            log.warning("WAL checkpoints of %s cannot open it: %s", self._db_file, exc)
            return None

    def _round(self, connection: sqlite3.Connection) -> None:
        """A checkpoint beside the writers; a short second one between them if the WAL is long.

        The WAL starts over only at a write that begins after a checkpoint copied all
        of it. At a packer's pace that is the next scan; writers that never pause (a
        replay, an import) keep appending while each checkpoint copies, so once the
        WAL is past `RESTART_FRAMES` the frames added meanwhile are copied with the
        writers held back (a few milliseconds), and the next write starts it over.
        """
        logged = self._checkpoint(connection)
        if logged > RESTART_FRAMES:
            with self._writers.first():
                self._checkpoint(connection)

    def _checkpoint(self, connection: sqlite3.Connection) -> int:
        """One PASSIVE checkpoint; returns the frames in the WAL (0 after a failure)."""
        try:
            _busy, logged, _copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:
            # A full disk or a damaged file: the commits report it to the packer; the WAL
            # keeps every page meanwhile, and the next round (or SQLite's own) tries again.
            log.warning("WAL checkpoint of %s failed: %s", self._db_file, exc)
            return 0
        return int(logged)
