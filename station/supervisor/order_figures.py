"""Each order's scans summed as they arrive centrally (central migration c0011).

A statement trigger on the central scanevent table adds every pushed batch's
scans to one row per order, in the push's own transaction, so "today" over
every station reads one small row per sealed order instead of summing each
order's scans out of their JSON at every refresh
(station.supervisor.queries.packed_groups).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, MetaData, Table, Uuid, select

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


def kept_order_sums() -> Any:
    """order_figure's rows under the names of the sums packed_groups reads from the scans."""
    return select(
        order_figure.c.order_id.label("order_id"),
        order_figure.c.first_scan_at.label("first"),
        order_figure.c.units.label("units"),
        order_figure.c.mistakes.label("mistakes"),
    )
