"""`central status`: every station, its last exchange, what it delivered, what needs a look."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, text

from station.central.admin import require_schema
from station.central.connect import connected


@dataclass(frozen=True)
class StationStatus:
    name: str
    last_sync: datetime | None
    delivered: int
    quarantined: int
    open_claims: int


@dataclass(frozen=True)
class DoublePacked:
    """An order packed at more than one station: every station and parcel involved."""

    order: str
    parcels: tuple[tuple[str, str], ...]  # (station, tracking)


@dataclass(frozen=True)
class CentralStatus:
    stations: tuple[StationStatus, ...]
    double_packed: tuple[DoublePacked, ...]

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
        out.append(f"conflicts: {len(self.double_packed)} double-packed order(s)")
        for conflict in self.double_packed:
            where = ", ".join(f"{station} parcel {number}" for station, number in conflict.parcels)
            out.append(f"  double_packed {conflict.order}: {where}")
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
_DOUBLE_PACKED = text(
    """
    SELECT coalesce(o.number, p.order_id::text), p.station, p.tracking
    FROM parcel p LEFT JOIN orders o ON o.id = p.order_id
    WHERE p.order_id IN (
        SELECT order_id FROM parcel GROUP BY order_id HAVING count(DISTINCT station) > 1
    )
    ORDER BY 1, p.station, p.seq
    """
)


def central_status(engine: Engine) -> CentralStatus:
    with connected(engine) as connection:
        require_schema(connection)
        stations = tuple(
            StationStatus(name, when, int(delivered), int(quarantined), int(claims))
            for name, when, delivered, quarantined, claims in connection.execute(_STATIONS)
        )
        grouped: dict[str, list[tuple[str, str]]] = {}
        for order, station, tracking in connection.execute(_DOUBLE_PACKED):
            grouped.setdefault(order, []).append((station, tracking))
    return CentralStatus(
        stations, tuple(DoublePacked(order, tuple(parcels)) for order, parcels in grouped.items())
    )
