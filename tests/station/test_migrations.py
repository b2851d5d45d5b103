"""The migrations build exactly the schema the models declare: no table, column or index apart."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from station.store import Store


def test_a_migrated_store_has_the_models_schema(tmp_path: Path) -> None:
    store = Store.open(tmp_path)  # every migration, from an empty file to the head
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    store.close()
    assert differences == []
