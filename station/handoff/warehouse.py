"""Which warehouse this station is in, as its `[station] warehouse` setting says.

The window and a replay write it into the store when they start (`remember`),
and the station's sync (its own process, which reads no settings of its own
beyond the central link) tells the central database from there at each pull
(station/handoff/mirror_pull.py). A dock's lists are then its warehouse's:
the close's parcels not loaded and the parcels never collected name only the
parcels of stations in the same warehouse.
"""

from __future__ import annotations

from sqlalchemy.dialects.sqlite import insert
from sqlmodel import Field, SQLModel, select

from station.store import Store

DEFAULT = "main"


class StationWarehouse(SQLModel, table=True):
    """The warehouse of a station of this store (one row per station name)."""

    __tablename__ = "station_warehouse"

    station: str = Field(primary_key=True)
    warehouse: str


def remember(store: Store, station: str, warehouse: str) -> None:
    """Record the station's warehouse (a start with a changed setting replaces it)."""
    table = StationWarehouse.__table__  # type: ignore[attr-defined]
    statement = insert(table).values(station=station, warehouse=warehouse)
    with store.write_lock, store.engine.begin() as local:
        local.execute(
            statement.on_conflict_do_update(
                index_elements=["station"],
                set_={"warehouse": warehouse},
                where=table.c.warehouse != warehouse,
            )
        )


def of(store: Store, station: str) -> str | None:
    """The station's warehouse as last recorded; None before the window or a replay ran."""
    with store.session() as db:
        return db.exec(
            select(StationWarehouse.warehouse).where(StationWarehouse.station == station)
        ).first()
