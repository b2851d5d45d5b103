"""Which store a station's events come from: one random id per store, bound centrally.

A station's events are numbered by its own sequence, so the central database
cannot tell two stores apart by numbers alone: a fresh store under a name
another store already synced would have its first events taken for ones the
central database already has. Each store therefore gets a random id once, when
it is created (migration 0014), and the central database records the first id
that delivers events for a station name (`station_store`, migration c0003);
any other store pushing under that name is refused. A store that synced before
ids existed binds its id on its first sync after the upgrade.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Engine, select, text
from sqlmodel import Field, SQLModel

from station.central.connect import CentralError, connected
from station.store import Store


class StoreIdentity(SQLModel, table=True):
    """This store's id: one row, written when the store is created, never changed."""

    id: uuid.UUID = Field(primary_key=True)


def store_id(store: Store) -> uuid.UUID:
    table = StoreIdentity.__table__  # type: ignore[attr-defined]
    with store.engine.connect() as local:
        found = local.execute(select(table.c.id)).scalar_one()
    return uuid.UUID(str(found))


def bound_store(central: Engine, station: str) -> uuid.UUID | None:
    """The store the central database takes `station`'s events from; None before any."""
    with connected(central) as connection:
        found = connection.execute(
            text("SELECT store_id FROM station_store WHERE station = :station"),
            {"station": station},
        ).scalar_one_or_none()
    return None if found is None else uuid.UUID(str(found))


def refuse_another_store(bound: uuid.UUID | None, mine: uuid.UUID, station: str) -> None:
    if bound is not None and bound != mine:
        raise CentralError(
            f"The station name {station!r} is already used by another store at the central "
            "database: this store's events would be mixed with that store's, so nothing was "
            "sent. Give this store its own station name (main.py central add-station NEW-NAME "
            "--url URL, then [station] name and [central] url in its config), or put the "
            f"original store of {station!r} back."
        )


def bind_store(central: Engine, station: str, mine: uuid.UUID) -> None:
    """Record this store as `station`'s; refused if another store got there first."""
    with connected(central) as connection:
        connection.execute(
            text(
                "INSERT INTO station_store (station, store_id) VALUES (:station, :store) "
                "ON CONFLICT (station) DO NOTHING"
            ),
            {"station": station, "store": mine},
        )
        bound = connection.execute(
            text("SELECT store_id FROM station_store WHERE station = :station"),
            {"station": station},
        ).scalar_one()
    refuse_another_store(uuid.UUID(str(bound)), mine, station)
