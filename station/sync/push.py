"""Push: what happened at a bench goes to the central database, in order, exactly once there.

The station's own tables are the outbox: every event has a UUID and a place
in the station's sequence (`seq`, one counter across its tables, never a wall
clock). Per table, the rows after the position the central database has
recorded for this station are sent in batches; each batch is inserted with
ON CONFLICT (id) DO NOTHING in one central transaction together with the new
position. A connection lost after the server committed (a lost
acknowledgement) therefore changes nothing on the retry: the position says
the batch is there, and sending it again would insert nothing.

Parcels are the one kind of row a station changes after writing it (sealing
sets the box count, a void a new tracking number); each change also stores a
print job for the parcel, so the parcels of every pushed print job are sent
again with their current values.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, Table, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DataError, IntegrityError

from station import models
from station.central import schema
from station.central.connect import CentralError, connected
from station.evidence import EvidenceDeletion, EvidenceFile
from station.handoff.tables import HandoffClose, HandoffLoad, HandoffScan
from station.store import Store
from station.sync import identity, outbox_sql

BATCH = 5000  # fewer round trips and transactions: a catch-up about a fifth quicker than 1000
Row = dict[str, Any]  # one station row by column name
# What the server says of rows it will never take, through SQLAlchemy or straight from COPY.
_REFUSED = (DataError, IntegrityError, psycopg.DataError, psycopg.IntegrityError)


@dataclass(frozen=True)
class Stream:
    """One station table pushed by seq, and the central columns read from its rows."""

    name: str
    local: Table
    central: Table
    keys: tuple[str, ...]


def _local(model: Any) -> Table:
    table: Table = model.__table__
    return table


STREAMS = (
    Stream("scanevent", _local(models.ScanEvent), schema.scanevent, ("order_id", "verdict")),
    Stream("orderevent", _local(models.OrderEvent), schema.orderevent, ("order_id", "kind")),
    Stream("parcel", _local(models.Parcel), schema.parcel, ("order_id", "tracking")),
    Stream("printjob", _local(models.PrintJob), schema.printjob, ("parcel_id", "kind")),
    Stream("printattempt", _local(models.PrintAttempt), schema.printattempt, ("job_id", "status")),
    Stream("evidencefile", _local(EvidenceFile), schema.evidencefile, ("order_number", "kind")),
    Stream(
        "evidencedeletion",
        _local(EvidenceDeletion),
        schema.evidencedeletion,
        ("evidence_id", "reason"),
    ),
    Stream("handoff_load", _local(HandoffLoad), schema.handoff_load, ("courier_id",)),
    Stream(
        "handoff_scan",
        _local(HandoffScan),
        schema.handoff_scan,
        ("load_id", "parcel_id", "verdict"),
    ),
    Stream("handoff_close", _local(HandoffClose), schema.handoff_close, ("load_id",)),
)
_PARCEL_ITEMS = _local(models.ParcelItem)
_PARCELS = _local(models.Parcel)
# Local bookkeeping that changes after the row is written, kept out of the record.
# (The driver's drawn signature stays in the station's store and its manifest files.)
_LOCAL_ONLY = {"printjob": {"status"}, "handoff_close": {"signature_png"}}


@dataclass
class PushResult:
    pushed: int = 0  # rows new to the central database in this push
    quarantined: int = 0  # rows set aside in batches the server refused for good


BatchDone = Callable[[str, int], None]


def push(
    central: Engine,
    store: Store,
    station: str,
    *,
    batch: int = BATCH,
    on_batch: BatchDone | None = None,
    stop: threading.Event | None = None,
    into: PushResult | None = None,
) -> PushResult:
    """Send every event of `station` the central database lacks; raises CentralUnreachable.

    `on_batch(stream, last_seq)` is called after each batch is committed centrally.
    Once `stop` is set, no further batch is sent (what was sent is committed).
    With `into`, the counts go there as each batch commits, so a caller still
    knows what was delivered when the push ends in CentralUnreachable.

    Raises:
        CentralError: another store already delivers under this station name, or this
            store is older than what it delivered; nothing is sent.
    """
    positions = _positions(central, station)
    mine = identity.store_id(store)
    bound = identity.bound_store(central, station)
    identity.refuse_another_store(bound, mine, station)
    newest = _check_same_history(store, station, positions)
    # Bound once the history agrees (a stale store takes no name) and there is something
    # to deliver (a store that only pulled, to look, takes none either).
    if bound is None and newest > 0:
        identity.bind_store(central, station, mine)
    result = into if into is not None else PushResult()
    for stream in STREAMS:
        position = positions.get(stream.name, 0)
        for part in _batches(store, stream, station, position, batch):
            if stop is not None and stop.is_set():
                break
            try:
                if part.copy_rows:
                    result.pushed += _deliver_copy(central, store, stream, station, part.copy_rows)
                else:
                    result.pushed += _deliver(central, store, stream, station, part.rows)
            except _REFUSED:
                rows = part.rows or _unsent(store, stream, station, part.after, part.size)
                _deliver_one_by_one(central, store, stream, station, rows, result)
            if on_batch is not None:
                on_batch(stream.name, part.last)
    return result


@dataclass(frozen=True)
class _Batch:
    """Events of one stream after position `after`: COPY-ready, or (parcels) whole rows."""

    after: int
    rows: list[Row]
    copy_rows: list[tuple[Any, ...]]

    @property
    def size(self) -> int:
        return len(self.copy_rows) or len(self.rows)

    @property
    def last(self) -> int:
        return int(self.copy_rows[-1][outbox_sql.SEQ] if self.copy_rows else self.rows[-1]["seq"])


def _batches(
    store: Store, stream: Stream, station: str, position: int, batch: int
) -> Iterator[_Batch]:
    """The unsent events in batches; the next one is read on a thread while the caller
    sends this one, so the station's work overlaps the server's."""
    with ThreadPoolExecutor(1, thread_name_prefix="push-read") as reader:
        upcoming = reader.submit(_read_batch, store, stream, station, position, batch)
        while (ready := upcoming.result()).size:
            upcoming = reader.submit(_read_batch, store, stream, station, ready.last, batch)
            yield ready


def _read_batch(store: Store, stream: Stream, station: str, position: int, batch: int) -> _Batch:
    if stream.name == "parcel":  # upserted (a parcel changes after it is sent), from its rows
        return _Batch(position, _unsent(store, stream, station, position, batch), [])
    hidden = _LOCAL_ONLY.get(stream.name, set())
    copy_rows = outbox_sql.unsent(
        store, stream.local, stream.keys, hidden, station, position, batch
    )
    return _Batch(position, [], copy_rows)


def _deliver_one_by_one(
    central: Engine,
    store: Store,
    stream: Stream,
    station: str,
    rows: Sequence[Row],
    result: PushResult,
) -> None:
    """A refused batch, row by row: the good ones delivered, the bad ones set aside."""
    for row in rows:
        try:
            result.pushed += _deliver(central, store, stream, station, [row])
        except _REFUSED as exc:
            # Sending it again cannot help: set it aside, visibly, and go on.
            _quarantine(central, stream, station, [row], exc)
            result.quarantined += 1


def pending(store: Store, central_positions: Mapping[str, int], station: str) -> int:
    """How many events of `station` lie after the given central positions."""
    total = 0
    with store.engine.connect() as local:
        for stream in STREAMS:
            table = stream.local
            total += local.execute(
                select(func.count())
                .select_from(table)
                .where(
                    table.c.station == station, table.c.seq > central_positions.get(stream.name, 0)
                )
            ).scalar_one()
    return total


def positions(central: Engine, station: str) -> dict[str, int]:
    return _positions(central, station)


def _positions(central: Engine, station: str) -> dict[str, int]:
    cursor = schema.sync_cursor
    with connected(central) as connection:
        _check_station(connection, station)
        rows = connection.execute(
            select(cursor.c.stream, cursor.c.position).where(cursor.c.station == station)
        )
        return {stream: int(position) for stream, position in rows}


def _check_station(connection: Connection, station: str) -> None:
    owner = connection.execute(text("SELECT central_current_station()")).scalar_one_or_none()
    user = connection.execute(text("SELECT session_user")).scalar_one()
    if owner is None:
        raise CentralError(
            f"The central login {user!r} is not a station's role; create one with "
            f"main.py central add-station {station} --url URL, and use it in [central] url."
        )
    if owner != station:
        raise CentralError(
            f"The central login {user!r} belongs to station {owner!r}, but this station is "
            f"named {station!r}; set [station] name = {owner!r} or use this station's own login."
        )


def _check_same_history(store: Store, station: str, positions: Mapping[str, int]) -> int:
    """The newest event number of `station` in the store, refused if older than delivered."""
    delivered = max(positions.values(), default=0)
    with store.engine.connect() as local:
        newest = max(
            int(
                local.execute(
                    select(func.max(s.local.c.seq)).where(s.local.c.station == station)
                ).scalar_one()
                or 0
            )
            for s in STREAMS
        )
    if newest < delivered:
        raise CentralError(
            f"The central database has events of station {station!r} up to number {delivered}, "
            f"but this station's store only up to {newest}: it is not the store that sent them "
            "(restored from an old backup, or a new store under an old name). Restore the newer "
            "store, or give this station a new name and login (central add-station)."
        )
    return newest


def _unsent(store: Store, stream: Stream, station: str, position: int, batch: int) -> list[Row]:
    table = stream.local
    query = (
        select(table)
        .where(table.c.station == station, table.c.seq > position)
        .order_by(table.c.seq)
        .limit(batch)
    )
    with store.engine.connect() as local:
        result = local.execute(query)
        # Plain dicts: a RowMapping rebuilds its keys on every access.
        names = list(result.keys())
        return [dict(zip(names, row, strict=True)) for row in result]


def _deliver(
    central: Engine, store: Store, stream: Stream, station: str, rows: Sequence[Row]
) -> int:
    """Rows read through the station's models: parcels, and a refused batch row by row."""
    with connected(central) as connection:
        if stream.name == "parcel":
            added = _upsert_parcels(connection, [_record(stream, row) for row in rows])
            _insert_items(connection, store, station, [row["id"] for row in rows])
        else:
            columns = outbox_sql.copy_columns(stream.keys)
            records = [_record(stream, row, json_text=True) for row in rows]
            values = [[record[column] for column in columns] for record in records]
            added = _copy_in(connection, stream.central, columns, values)
        if stream.name == "printjob":
            _refresh_parcels(connection, store, [row["parcel_id"] for row in rows])
        _advance(connection, station, stream.name, int(rows[-1]["seq"]), added)
    return added


def _deliver_copy(
    central: Engine,
    store: Store,
    stream: Stream,
    station: str,
    copy_rows: Sequence[Sequence[Any]],
) -> int:
    columns = outbox_sql.copy_columns(stream.keys)
    with connected(central) as connection:
        added = _copy_in(connection, stream.central, columns, copy_rows)
        if stream.name == "printjob":
            where = columns.index("parcel_id")
            parcels = [uuid.UUID(row[where]) for row in copy_rows if row[where] is not None]
            _refresh_parcels(connection, store, parcels)
        _advance(connection, station, stream.name, int(copy_rows[-1][outbox_sql.SEQ]), added)
    return added


def _copy_in(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
) -> int:
    """Insert the rows that are new by id; how many were new.

    COPY into a temporary table, then one INSERT ... SELECT ... ON CONFLICT
    (id) DO NOTHING: near the speed of a plain COPY, and idempotent. Its row
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
            "ON CONFLICT (id) DO NOTHING"
        )
        return cursor.rowcount


def _record(stream: Stream, row: Row, *, json_text: bool = False) -> dict[str, Any]:
    """The central row: key columns, and the whole station row in `data`.

    With `json_text`, `data` is the JSON text itself (what COPY sends), made
    in one pass instead of converting every value first.
    """
    hidden = _LOCAL_ONLY.get(stream.name, set())
    record = {key: row[key] for key in ("id", "station", "seq", "created_at", *stream.keys)}
    if json_text:
        whole = {key: value for key, value in row.items() if key not in hidden}
        record["data"] = json.dumps(whole, default=_json_value)
    else:
        record["data"] = {
            key: _json_value(value) for key, value in row.items() if key not in hidden
        }
    return record


def _json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


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
    return sum(1 for record in records if record["id"] not in existing)


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
                "data": {key: _json_value(value) for key, value in item.items()},
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
    parcel_stream = STREAMS[2]
    for row in rows:
        record = _record(parcel_stream, row)
        # Only parcels already delivered are refreshed: the parcel stream delivers the rest.
        connection.execute(
            update(schema.parcel)
            .where(
                schema.parcel.c.id == record["id"],
                schema.parcel.c.data.is_distinct_from(record["data"]),
            )
            .values(data=record["data"], tracking=record["tracking"])
        )


def _advance(connection: Connection, station: str, stream: str, position: int, added: int) -> None:
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


def _quarantine(
    central: Engine,
    stream: Stream,
    station: str,
    rows: Sequence[Row],
    exc: Exception,
) -> None:
    reason = str(getattr(exc, "orig", exc)).splitlines()[0]
    with connected(central) as connection:
        connection.execute(
            insert(schema.quarantine).values(
                station=station,
                stream=stream.name,
                first_seq=int(rows[0]["seq"]),
                last_seq=int(rows[-1]["seq"]),
                reason=reason,
                rows=json.dumps([_record(stream, row)["data"] for row in rows]),
                created_at=func.now(),
            )
        )
        _advance(connection, station, stream.name, int(rows[-1]["seq"]), 0)
