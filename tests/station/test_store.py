"""The store file: durable settings, backup before an upgrade, a clear error when broken."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from station.store import DB_NAME, Store, StoreError


def test_a_new_store_runs_in_wal_with_full_sync(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    store.close()


def test_an_old_schema_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        db.execute("UPDATE alembic_version SET version_num = 'old-0'")
    db.close()
    with pytest.raises(StoreError):  # an unknown revision cannot be upgraded: say so
        Store.open(tmp_path)
    backups = list((tmp_path / "backups").glob("*.db"))
    assert len(backups) == 1 and "rev-old-0" in backups[0].name


def test_a_current_store_is_backed_up_once_a_day(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    Store.open(tmp_path).close()
    Store.open(tmp_path).close()
    assert len(list((tmp_path / "backups").glob("*.db"))) == 1


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot be opened"):
        Store.open(tmp_path)
