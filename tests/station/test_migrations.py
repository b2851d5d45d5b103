"""The migrations build exactly the schema the models declare: no table, column or index apart."""

from __future__ import annotations

import importlib
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import station
from station.store import Store

STATION_DIR = Path(station.__file__).parent


def import_every_table() -> list[str]:
    """Import each station module that declares a table, wherever it lives."""
    modules = []
    for path in sorted(STATION_DIR.rglob("*.py")):
        if "table=True" in path.read_text(encoding="utf-8"):
            relative = path.relative_to(STATION_DIR.parent).with_suffix("")
            modules.append(".".join(relative.parts))
    for module in modules:
        importlib.import_module(module)
    return modules


def test_a_migrated_store_has_the_models_schema(tmp_path: Path) -> None:
    assert "station.models" in import_every_table()
    store = Store.open(tmp_path)  # every migration, from an empty file to the head
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    store.close()
    assert differences == []
