"""Reading a stream's unsent events in batches, the next one while the last is sent."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from station.store import Store
from station.sync import outbox_sql
from station.sync.streams import LOCAL_ONLY, Row, Stream


@dataclass(frozen=True)
class Batch:
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


def batches(
    store: Store, stream: Stream, station: str, position: int, batch: int
) -> Iterator[Batch]:
    """The unsent events in batches; the next one is read on a thread while the caller
    sends this one, so the station's work overlaps the server's."""
    with ThreadPoolExecutor(1, thread_name_prefix="push-read") as reader:
        upcoming = reader.submit(_read_batch, store, stream, station, position, batch)
        while (ready := upcoming.result()).size:
            upcoming = reader.submit(_read_batch, store, stream, station, ready.last, batch)
            yield ready


def _read_batch(store: Store, stream: Stream, station: str, position: int, batch: int) -> Batch:
    if stream.name == "parcel":  # upserted (a parcel changes after it is sent), from its rows
        return Batch(position, unsent(store, stream, station, position, batch), [])
    hidden = LOCAL_ONLY.get(stream.name, set())
    copy_rows = outbox_sql.unsent(
        store, stream.local, stream.keys, hidden, station, position, batch
    )
    return Batch(position, [], copy_rows)


def unsent(store: Store, stream: Stream, station: str, position: int, batch: int) -> list[Row]:
    """Up to `batch` rows of the stream after `position`, as plain dicts."""
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
