"""Writing the audit chain: every chained row version gets a link, in its own transaction.

A store session (`AuditedSession`) notes each row of a chained table
(station.audit.registry) it inserts or changes, through the ORM or a Core
statement, and just before the commit reads those rows back as stored and
appends one link per row to its station's chain. The rows and their links
commit together or not at all. Reading the row back means the verifier hashes
exactly what the writer hashed: the values SQLite holds, by the same function.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from station.audit.registry import AUDITED, BY_TABLE, Audited

log = logging.getLogger("packstation.audit")
_TOUCHED = "audit_touched"
_PROGRESS_EVERY = 250_000
_CHUNK = 500
Schema = tuple[int, tuple[str, ...]]
_SCHEMAS: weakref.WeakKeyDictionary[Engine, dict[str, Schema]] = weakref.WeakKeyDictionary()


class AuditError(RuntimeError):
    """A chained table was written in a way the chain cannot follow (a bug, not input)."""


def row_key(value: object) -> str:
    """A row id as SQLite stores a UUID: 32 lowercase hex digits."""
    return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).hex


def _json_value(value: object) -> object:
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot hash a {type(value).__name__}")


def content_digest(values: Mapping[str, object], columns: Sequence[str]) -> str:
    """SHA-256 of the row's canonical JSON: {column: value as SQLite holds it}, keys sorted."""
    canonical = json.dumps(
        {column: values.get(column) for column in columns},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_json_value,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def link_hash(
    prev: str, station: str, seq: int, table: str, row_id: str, schema_id: int, content: str
) -> str:
    """The hash of one link: its fields and the hash of the link before it."""
    fields = json.dumps([prev, station, seq, table, row_id, schema_id, content])
    return hashlib.sha256(fields.encode()).hexdigest()


def hashed_columns(connection: Connection, entry: Audited) -> tuple[str, ...]:
    info = connection.exec_driver_sql(f"PRAGMA table_info({entry.table})").fetchall()
    return tuple(row[1] for row in info if row[1] not in entry.unhashed)


def schema_of(connection: Connection, entry: Audited, cache: dict[str, Schema]) -> Schema:
    """The table's current hashed columns and their id in auditschema (added when new)."""
    known = cache.get(entry.table)
    if known is not None:
        return known
    columns = hashed_columns(connection, entry)
    latest = connection.exec_driver_sql(
        "SELECT id, columns FROM auditschema WHERE table_name = ? ORDER BY id DESC LIMIT 1",
        (entry.table,),
    ).first()
    if latest is not None and tuple(json.loads(latest[1])) == columns:
        schema: Schema = (int(latest[0]), columns)
    else:
        inserted = connection.exec_driver_sql(
            "INSERT INTO auditschema (table_name, columns) VALUES (?, ?)",
            (entry.table, json.dumps(list(columns))),
        )
        # Not cached: a rollback would take the row back; the next commit finds it.
        return (int(inserted.lastrowid), columns)
    cache[entry.table] = schema
    return schema


def select_rows(entry: Audited, columns: Sequence[str] | None, where: str = "") -> str:
    """The rows' station, then the columns (all of them for None)."""
    names = "*" if columns is None else ", ".join(f'"{column}"' for column in columns)
    return f"SELECT {entry.station_sql} AS audit_station, {names} FROM {entry.table} {where}"


def append_links(
    connection: Connection,
    touched: Mapping[str, Iterable[str]],
    cache: dict[str, Schema] | None = None,
) -> int:
    """Chain the current version of each touched row; returns how many links were added."""
    cache = _SCHEMAS.setdefault(connection.engine, {}) if cache is None else cache
    # The driver's own cursor, in the same transaction: this runs in every scan's
    # commit, and SQLAlchemy's result handling would cost more than the queries.
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        links = _links(connection, cursor, touched, cache)
        if links:
            cursor.executemany(_INSERT_LINK, links)
    finally:
        cursor.close()
    return len(links)


_INSERT_LINK = (
    "INSERT INTO auditlink (station, seq, row_id, schema_id, content, hash) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def _links(
    connection: Connection,
    cursor: Any,
    touched: Mapping[str, Iterable[str]],
    cache: dict[str, Schema],
) -> list[tuple[object, ...]]:
    heads: dict[str, tuple[int, str]] = {}
    links: list[tuple[object, ...]] = []
    for table, ids in touched.items():
        entry = BY_TABLE[table]
        schema_id, columns = schema_of(connection, entry, cache)
        keys = list(ids)
        found: dict[object, Sequence[object]] = {}
        id_at = columns.index("id") + 1
        # Chunks: a bulk print of a thousand labels stays under SQLite's variable limit.
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            query = select_rows(entry, columns, f"WHERE id IN ({marks})")
            found.update({row[id_at]: row for row in cursor.execute(query, chunk)})
        for key in keys:
            row = found.get(key)
            if row is None:
                continue  # inserted and deleted again in the same transaction
            station = str(row[0] or "")
            content = content_digest(dict(zip(columns, row[1:], strict=True)), columns)
            links.append(_link(heads, cursor, station, table, key, schema_id, content))
    return links


def _link(
    heads: dict[str, tuple[int, str]],
    cursor: Any,
    station: str,
    table: str,
    key: str,
    schema_id: int,
    content: str,
) -> tuple[object, ...]:
    """The next link of `station` (its head moved on in `heads`), as auditlink stores it."""
    seq, prev = heads.get(station) or _head(cursor, station)
    seq += 1
    digest = link_hash(prev, station, seq, table, key, schema_id, content)
    heads[station] = (seq, digest)
    return (
        station,
        seq,
        bytes.fromhex(key),
        schema_id,
        bytes.fromhex(content),
        bytes.fromhex(digest),
    )


def _head(cursor: Any, station: str) -> tuple[int, str]:
    row = cursor.execute(
        "SELECT seq, hash FROM auditlink WHERE station = ? ORDER BY seq DESC LIMIT 1", (station,)
    ).fetchone()
    return (int(row[0]), bytes(row[1]).hex()) if row else (0, "")


def chain_existing(connection: Connection, batch: int = 5000) -> int:
    """Chain every row the store already holds, table by table in rowid order; how many.

    For an upgrade (migration 0016): one pass over each table, no lookups by id.
    """
    present = {
        str(row[0])
        for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
    }
    tables = [entry for entry in AUDITED if entry.table in present]
    total = sum(
        int(connection.exec_driver_sql(f"SELECT count(*) FROM {entry.table}").scalar_one())
        for entry in tables
    )
    if total:
        log.info("audit chain: chaining the %d events this store already holds", total)
    reader = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    writer = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    heads: dict[str, tuple[int, str]] = {}
    added = 0
    try:
        for entry in tables:
            schema_id, columns = schema_of(connection, entry, {})
            id_at = columns.index("id")
            pending: list[tuple[object, ...]] = []
            for row in reader.execute(select_rows(entry, columns, "ORDER BY rowid")):
                values = row[1:]
                content = content_digest(dict(zip(columns, values, strict=True)), columns)
                key = row_key(values[id_at])
                station = str(row[0] or "")
                pending.append(_link(heads, writer, station, entry.table, key, schema_id, content))
                if len(pending) >= batch:
                    writer.executemany(_INSERT_LINK, pending)
                    added += len(pending)
                    pending = []
                    if added % _PROGRESS_EVERY < batch:  # a line a minute or so, for the log
                        log.info("audit chain: %d of %d events chained", added, total)
            writer.executemany(_INSERT_LINK, pending)
            added += len(pending)
    finally:
        reader.close()
        writer.close()
    return added


class AuditedSession(Session):
    """A store session whose commits chain the audited rows they wrote."""


def _touch(session: OrmSession, table: str, ids: Iterable[object]) -> None:
    touched: dict[str, dict[str, None]] = session.info.setdefault(_TOUCHED, {})
    keys = touched.setdefault(table, {})
    for value in ids:
        keys[row_key(value)] = None


@event.listens_for(AuditedSession, "after_flush")
def _after_flush(session: OrmSession, _context: Any) -> None:
    for obj in (*session.new, *session.dirty):
        table = getattr(getattr(obj, "__table__", None), "name", None)
        if table in BY_TABLE:
            _touch(session, table, [obj.id])


@event.listens_for(AuditedSession, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table not in BY_TABLE:
        return
    params = state.parameters
    rows: list[Mapping[str, Any]] = [params] if isinstance(params, Mapping) else list(params or [])
    if not rows or any("id" not in row for row in rows):
        raise AuditError(
            f"{table} is on the audit chain: write its rows with their id in the parameters "
            "(or as ORM objects), so each one is chained"
        )
    _touch(state.session, table, [row["id"] for row in rows])


@event.listens_for(AuditedSession, "before_commit")
def _before_commit(session: OrmSession) -> None:
    session.flush()
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        append_links(session.connection(), touched)


@event.listens_for(AuditedSession, "after_rollback")
def _after_rollback(session: OrmSession) -> None:
    session.info.pop(_TOUCHED, None)
