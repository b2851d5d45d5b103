"""The station's embedded SQLite store: WAL, durable commits, migrations at start."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, event
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, create_engine

from station import models  # noqa: F401  (registers the tables)
from station.couriers import models as courier_models  # noqa: F401
from station.errors import UserError

DB_NAME = "packstation.db"
BACKUP_DIR = "backups"
BACKUPS_KEPT = 7
BACKUP_EVERY_S = 24 * 3600
MIGRATIONS = Path(__file__).with_name("migrations")
log = logging.getLogger(__name__)


class StoreError(UserError):
    """The database file cannot be opened or upgraded."""


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the writer; FULL makes each commit survive a
    # power cut, which is what "committed before its verdict is shown" means.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Store:
    """One station's database file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine: Engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False}
        )
        event.listen(self.engine, "connect", _set_pragmas)
        # SQLite has one writer at a time and makes a waiting writer sleep and
        # poll; writers in this process queue on this lock instead, so a scan
        # never sleeps behind the print thread (nor fails to upgrade a read).
        self.write_lock = threading.Lock()

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        """Open (creating or upgrading) the store in a data dir."""
        data_dir.mkdir(parents=True, exist_ok=True)
        store = cls(data_dir / DB_NAME)
        store.upgrade()
        return store

    def upgrade(self) -> None:
        """Bring the schema to the newest version, backing the file up first."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(config).get_current_head()
        try:
            with self.engine.begin() as connection:
                current = MigrationContext.configure(connection).get_current_revision()
            if current is not None and (
                current != head or _backup_due(self.path.parent / BACKUP_DIR)
            ):
                self.backup(reason=f"rev-{current or 'none'}")
            if current != head:
                log.info("upgrading store %s from %s to %s", self.path, current, head)
                with self.engine.begin() as connection:
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
        except CommandError as exc:
            raise StoreError(
                f"The database {self.path} has a schema this PackStation does not know ({exc}); "
                "it was probably written by a newer version. Install that version, or restore "
                f"a copy from {self.path.parent / BACKUP_DIR}."
            ) from exc
        except DatabaseError as exc:
            raise StoreError(
                f"The database {self.path} cannot be opened ({exc.orig}). Restore a copy from "
                f"{self.path.parent / BACKUP_DIR} or move the file away to start empty."
            ) from exc

    def backup(self, reason: str) -> Path | None:
        """Copy the database with SQLite's online backup (consistent under WAL)."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return None
        folder = self.path.parent / BACKUP_DIR
        folder.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = folder / f"{self.path.stem}-{stamp}-{reason}.db"
        source = sqlite3.connect(self.path)
        try:
            with sqlite3.connect(target) as copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        for old in sorted(folder.glob(f"{self.path.stem}-*.db"))[:-BACKUPS_KEPT]:
            old.unlink()
        return target

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def _backup_due(folder: Path) -> bool:
    newest = max((p.stat().st_mtime for p in folder.glob("*.db")), default=0.0)
    return time.time() - newest > BACKUP_EVERY_S
