"""Each sealed order with its scans summed, kept centrally as they arrive (migration c0011).

Statement triggers on the central scanevent and parcel tables keep, in each
push's own transaction, one row per order with its scans' sums (order_figure)
and one row per sealing box with those sums beside it (order_seal). A day not
over yet, over every station, is then one range of one covering index instead
of every sealed order's scans summed out of their JSON at each refresh
(station.supervisor.queries.packed_groups).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    MetaData,
    Table,
    Text,
    Uuid,
    func,
    literal,
    select,
)

from station.supervisor.rows import PackedGroup
from station.supervisor.tables import Columns, Database, maybe_key, raw

metadata = MetaData()
order_figure = Table(
    "order_figure",
    metadata,
    Column("order_id", Uuid, primary_key=True),
    Column("first_scan_at", DateTime(timezone=True), nullable=False),
    Column("scans", BigInteger, nullable=False),
    Column("units", BigInteger, nullable=False),
    Column("mistakes", BigInteger, nullable=False),
)
order_seal = Table(
    "order_seal",
    metadata,
    Column("parcel_id", Uuid, primary_key=True),
    Column("order_id", Uuid),
    Column("station", Text, nullable=False),
    Column("packer_id", Uuid),
    Column("sealed_at", DateTime(timezone=True), nullable=False),
    Column("first_scan_at", DateTime(timezone=True)),
    Column("units", BigInteger, nullable=False),
    Column("mistakes", BigInteger, nullable=False),
)

# Under the names the figures' queries use (only_where reads station and packer_id).
SEALS = Columns(
    order_seal,
    {
        "order_id": order_seal.c.order_id,
        "station": order_seal.c.station,
        "packer_id": order_seal.c.packer_id,
        "created_at": order_seal.c.sealed_at,
        "first": order_seal.c.first_scan_at,
        "units": order_seal.c.units,
        "mistakes": order_seal.c.mistakes,
    },
)


def kept_groups(
    db: Database, where: Sequence[Any], late: Any, offset: timedelta
) -> list[PackedGroup]:
    """The seals `where` picks, with their kept sums, grouped per station, packer and local hour.

    `late` is the wrong labels scanned back per order (station.supervisor.queries):
    a handful a day, so the orders they make wrong are read apart and added,
    rather than every seal of the day (~60,000 over every station) joined to
    them. The hour is a time bin (date_bin, aligned to the local clock of
    `offset`), named once per group here, not formatted per seal; the packing
    time is the seals' intervals summed, made seconds once per group.
    """
    origin = datetime(2000, 1, 1, tzinfo=UTC) - offset
    hour = func.date_bin(literal(timedelta(hours=1)), SEALS["created_at"], literal(origin))
    grouped = (
        select(
            SEALS["station"],
            raw(SEALS["packer_id"]),
            hour,
            func.count(),
            func.count().filter(SEALS["mistakes"] > 0),
            func.coalesce(func.sum(SEALS["units"]), 0),
            func.coalesce(func.extract("epoch", func.sum(SEALS["created_at"] - SEALS["first"])), 0),
        )
        .where(*where)
        .group_by(SEALS["station"], SEALS["packer_id"], hour)
    )
    groups: dict[tuple[str, str | None, datetime], list[Any]] = {}
    for station, packer_id, at, orders, wrong, units, seconds in db.execute(grouped):
        groups[(str(station), maybe_key(packer_id), at)] = [orders, wrong, units, seconds]
    wrong_late = (
        select(SEALS["station"], raw(SEALS["packer_id"]), hour)
        .select_from(order_seal.join(late, late.c.order_id == SEALS["order_id"]))
        .where(*where, SEALS["mistakes"] == 0)
    )
    for station, packer_id, at in db.execute(wrong_late):
        group = groups.get((str(station), maybe_key(packer_id), at))
        if group is not None:  # else sealed since the first read (its own statement): not in it
            group[1] += 1
    found = []
    for (station, packer_id, at), (orders, wrong, units, seconds) in groups.items():
        local = at.astimezone(UTC) + offset  # the local clock's hour, as UTC digits
        found.append(
            PackedGroup(
                station,
                packer_id,
                local.strftime("%Y-%m-%d"),
                local.hour,
                int(orders),
                int(wrong),
                int(units),
                max(0.0, float(seconds)),
            )
        )
    return found
