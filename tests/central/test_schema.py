"""`central init`: creates the schema, a second run changes nothing, and it fits the station's."""

from __future__ import annotations

import psycopg
from alembic import command
from alembic.config import Config

from station import models
from station.central.admin import MIGRATIONS, head_revision, init_schema
from station.central.connect import central_engine

REFERENCE = (
    models.Product,
    models.Barcode,
    models.Packer,
    models.Order,
    models.OrderLine,
    models.OrderLabelDocument,
)


def test_init_creates_the_schema_and_is_safe_to_run_twice(admin_url: str) -> None:
    engine = central_engine(admin_url)
    assert init_schema(engine) == (None, head_revision())
    assert init_schema(engine) == (head_revision(), head_revision())
    with psycopg.connect(admin_url) as db:
        rows = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = {row[0] for row in rows}
    assert {"product", "orders", "scanevent", "parcel", "sync_cursor"} <= tables


def test_central_reference_tables_hold_every_column_the_station_imports(admin_url: str) -> None:
    """The station's importers write the central tables: a station column added without a
    central migration would break `central import`, so it fails here first."""
    init_schema(central_engine(admin_url))
    with psycopg.connect(admin_url) as db:
        missing = {}
        for model in REFERENCE:
            table = model.__table__  # type: ignore[attr-defined]
            rows = db.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                (table.name,),
            )
            central = {row[0] for row in rows}
            lacking = {column.name for column in table.columns} - central
            if lacking:
                missing[table.name] = sorted(lacking)
    assert missing == {}


def test_init_upgrades_an_older_central_schema(admin_url: str) -> None:
    engine = central_engine(admin_url)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "c0001")  # as the first preview left it
    assert init_schema(engine) == ("c0001", head_revision())
