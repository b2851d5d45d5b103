"""The central database and the dock: which load a parcel goes on (migration c0010), and the
parcels loaded at two docks while they could not reach each other, as it records them at sync
(migration c0006): each with every load that still holds it, nothing merged."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from station.central.connect import connected
from station.handoff.readiness import short_id


@dataclass(frozen=True)
class Decision:
    """The load the central database put a parcel on, and the station whose load it is."""

    station: str
    load_id: uuid.UUID


def decide_load(engine: Engine, parcel_id: uuid.UUID, load_id: uuid.UUID) -> Decision:
    """Ask to put the parcel on `load_id`; the answer names the load that has it (ours or not).

    Raises:
        CentralUnreachable: the central database cannot be reached.
        CentralError: this login is not a station's.
    """
    with connected(engine) as connection:
        station, decided = connection.execute(
            text("SELECT station, load_id FROM central_decide_load(:parcel, :load)"),
            {"parcel": parcel_id, "load": load_id},
        ).one()
    return Decision(station, decided)


@dataclass(frozen=True)
class LoadedAt:
    station: str
    load: str  # the short load id
    tracking: str | None


@dataclass(frozen=True)
class DoubleLoaded:
    parcel_id: uuid.UUID
    loads: tuple[LoadedAt, ...]

    def line(self) -> str:
        where = ", ".join(f"{at.station} load {at.load}" for at in self.loads)
        tracking = next((at.tracking for at in self.loads if at.tracking), str(self.parcel_id))
        return f"  double_loaded {tracking}: {where}"


def double_loaded(connection: Connection) -> list[DoubleLoaded]:
    """Every parcel on two loads, oldest conflict first (records concurrent arrivals first)."""
    connection.execute(text("SELECT central_record_load_conflicts()"))
    rows = connection.execute(
        text(
            "SELECT c.parcel_id, s.station, s.load_id, s.data->>'tracking' "
            "FROM handoff_conflict c JOIN handoff_scan s "
            "ON s.parcel_id = c.parcel_id AND s.verdict = 'loaded' "
            "WHERE c.kind = 'double_loaded' AND NOT EXISTS (SELECT 1 FROM handoff_scan t "
            "WHERE t.parcel_id = s.parcel_id AND t.load_id = s.load_id "
            "AND t.verdict = 'loaded_elsewhere') ORDER BY c.id, s.created_at, s.station"
        )
    ).all()
    found: dict[uuid.UUID, list[LoadedAt]] = {}
    for parcel_id, station, load_id, tracking in rows:
        found.setdefault(parcel_id, []).append(LoadedAt(station, short_id(load_id), tracking))
    return [DoubleLoaded(parcel_id, tuple(loads)) for parcel_id, loads in found.items()]
