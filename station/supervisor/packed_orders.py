"""Each order packed in a period, one by one: the facts behind a figure's drill-down.

The same rule as the grouped sums (station.supervisor.queries.packed_groups):
an order sealed on a day counts what was recorded by that day's end plus
SCAN_BACK_GRACE, so the orders listed behind a figure are counted as it counts them.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, select

from station.supervisor.order_figures import SEALS
from station.supervisor.period import Period
from station.supervisor.queries import (
    SCAN_BACK_GRACE,
    only_where,
    scan_back_mistakes,
    window,
)
from station.supervisor.rows import KIND_OF_VERDICT, Filter, PackedOrder
from station.supervisor.tables import Database, Key, Tables, key, maybe_key, raw


def packed_order_list(
    db: Database, tables: Tables, period: Period, only: Filter, now: datetime | None = None
) -> list[PackedOrder]:
    """Orders sealed in the period (their last box), each with its scans summed.

    Read one local day at a time, as packed_groups counts them: an order sealed
    on a day counts what was recorded by that day's end plus SCAN_BACK_GRACE,
    not by the period's end, so the orders behind a figure are counted as the
    figure counts them. An order sealed again on a later day counts once, as of
    its last seal.
    """
    at = now or datetime.now(UTC)
    last: dict[Key, PackedOrder] = {}
    for day in period.each_day():
        for order in _packed_orders_of_day(db, tables, day, only, at):
            last[order.order_id] = order
    return sorted(last.values(), key=lambda order: order.sealed_at)


def _packed_orders_of_day(
    db: Database, tables: Tables, period: Period, only: Filter, at: datetime
) -> list[PackedOrder]:
    """Orders sealed on one day (their last box), then their scans summed per order.

    Two queries, not a join: the seals come from the parcel index by time, the
    sums from one ordered walk of the scan index by order (both covering).
    """
    parcel, scan = tables.parcel, tables.scan
    # Centrally, a day not over reads its seals with their orders' sums kept (c0011).
    kept = tables.central and at < period.utc_bounds()[1] + SCAN_BACK_GRACE
    boxes = SEALS if kept else parcel
    sealed = select(
        raw(boxes["order_id"]), boxes["station"], raw(boxes["packer_id"]), boxes["created_at"]
    ).where(*window(boxes, period), *only_where(db, tables, boxes, only))
    if kept:
        sealed = sealed.add_columns(SEALS["first"], SEALS["units"], SEALS["mistakes"])
    else:
        sealed = sealed.where(parcel["parcel_no"] == parcel["parcel_count"])
    last: dict[Key, tuple[str, Key | None, datetime]] = {}
    scanned: dict[Key, Any] = {}
    for order_id, station, packer_id, created, *sums_kept in db.execute(sealed):
        order = key(order_id)
        known = last.get(order)
        if known is None or known[2] < created:  # sealed again: the last seal counts
            last[order] = (str(station), maybe_key(packer_id), created)
        if sums_kept:
            scanned[order] = sums_kept
    if not last:
        return []
    if not kept:
        mistake = case((scan["verdict"].in_(list(KIND_OF_VERDICT)), 1), else_=0)
        sums = (
            select(
                raw(scan["order_id"]),
                func.min(scan["created_at"]),
                func.coalesce(func.sum(scan["units_counted"]), 0),
                func.coalesce(func.sum(mistake), 0),
            )
            .where(scan["order_id"].in_(sealed.with_only_columns(parcel["order_id"])))
            .where(scan["created_at"] < period.utc_bounds()[1] + SCAN_BACK_GRACE)
            .group_by(scan["order_id"])
        )
        scanned = {key(row[0]): row[1:] for row in db.execute(sums)}
    # As packed_groups counts them: scanned back from the seal's local day to its end + grace.
    late: Counter[Key] = Counter()
    seals = {order_id: period.local(created).date() for order_id, (_s, _p, created) in last.items()}
    for order_id, at in scan_back_mistakes(db, tables, period):
        sealed_on = seals.get(order_id)
        if sealed_on is not None:
            since, until = Period(sealed_on, sealed_on, period.tz).utc_bounds()
            late[order_id] += since <= at < until + SCAN_BACK_GRACE
    found = []
    for order_id, (station, packer_id, created) in last.items():
        sealed_at = period.local(created)
        first, units, mistakes = scanned.get(order_id, (None, 0, 0))
        found.append(
            PackedOrder(
                order_id,
                station,
                packer_id,
                sealed_at,
                period.local(first) if first is not None else sealed_at,
                int(units),
                int(mistakes) + late[order_id],
            )
        )
    return sorted(found, key=lambda order: order.sealed_at)
