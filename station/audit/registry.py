"""Which tables of a station's store are on its audit chain (station.audit.chain).

Every event a station stores is chained: adding a table to the chain is ONE
line in `AUDITED` below, with nothing else to change. Rows are chained when
they are inserted or changed through a store session (ORM objects, or Core
`insert`/`update` statements that carry each row's `id`), in the same
transaction as the rows themselves. `main.py audit verify` then finds any row
of these tables edited, deleted or inserted behind PackStation's back.

A table listed here must have a UUID `id` primary key. Its station is its
`station` column, or `station_sql`, an SQL expression on the row (for a table
that belongs to another table's row, like a parcel's items). A table that
belongs to the store rather than to one station (the packers: badges, roles
and PIN hashes, which every station of the store signs in with) is on the
store's own chain, STORE_CHAIN.
"""

from __future__ import annotations

from dataclasses import dataclass

# No station is named "" (station.settings refuses an empty name): the store's own chain.
STORE_CHAIN = ""
# Nor centrally "~…" (station.central.roles): the central packers' chain (central_packers).
CENTRAL_PACKER_CHAIN = "~packers"
# Chains that are no station's: a problem on one of them is every station's.
SHARED_CHAINS = frozenset({STORE_CHAIN, CENTRAL_PACKER_CHAIN})


def chain_name(station: str) -> str:
    """A chain as a message names it."""
    if station == STORE_CHAIN:
        return "the store's packer chain"
    if station == CENTRAL_PACKER_CHAIN:
        return "the central packer chain"
    return f"station {station!r}"


@dataclass(frozen=True)
class Audited:
    """A chained table: its name, how its station is found, and columns left out."""

    table: str
    station_sql: str = "station"
    # Derived, local bookkeeping kept out of the record (as sync keeps it out of
    # the central copy); the verifier checks it against the rows it comes from.
    unhashed: frozenset[str] = frozenset()


AUDITED: tuple[Audited, ...] = (
    Audited("scanevent"),
    Audited("orderevent"),
    Audited("parcel"),
    Audited(
        "parcelitem",
        station_sql="(SELECT parcel.station FROM parcel WHERE parcel.id = parcelitem.parcel_id)",
    ),
    Audited("printjob", unhashed=frozenset({"status"})),
    Audited("printattempt"),
    Audited("settingsevent"),
    Audited("evidencefile"),
    Audited("evidencedeletion"),
    Audited("supervisorauth"),
    Audited("handoff_load"),
    Audited("handoff_scan"),
    Audited("handoff_close"),
    # Migration 0019 chained the packers a store already had; sync's pull chains
    # what it writes (station.sync.pull), the importer through its store session.
    Audited("packer", station_sql=repr(STORE_CHAIN)),
    # Other helpers' tables join here, one line each, e.g. Audited("handoffload").
)

BY_TABLE: dict[str, Audited] = {entry.table: entry for entry in AUDITED}
