"""Fill the dock's mirror (station/handoff/remote.py) from the central database, at each sync.

Incremental and exact: each station's events reach the central database in
order, and its delivered position per stream (`sync_cursor`) is written in
the same transaction as the rows it covers. So in one snapshot, the rows of
station S's stream after the position this dock saw last, up to S's cursor,
are exactly the new ones. From them come the parcels whose facts may have
changed (a new parcel, a relabel or void, an order event, a label scanned
back, a load at another dock); only those are read again, whole.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, text, update
from sqlalchemy.dialects.sqlite import insert

from station.central.connect import connected
from station.handoff import warehouse
from station.handoff.remote import RemoteLoaded, RemoteParcel, RemoteVoid
from station.handoff.tables import LOADED, HandoffScan
from station.models import utc_now
from station.store import Store

# Parcels older than this are not mirrored (as `handoff pending` looks back, loads.LOOKBACK).
KEEP = timedelta(days=14)
SLICE = 500  # rows written per local transaction
STREAMS = ("parcel", "printjob", "orderevent", "scanevent", "handoff_scan", "handoff_close")
PREFIX = "handoff:"  # the pull positions' keys: handoff:<station>:<stream>

_PARCEL_TABLE = RemoteParcel.__table__  # type: ignore[attr-defined]
_VOID_TABLE = RemoteVoid.__table__  # type: ignore[attr-defined]
_LOADED_TABLE = RemoteLoaded.__table__  # type: ignore[attr-defined]
_SCAN_TABLE = HandoffScan.__table__  # type: ignore[attr-defined]

# The station logged in: its own parcels and loads are in its store, not the mirror.
_ME = "coalesce((SELECT central_current_station()), '')"
# The rows of a stream in the new ranges (r: station, lo, hi), per stream.
_RANGES = "unnest(CAST(:stations AS text[]), CAST(:los AS bigint[]), CAST(:his AS bigint[]))"
# The parcels of the mirror's window (KEEP) each stream's new rows may change, per stream.
_RECENT = "p.created_at >= :since AND p.station <> " + _ME
_NEW = {
    "parcel": "SELECT p.id FROM parcel p JOIN {r} AS r(station, lo, hi) "
    "ON p.station = r.station AND p.seq > r.lo AND p.seq <= r.hi WHERE " + _RECENT,
    "printjob": "SELECT p.id FROM printjob j JOIN {r} AS r(station, lo, hi) "
    "ON j.station = r.station AND j.seq > r.lo AND j.seq <= r.hi "
    "JOIN parcel p ON p.id = j.parcel_id WHERE " + _RECENT,
    "orderevent": "SELECT p.id FROM orderevent e JOIN {r} AS r(station, lo, hi) "
    "ON e.station = r.station AND e.seq > r.lo AND e.seq <= r.hi "
    "JOIN parcel p ON p.order_id = e.order_id WHERE " + _RECENT,
    "scanevent": "SELECT p.id FROM scanevent s JOIN {r} AS r(station, lo, hi) "
    "ON s.station = r.station AND s.seq > r.lo AND s.seq <= r.hi "
    "JOIN parcel p ON p.order_id = s.order_id AND p.tracking = s.data->>'code' "
    "WHERE s.verdict = 'label_verified' AND " + _RECENT,
}
_VOIDS = text(
    f"SELECT e.data->>'note' FROM orderevent e JOIN {_RANGES} AS r(station, lo, hi) "
    "ON e.station = r.station AND e.seq > r.lo AND e.seq <= r.hi WHERE e.kind = 'label_voided'"
)
_LOADS = text(
    f"SELECT h.parcel_id, h.station, h.load_id, "
    "EXISTS (SELECT 1 FROM handoff_close c WHERE c.load_id = h.load_id) "
    f"FROM handoff_scan h JOIN {_RANGES} AS r(station, lo, hi) "
    "ON h.station = r.station AND h.seq > r.lo AND h.seq <= r.hi "
    "WHERE h.verdict = 'loaded' AND h.parcel_id IS NOT NULL AND h.station <> " + _ME
)
_CLOSES = text(
    f"SELECT c.load_id FROM handoff_close c JOIN {_RANGES} AS r(station, lo, hi) "
    "ON c.station = r.station AND c.seq > r.lo AND c.seq <= r.hi WHERE c.station <> " + _ME
)
# An order imported at its bench only is in no central `orders` row: its number is then the
# one its parcel's first label printed (every print job of a parcel holds its LabelContent).
_FACTS = text(
    "SELECT p.id, p.station, p.seq, p.order_id, coalesce(o.number, "
    " (SELECT (j.data->>'content_json')::jsonb->>'order_number' FROM printjob j "
    "  WHERE j.parcel_id = p.id ORDER BY j.seq LIMIT 1), '') AS order_number, "
    "p.tracking, coalesce(p.data->>'courier', '') AS courier, "
    "coalesce(p.data->>'service', '') AS service, "
    "(p.data->>'weight_g')::int AS weight_g, p.created_at, "
    "coalesce((SELECT w.warehouse FROM station_warehouse w WHERE w.station = p.station), "
    "'main') "
    "AS warehouse, "
    "(SELECT e.data->>'reason' FROM orderevent e WHERE e.order_id = p.order_id "
    " AND e.kind = 'order_cancelled' ORDER BY e.created_at DESC LIMIT 1) AS cancelled, "
    "coalesce((SELECT e.kind = 'exception_flagged' FROM orderevent e "
    " WHERE e.order_id = p.order_id AND e.kind IN ('exception_flagged', 'exception_released') "
    " ORDER BY e.created_at DESC, e.seq DESC LIMIT 1), false) AS in_exception, "
    "EXISTS (SELECT 1 FROM scanevent s WHERE s.order_id = p.order_id "
    " AND s.station = p.station AND s.seq > p.seq AND s.verdict = 'label_verified' "
    " AND s.data->>'code' = p.tracking) AS scanned_back "
    "FROM parcel p LEFT JOIN orders o ON o.id = p.order_id "
    "WHERE p.id = ANY(CAST(:ids AS uuid[])) AND p.created_at >= :since AND p.station <> " + _ME
)


@dataclass
class MirrorChanges:
    """What one pull read for the mirror, and the positions it read up to."""

    parcels: list[dict[str, Any]] = field(default_factory=list)
    voids: dict[str, str] = field(default_factory=dict)
    loads: list[tuple[uuid.UUID, str, uuid.UUID, bool]] = field(default_factory=list)
    closed_loads: list[uuid.UUID] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)


def pull_mirror(central: Engine, store: Store, positions: Mapping[str, int]) -> MirrorChanges:
    """Bring the dock's mirror up to the central database; raises CentralUnreachable.

    The station's warehouse, as its window or replay recorded it, is told first.
    """
    with connected(central) as connection:
        me = connection.execute(text("SELECT central_current_station()")).scalar()
        known = warehouse.of(store, me) if me else None
        if known is not None:
            connection.execute(text("SELECT central_set_warehouse(:w)"), {"w": known})
    with connected(central) as connection:
        connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        changes = read_changes(connection, positions)
    apply_changes(store, changes)
    return changes


def read_changes(connection: Connection, positions: Mapping[str, int]) -> MirrorChanges:
    """The changes for the mirror of the station logged in (central_current_station)."""
    cursors = connection.execute(
        text("SELECT station, stream, position FROM sync_cursor WHERE stream = ANY(:streams)"),
        {"streams": list(STREAMS)},
    ).all()
    changes = MirrorChanges()
    ranges: dict[str, dict[str, list[Any]]] = {}
    for at, stream, position in cursors:
        key = f"{PREFIX}{at}:{stream}"
        seen = int(positions.get(key, 0))
        changes.positions[key] = max(seen, int(position))
        if int(position) > seen:
            wanted = ranges.setdefault(stream, {"stations": [], "los": [], "his": []})
            wanted["stations"].append(at)
            wanted["los"].append(seen)
            wanted["his"].append(int(position))
    since = utc_now() - KEEP
    ids: set[uuid.UUID] = set()
    for stream, query in _NEW.items():
        if stream in ranges:
            found = connection.execute(
                text(query.format(r=_RANGES)), {**ranges[stream], "since": since}
            )
            ids.update(found.scalars())
    if "orderevent" in ranges:
        for note in connection.execute(_VOIDS, ranges["orderevent"]).scalars():
            old, _, new = (note or "").partition(" -> ")
            if old and new:
                changes.voids[old] = new
    if "handoff_scan" in ranges:
        rows = connection.execute(_LOADS, ranges["handoff_scan"])
        changes.loads = [(pid, at, load, bool(closed)) for pid, at, load, closed in rows]
        ids.update(pid for pid, _at, _load, _closed in changes.loads)
    if "handoff_close" in ranges:
        found = connection.execute(_CLOSES, ranges["handoff_close"])
        changes.closed_loads = list(found.scalars())
    if ids:
        rows = connection.execute(_FACTS, {"ids": sorted(ids), "since": since})
        changes.parcels = [dict(row) for row in rows.mappings()]
    return changes


def apply_changes(store: Store, changes: MirrorChanges) -> None:
    """Write the changes in short transactions of SLICE rows: a scan at this station (or
    the station, from another process) waits for one slice at most, never for a whole
    first pull. A pull cut part way is read again whole next time (its positions are saved
    only after it), and every write is an upsert."""
    now = utc_now()
    # A parcel this dock loaded stays: its loads list it for good (`handoff show` weeks later,
    # when a courier says it never had it), as a parcel sealed here stays in `parcel`.
    loaded_here = select(_SCAN_TABLE.c.parcel_id).where(
        _SCAN_TABLE.c.verdict == LOADED, _SCAN_TABLE.c.parcel_id.is_not(None)
    )
    steps: list[Callable[[Connection], object]] = [
        lambda local: local.execute(
            delete(_PARCEL_TABLE).where(
                _PARCEL_TABLE.c.created_at < now - KEEP, _PARCEL_TABLE.c.id.not_in(loaded_here)
            )
        )
    ]
    steps += [partial(_parcel, row, now) for row in changes.parcels]
    steps += [partial(_void, old, new) for old, new in changes.voids.items()]
    steps += [partial(_loaded, *loaded) for loaded in changes.loads]
    if changes.closed_loads:
        closed = changes.closed_loads
        steps.append(
            lambda local: local.execute(
                update(_LOADED_TABLE).where(_LOADED_TABLE.c.load_id.in_(closed)).values(closed=True)
            )
        )
    for start in range(0, len(steps), SLICE):
        with store.write_lock, store.engine.begin() as local:
            for step in steps[start : start + SLICE]:
                step(local)


def _parcel(row: dict[str, Any], now: datetime, local: Connection) -> None:
    values = {
        **row,
        "in_exception": bool(row["in_exception"]),
        "scanned_back": bool(row["scanned_back"]),
        "updated_at": now,
    }
    statement = insert(_PARCEL_TABLE).values(values)
    local.execute(
        statement.on_conflict_do_update(
            index_elements=["id"], set_={k: v for k, v in values.items() if k != "id"}
        )
    )


def _void(old: str, new: str, local: Connection) -> None:
    statement = insert(_VOID_TABLE).values(tracking=old, replaced_by=new)
    local.execute(
        statement.on_conflict_do_update(index_elements=["tracking"], set_={"replaced_by": new})
    )


def _loaded(
    parcel_id: uuid.UUID, at: str, load_id: uuid.UUID, closed: bool, local: Connection
) -> None:
    values = {"parcel_id": parcel_id, "station": at, "load_id": load_id, "closed": closed}
    statement = insert(_LOADED_TABLE).values(values)
    local.execute(
        statement.on_conflict_do_update(
            index_elements=["parcel_id"], set_={"station": at, "load_id": load_id, "closed": closed}
        )
    )
