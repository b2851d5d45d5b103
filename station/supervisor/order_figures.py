"""Each sealed order with its scans summed, kept centrally as they arrive (migration c0011).

Statement triggers on the central scanevent and parcel tables keep, in each
push's own transaction, one row per order with its scans' sums (order_figure)
and one row per sealing box with those sums beside it (order_seal). A day not
over yet, over every station, is then one range of one covering index instead
of every sealed order's scans summed out of their JSON at each refresh
(station.supervisor.queries.packed_groups).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, MetaData, Table, Text, Uuid

from station.supervisor.tables import Columns

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
