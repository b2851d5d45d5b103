"""The outbox read as COPY-ready rows, each event's JSON made by SQLite itself.

A catch-up after an outage is mostly the station's own work: reading 100,000
rows through SQLAlchemy's type processing and turning them into JSON in
Python took three times what the server needed to store them. Here SQLite's
`json_object` writes each row's JSON and the key columns come out as the text
PostgreSQL reads, with no Python object per value. It must say exactly what
`streams.record` says of the same row (the Python form, which parcels and a
refused batch's row-by-row retry use); tests/central/test_push.py compares
the two for every kind of event.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Column, Table, TypeDecorator

from station.store import Store

KEYS = ("id", "station", "seq", "created_at")
SEQ = KEYS.index("seq")  # where a copy row holds its place in the station's sequence


def copy_columns(keys: Sequence[str]) -> list[str]:
    """The central columns a copy row fills, in its order: the keys, then `data`."""
    return [*KEYS, *keys, "data"]


def unsent(
    store: Store,
    table: Table,
    keys: Sequence[str],
    hidden: Collection[str],
    station: str,
    position: int,
    batch: int,
) -> list[tuple[Any, ...]]:
    """Up to `batch` rows of `station` after `position`, in order, as `copy_columns` says."""
    statement = _select(table, tuple(keys), frozenset(hidden))
    with store.engine.connect() as local:
        return [
            tuple(row)
            for row in local.exec_driver_sql(statement, (station, position, batch)).fetchall()
        ]


@cache
def _select(table: Table, keys: tuple[str, ...], hidden: frozenset[str]) -> str:
    whole = ", ".join(
        f"'{column.name}', {_as_json_value(column)}"
        for column in table.columns
        if column.name not in hidden
    )
    wanted = ", ".join(_as_text(table.c[name]) for name in (*KEYS, *keys))
    return (
        f"SELECT {wanted}, json_object({whole}) FROM {table.name} "
        "WHERE station = ? AND seq > ? ORDER BY seq LIMIT ?"
    )


def _as_text(column: Column[Any]) -> str:
    """The column as PostgreSQL reads it (a UUID with dashes, a time with its zone)."""
    kind = _python_type(column)
    name = f'"{column.name}"'
    if kind is uuid.UUID:
        # Stored as 32 hex digits (SQLAlchemy's Uuid on SQLite); str(UUID) adds dashes.
        return (
            f"(substr({name}, 1, 8) || '-' || substr({name}, 9, 4) || '-' || "
            f"substr({name}, 13, 4) || '-' || substr({name}, 17, 4) || '-' || "
            f"substr({name}, 21))"
        )
    if kind is datetime:
        # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC; isoformat() of the UTC datetime
        # has a T, drops all-zero microseconds and ends in +00:00.
        return (
            f"(replace(substr({name}, 1, 19), ' ', 'T') || "
            f"CASE WHEN length({name}) <= 20 OR substr({name}, 21) = '000000' "
            f"THEN '' ELSE '.' || substr({name}, 21) END || '+00:00')"
        )
    return name


def _as_json_value(column: Column[Any]) -> str:
    if _python_type(column) is bool:
        name = f'"{column.name}"'
        return (
            f"json(CASE WHEN {name} IS NULL THEN 'null' WHEN {name} THEN 'true' ELSE 'false' END)"
        )
    return _as_text(column)


def _python_type(column: Column[Any]) -> type:
    stored = column.type
    if isinstance(stored, TypeDecorator):  # e.g. sqlmodel's UTCDateTime: what it stores as
        stored = stored.impl_instance
    try:
        kind: type = stored.python_type
    except NotImplementedError:  # a type that does not say: stored and sent as it is
        return object
    return kind
