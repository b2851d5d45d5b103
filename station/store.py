"""The station's embedded SQLite store: WAL, durable commits, migrations at start."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, event
from sqlalchemy.exc import DatabaseError, DBAPIError
from sqlmodel import Session, create_engine

from station import models  # noqa: F401  (registers the tables)
from station.audit.chain import AuditedSession
from station.backups import BACKUP_DIR, back_up
from station.couriers import models as courier_models  # noqa: F401
from station.errors import StoreError
from station.integrity import (
    check_header,
    check_schema,
    damaged,
    mark_checked_whole,
    page_check,
    storage_error,
    whole_check_due,
)
from station.wal_checkpoints import SAFETY_PAGES, Turnstile, WalCheckpointer

DB_NAME = "packstation.db"
MIGRATIONS = Path(__file__).with_name("migrations")
START_CHECK_S = 0.2  # the page check at start reads this long at most
LARGE_STORE_BYTES = 64 * 1024 * 1024  # more than the start's page check reads in its budget
BUSY_TIMEOUT_MS = 5000  # how long a statement waits for a lock before "database is locked"
WRITE_POLL_S = 0.001  # how often a writer of this process asks again for SQLite's write lock
_CHANGES_SEEN = "packstation_changes_seen"  # a pooled connection's total_changes at its last commit
log = logging.getLogger(__name__)


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the writer; FULL makes each commit survive a
    # power cut, which is what "committed before its verdict is shown" means.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Checkpoints (station.backups) let the next commit start the WAL over; it is
    # then cut back to this size, so it never keeps a burst's size for good.
    cursor.execute("PRAGMA journal_size_limit=4194304")
    # The store's checkpoints run on their own thread (station.wal_checkpoints), not
    # in the commit of whichever scan takes the WAL past SQLite's 1,000 pages.
    cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_PAGES}")
    cursor.close()


class WriteLock:
    """This process's one writer at a time; whoever holds it writes without sleeping long.

    Writers in this process queue on the lock, so a scan never sleeps behind
    the print thread (nor fails to upgrade a read). The holder's transaction
    then starts with SQLite's write lock (`take_sqlite_write_lock`), asked for
    every WRITE_POLL_S: SQLite's own busy handler sleeps ever longer between
    its tries (1, 2, 5 ... 25, 50, 100 ms), so a scan that met an import's
    20 ms batch slept past the gap after it and waited out several batches.
    """

    def __init__(self, engine: Engine) -> None:
        self.turnstile = Turnstile()  # the checkpoint thread goes first (wal_checkpoints)
        self._holder: int | None = None
        self._writing: object | None = None  # the DB-API connection holding SQLite's lock
        event.listen(engine, "begin", self._on_begin)
        event.listen(engine, "commit", self._on_end)
        event.listen(engine, "rollback", self._on_end)

    def __enter__(self) -> WriteLock:
        self.turnstile.__enter__()
        self._holder = threading.get_ident()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._holder = None
        self._writing = None
        self.turnstile.__exit__()

    def _should_take(self, dbapi_connection: object) -> bool:
        # Only the holder's thread, and one connection of it: a second session
        # opened inside (to read) begins as before rather than wait on the first.
        if self._holder != threading.get_ident():
            return False
        return self._writing is None or self._writing is dbapi_connection

    def _on_begin(self, connection: Any) -> None:
        dbapi_connection = connection.connection.dbapi_connection
        if self._should_take(dbapi_connection):
            take_sqlite_write_lock(dbapi_connection)
            self._writing = dbapi_connection

    def _on_end(self, connection: Any) -> None:
        if self._writing is connection.connection.dbapi_connection:
            self._writing = None


def take_sqlite_write_lock(
    dbapi_connection: Any,
    *,
    poll_s: float = WRITE_POLL_S,
    wait_s: float = BUSY_TIMEOUT_MS / 1000,
) -> None:
    """BEGIN IMMEDIATE, asked again every `poll_s` until `wait_s` has passed.

    Raises:
        sqlalchemy.exc.OperationalError: "database is locked" when another
            writer kept the lock all that time (as SQLite's busy timeout would),
            raised as SQLAlchemy raises a failed statement, so callers report
            it as they report any failed write (disk, lock, damage).
    """
    deadline = time.monotonic() + wait_s
    try:
        dbapi_connection.execute("PRAGMA busy_timeout=0")
        try:
            while True:
                try:
                    dbapi_connection.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() >= deadline:
                        raise
                time.sleep(poll_s)
        finally:
            # Reads and the commit wait as before in the rare case they must.
            dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    except sqlite3.Error as exc:
        raise DBAPIError.instance("BEGIN IMMEDIATE", None, exc, sqlite3.Error) from exc


class Store:
    """One station's database file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine: Engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False}
        )
        event.listen(self.engine, "connect", _set_pragmas)
        # SQLite has one writer at a time: see WriteLock.
        self.write_lock = WriteLock(self.engine)
        self.checkpoints = WalCheckpointer(path, writers=self.write_lock.turnstile)
        event.listen(self.engine, "commit", self._on_commit)
        self.checked_whole = False  # the page check ran to its end at start

    def _on_commit(self, connection: Any) -> None:
        # Only a transaction that wrote grows the WAL; a read's commit is not counted.
        record = connection.connection
        changes = record.dbapi_connection.total_changes
        if changes != record.info.get(_CHANGES_SEEN):
            record.info[_CHANGES_SEEN] = changes
            self.checkpoints.committed()

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        """Open (creating or upgrading) the store in a data dir.

        Raises:
            StoreError: the folder or file cannot be used (full, read-only, no
                permission, damaged); the message says which and what to do.
        """
        path = data_dir / DB_NAME
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, path, "cannot be opened") from exc
        check_header(path)
        store = cls(path)
        try:
            store.upgrade()
            # Whole only if a small store is read within the budget; a large one is
            # checked later (integrity.check_in_background), so the start stays quick,
            # and not even partly when it passed a whole check within the day.
            problems = (
                page_check(path, budget_s=START_CHECK_S)
                if path.stat().st_size < LARGE_STORE_BYTES or whole_check_due(path)
                else None
            )
        except BaseException:
            store.close()
            raise
        if problems:
            store.close()
            raise damaged(path, "cannot be used", "; ".join(problems))
        store.checked_whole = problems is not None
        if store.checked_whole:
            mark_checked_whole(path)
        return store

    def upgrade(self) -> None:
        """Bring the schema to the newest version, backing the file up first.

        The whole upgrade, the very first one included, is one transaction:
        a kill at any moment leaves the file as it was before, which opens.
        """
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(config).get_current_head()
        try:
            with self.engine.begin() as connection:
                current = MigrationContext.configure(connection).get_current_revision()
                check_schema(connection)
            # The daily copy is the running station's (station.backups.BackupScheduler):
            # only an upgrade copies the file here, before it changes the schema.
            if current is not None and current != head:
                self.backup(reason=f"rev-{current}")
            if current != head:
                log.info("upgrading store %s from %s to %s", self.path, current, head)
                self._migrate(config)
        except CommandError as exc:
            raise StoreError(
                f"The database {self.path} has a schema this PackStation does not know ({exc}); "
                "it was probably written by a newer version. Install that version, or restore "
                f"a copy from {self.path.parent / BACKUP_DIR}."
            ) from exc
        except (DatabaseError, sqlite3.Error, OSError) as exc:
            raise storage_error(exc, self.path, "cannot be opened") from exc

    def _migrate(self, config: Config) -> None:
        # pysqlite commits on its own before DDL unless it is left in autocommit
        # mode and the transaction is begun here (SQLAlchemy's documented recipe),
        # so that every migration step shares one BEGIN ... COMMIT.
        engine = create_engine(
            f"sqlite:///{self.path}",
            connect_args={"check_same_thread": False, "isolation_level": None},
        )
        event.listen(engine, "connect", _set_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        try:
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        finally:
            engine.dispose()

    def backup(self, reason: str) -> Path | None:
        """Copy the database with SQLite's online backup (consistent under WAL)."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return None
        # Nothing else runs on the store yet: no pauses for scans, big steps.
        return back_up(self.path, reason, pages=4096, pause_s=0.0)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with AuditedSession(self.engine, expire_on_commit=False) as session:
            yield session

    def close(self) -> None:
        self.checkpoints.close()
        self.engine.dispose()
