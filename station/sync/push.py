"""Push: what happened at a bench goes to the central database, in order, exactly once there.

The station's own tables are the outbox: every event has a UUID and a place
in the station's sequence (`seq`, one counter across its tables, never a wall
clock). Per table, the rows after the position the central database has
recorded for this station are sent in batches; each batch is inserted with
ON CONFLICT (id) DO NOTHING in one central transaction together with the new
position. A connection lost after the server committed (a lost
acknowledgement) therefore changes nothing on the retry: the position says
the batch is there, and sending it again would insert nothing.

What a stream is and how its rows become central rows: station.sync.streams;
reading the batches: station.sync.batches; one batch's central transaction
(and parcels, the one kind of row a station changes after writing it):
station.sync.deliver.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, func, select, text

from station.central import schema
from station.central.connect import CentralError, connected
from station.store import Store
from station.sync import audit_links, deliver, identity
from station.sync.batches import batches, unsent
from station.sync.deliver import REFUSED
from station.sync.streams import STREAMS, Row, Stream

BATCH = 5000  # fewer round trips and transactions: a catch-up about a fifth quicker than 1000


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
        for part in batches(store, stream, station, position, batch):
            if stop is not None and stop.is_set():
                break
            try:
                if part.copy_rows:
                    result.pushed += deliver.deliver_copy(
                        central, store, stream, station, part.copy_rows
                    )
                else:
                    result.pushed += deliver.deliver_rows(
                        central, store, stream, station, part.rows
                    )
            except REFUSED:
                rows = part.rows or unsent(store, stream, station, part.after, part.size)
                _deliver_one_by_one(central, store, stream, station, rows, result)
            if on_batch is not None:
                on_batch(stream.name, part.last)
    if stop is None or not stop.is_set():
        # After the events: every event delivered above has its link among these.
        position = positions.get(audit_links.STREAM, 0)
        audit_links.push_links(central, store, station, position, batch=batch, stop=stop)
    return result


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
            result.pushed += deliver.deliver_rows(central, store, stream, station, [row])
        except REFUSED as exc:
            # Sending it again cannot help: set it aside, visibly, and go on.
            deliver.quarantine(central, stream, station, [row], exc)
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
    delivered = max((positions.get(s.name, 0) for s in STREAMS), default=0)
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
