"""Delivering a batch to the central database: one transaction with the stream's new position.

Each batch is inserted with ON CONFLICT (id) DO NOTHING in one central
transaction together with the new position. A connection lost after the
server committed (a lost acknowledgement) therefore changes nothing on the
retry: the position says the batch is there, and sending it again would
insert nothing.

Parcels are the one kind of row a station changes after writing it (sealing
sets the box count, a void a new tracking number); each change also stores a
print job for the parcel, so the parcels of every pushed print job are sent
again with their current values.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, Table, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DataError, IntegrityError

from station import models
from station.central import schema
from station.central.connect import connected
from station.store import Store
from station.sync import outbox_sql
from station.sync.streams import PARCEL, Row, Stream, json_value, local_table, record

# What the server says of rows it will never take, through SQLAlchemy or straight from COPY.
REFUSED = (DataError, IntegrityError, psycopg.DataError, psycopg.IntegrityError)
_PARCEL_ITEMS = local_table(models.ParcelItem)
_PARCELS = local_table(models.Parcel)


def deliver_rows(
    central: Engine, store: Store, stream: Stream, station: str, rows: Sequence[Row]
) -> int:
    """Rows read through the station's models: parcels, and a refused batch row by row."""
    with connected(central) as connection:
        if stream.name == "parcel":
            added = _upsert_parcels(connection, [record(stream, row) for row in rows])
            _insert_items(connection, store, station, [row["id"] for row in rows])
        else:
            columns = outbox_sql.copy_columns(stream.keys)
            records = [record(stream, row, json_text=True) for row in rows]
            values = [[central_row[column] for column in columns] for central_row in records]
            added = copy_in(connection, stream.central, columns, values)
        if stream.name == "printjob":
            _refresh_parcels(connection, store, [row["parcel_id"] for row in rows])
        advance(connection, station, stream.name, int(rows[-1]["seq"]), added)
    return added


def deliver_copy(
    central: Engine,
    store: Store,
    stream: Stream,
    station: str,
    copy_rows: Sequence[Sequence[Any]],
) -> int:
    """A batch read as COPY rows (station.sync.outbox_sql); how many were new centrally."""
    columns = outbox_sql.copy_columns(stream.keys)
    with connected(central) as connection:
        added = copy_in(connection, stream.central, columns, copy_rows)
        if stream.name == "printjob":
            where = columns.index("parcel_id")
            parcels = [uuid.UUID(row[where]) for row in copy_rows if row[where] is not None]
            _refresh_parcels(connection, store, parcels)
        advance(connection, station, stream.name, int(copy_rows[-1][outbox_sql.SEQ]), added)
    return added


def copy_in(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    *,
    conflict: str = "(id)",
) -> int:
    """Insert the rows that are new by `conflict` (the key); how many were new.

    COPY into a temporary table, then one INSERT ... SELECT ... ON CONFLICT
    DO NOTHING: near the speed of a plain COPY, and idempotent. Its row
    count is the rows this statement inserted, never one already there.
    """
    names = ", ".join(columns)
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    with driver.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE incoming_{table.name} "
            f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        with cursor.copy(f"COPY incoming_{table.name} ({names}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table.name} ({names}) SELECT {names} FROM incoming_{table.name} "
            f"ON CONFLICT {conflict} DO NOTHING"
        )
        return cursor.rowcount


def _upsert_parcels(connection: Connection, records: list[dict[str, Any]]) -> int:
    """Insert new parcels, update changed ones; how many were new."""
    table = schema.parcel
    existing = set(
        connection.execute(
            select(table.c.id).where(table.c.id.in_([r["id"] for r in records]))
        ).scalars()
    )
    statement = insert(table).values(records)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["id"],
            set_={"data": statement.excluded.data, "tracking": statement.excluded.tracking},
            where=table.c.data.is_distinct_from(statement.excluded.data),
        )
    )
    return sum(1 for central_row in records if central_row["id"] not in existing)


def _insert_items(
    connection: Connection, store: Store, station: str, parcel_ids: Sequence[uuid.UUID]
) -> None:
    with store.engine.connect() as local:
        items = local.execute(
            select(_PARCEL_ITEMS).where(_PARCEL_ITEMS.c.parcel_id.in_(parcel_ids))
        ).mappings()
        records = [
            {
                "id": item["id"],
                "station": station,
                "parcel_id": item["parcel_id"],
                "data": {key: json_value(value) for key, value in item.items()},
            }
            for item in items
        ]
    if records:
        connection.execute(
            insert(schema.parcelitem).values(records).on_conflict_do_nothing(index_elements=["id"])
        )


def _refresh_parcels(
    connection: Connection, store: Store, parcel_ids: Sequence[uuid.UUID | None]
) -> None:
    wanted = sorted({pid for pid in parcel_ids if pid is not None})
    if not wanted:
        return
    with store.engine.connect() as local:
        rows = [
            dict(row)
            for row in local.execute(select(_PARCELS).where(_PARCELS.c.id.in_(wanted))).mappings()
        ]
    for row in rows:
        central_row = record(PARCEL, row)
        # Only parcels already delivered are refreshed: the parcel stream delivers the rest.
        connection.execute(
            update(schema.parcel)
            .where(
                schema.parcel.c.id == central_row["id"],
                schema.parcel.c.data.is_distinct_from(central_row["data"]),
            )
            .values(data=central_row["data"], tracking=central_row["tracking"])
        )


def advance(connection: Connection, station: str, stream: str, position: int, added: int) -> None:
    """Record the stream's new position for the station, in the batch's transaction."""
    cursor = schema.sync_cursor
    statement = insert(cursor).values(
        station=station, stream=stream, position=position, delivered=added, updated_at=func.now()
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["station", "stream"],
            set_={
                # Two syncs of one station at once: the position never goes back.
                "position": func.greatest(cursor.c.position, statement.excluded.position),
                "delivered": cursor.c.delivered + statement.excluded.delivered,
                "updated_at": func.now(),
            },
        )
    )


def quarantine(
    central: Engine,
    stream: Stream,
    station: str,
    rows: Sequence[Row],
    exc: Exception,
) -> None:
    """Set aside rows the server refused for good, visibly, and move past them."""
    reason = str(getattr(exc, "orig", exc)).splitlines()[0]
    with connected(central) as connection:
        connection.execute(
            insert(schema.quarantine).values(
                station=station,
                stream=stream.name,
                first_seq=int(rows[0]["seq"]),
                last_seq=int(rows[-1]["seq"]),
                reason=reason,
                rows=json.dumps([record(stream, row)["data"] for row in rows]),
                created_at=func.now(),
            )
        )
        advance(connection, station, stream.name, int(rows[-1]["seq"]), 0)
