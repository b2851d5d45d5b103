"""`central init`: creates the schema, and a second run changes nothing."""

from __future__ import annotations

import psycopg

from station.central.admin import head_revision, init_schema
from station.central.connect import central_engine


def test_init_creates_the_schema_and_is_safe_to_run_twice(admin_url: str) -> None:
    engine = central_engine(admin_url)
    assert init_schema(engine) == (None, head_revision())
    assert init_schema(engine) == (head_revision(), head_revision())
    with psycopg.connect(admin_url) as db:
        tables = {
            row[0]
            for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
    assert {"product", "orders", "scanevent", "parcel", "sync_cursor"} <= tables
