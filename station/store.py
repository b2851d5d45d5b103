"""The station's embedded SQLite store: WAL, durable commits, migrations at start."""

from __future__ import annotations

import logging
import threading
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
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, create_engine

from station import models  # noqa: F401  (registers the tables)
from station.backups import BACKUP_DIR, back_up
from station.couriers import models as courier_models  # noqa: F401
from station.errors import UserError

DB_NAME = "packstation.db"
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
    # Checkpoints (station.backups) let the next commit start the WAL over; it is
    # then cut back to this size, so it never keeps a burst's size for good.
    cursor.execute("PRAGMA journal_size_limit=4194304")
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
            # The daily copy is the running station's (station.backups.BackupScheduler):
            # only an upgrade copies the file here, before it changes the schema.
            if current is not None and current != head:
                self.backup(reason=f"rev-{current}")
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
        # Nothing else runs on the store yet: no pauses for scans, big steps.
        return back_up(self.path, reason, pages=4096, pause_s=0.0)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

