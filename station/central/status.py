"""`central status`: every station, its last exchange, what it delivered, what needs a look.

A supervisor's screen calls the same: `central_status(engine)`, or
`double_packed_orders`, `quarantined_batches` and (for parcels loaded at two
docks) station.handoff.central.double_loaded on a connection; a station's login
is enough for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, text

from station.central.admin import require_schema
from station.central.connect import connected
from station.handoff.central import DoubleLoaded, double_loaded


@dataclass(frozen=True)
class StationStatus:
    name: str
    last_sync: datetime | None
    delivered: int
    quarantined: int
    open_claims: int


@dataclass(frozen=True)
class PackedParcel:
    """One parcel of a double-packed order, and the claim its station packed it under."""

    station: str
    tracking: str
    packed_at: datetime
    fence: int | None  # the station's claim on the order then; None: no claim (offline)

    def words(self) -> str:
        claim = f"claim {self.fence}" if self.fence is not None else "no claim: packed offline"
        return f"{self.station} parcel {self.tracking} ({claim})"


@dataclass(frozen=True)
class DoublePacked:
    """An order packed at more than one station: every station and parcel involved."""

    order: str
    detected_at: datetime
    parcels: tuple[PackedParcel, ...]

    @property
    def stations(self) -> tuple[str, ...]:
        return tuple(sorted({parcel.station for parcel in self.parcels}))


@dataclass(frozen=True)
class QuarantinedBatch:
    """Events the server refused for good: set aside with its reason, never retried."""

    station: str
    stream: str
    first_seq: int
    last_seq: int
    reason: str
    at: datetime

    def words(self) -> str:
        seqs = f"#{self.first_seq}" + (
            f"-{self.last_seq}" if self.last_seq != self.first_seq else ""
        )
        return f"{self.station} {self.stream} {seqs}: {self.reason}"


@dataclass(frozen=True)
class CentralStatus:
    stations: tuple[StationStatus, ...]
    double_packed: tuple[DoublePacked, ...]
    quarantined: tuple[QuarantinedBatch, ...] = ()
    double_loaded: tuple[DoubleLoaded, ...] = ()

    def lines(self) -> list[str]:
        out = [
            f"{'station':20} {'last sync (UTC)':20} {'delivered':>10} {'quarantined':>11} "
            f"{'open claims':>11}"
        ]
        for s in self.stations:
            when = s.last_sync.strftime("%Y-%m-%d %H:%M:%S") if s.last_sync else "never"
            out.append(
                f"{s.name:20} {when:20} {s.delivered:>10} {s.quarantined:>11} {s.open_claims:>11}"
            )
        if not self.stations:
            out.append("(no stations yet: main.py central add-station NAME --url URL)")
        out.append(f"quarantined: {len(self.quarantined)} refused batch(es)")
        out.extend(f"  {batch.words()}" for batch in self.quarantined)
        out.append(f"conflicts: {len(self.double_packed)} double-packed order(s)")
        for conflict in self.double_packed:
            where = ", ".join(parcel.words() for parcel in conflict.parcels)
            out.append(f"  double_packed {conflict.order}: {where}")
        out.append(f"conflicts: {len(self.double_loaded)} double-loaded parcel(s)")
        out.extend(parcel.line() for parcel in self.double_loaded)
        return out


_STATIONS = text(
    """
    SELECT s.name,
           (SELECT updated_at AT TIME ZONE 'UTC' FROM sync_cursor c
             WHERE c.station = s.name AND c.stream = 'contact'),
           (SELECT coalesce(sum(delivered), 0) FROM sync_cursor c WHERE c.station = s.name),
           (SELECT coalesce(sum(last_seq - first_seq + 1), 0) FROM quarantine q
             WHERE q.station = s.name),
           (SELECT count(*) FROM order_claim c WHERE c.station = s.name
             AND c.released_at IS NULL AND c.expires_at > now())
    FROM central_station s ORDER BY s.name
    """
)
# Each parcel with the fence of the last claim its station took on the order before it.
_DOUBLE_PACKED = text(
    """
    SELECT coalesce(o.number, c.order_id::text), c.detected_at, p.station, p.tracking,
           p.created_at,
           (SELECT (e.data ->> 'fence')::bigint FROM orderevent e
             WHERE e.order_id = p.order_id AND e.station = p.station
               AND e.kind = 'claim_taken' AND e.seq < p.seq
             ORDER BY e.seq DESC LIMIT 1)
    FROM order_conflict c
    JOIN parcel p ON p.order_id = c.order_id
    LEFT JOIN orders o ON o.id = c.order_id
    WHERE c.kind = 'double_packed'
    ORDER BY c.detected_at, 1, p.station, p.seq
    """
)
_QUARANTINED = text(
    """
    SELECT station, stream, first_seq, last_seq, reason, created_at FROM quarantine
    WHERE CAST(:station AS text) IS NULL OR station = :station
    ORDER BY created_at, id
    """
)


def double_packed_orders(connection: Connection) -> tuple[DoublePacked, ...]:
    """Every double-packed order, oldest first, with all its parcels (records new ones first)."""
    connection.execute(text("SELECT central_record_conflicts()"))
    grouped: dict[str, DoublePacked] = {}
    for order, detected, station, tracking, packed_at, fence in connection.execute(_DOUBLE_PACKED):
        parcel = PackedParcel(station, tracking, packed_at, None if fence is None else int(fence))
        known = grouped.get(order)
        parcels = (*known.parcels, parcel) if known else (parcel,)
        grouped[order] = DoublePacked(order, detected, parcels)
    return tuple(grouped.values())


def quarantined_batches(
    connection: Connection, station: str | None = None
) -> tuple[QuarantinedBatch, ...]:
    """The batches set aside for good (of one station, or all), oldest first."""
    return tuple(
        QuarantinedBatch(name, stream, int(first), int(last), reason, at)
        for name, stream, first, last, reason, at in connection.execute(
            _QUARANTINED, {"station": station}
        )
    )


def central_status(engine: Engine) -> CentralStatus:
    with connected(engine) as connection:
        require_schema(connection)
        stations = tuple(
            StationStatus(name, when, int(delivered), int(quarantined), int(claims))
            for name, when, delivered, quarantined, claims in connection.execute(_STATIONS)
        )
        return CentralStatus(
            stations,
            double_packed_orders(connection),
            quarantined_batches(connection),
            tuple(double_loaded(connection)),
        )
