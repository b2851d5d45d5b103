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


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot be opened"):
        Store.open(tmp_path)


def test_a_store_of_the_first_version_is_backed_up_and_upgraded_with_its_data(
    tmp_path: Path,
) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, inspect

    from station.store import MIGRATIONS

    engine = create_engine(f"sqlite:///{tmp_path / DB_NAME}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO packer (id, badge, name, role, created_at, updated_at) "
                "VALUES ('00000000000000000000000000000001', 'B1', 'Ana', 'packer', "
                "'2026-01-01', '2026-01-01')"
            )
        )
    engine.dispose()

    store = Store.open(tmp_path)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM packer")).scalar() == "Ana"
        assert "trackingrange" in inspect(connection).get_table_names()
    store.close()
    backups = list((tmp_path / "backups").glob("*rev-0001.db"))
    assert len(backups) == 1
