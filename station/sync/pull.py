"""Pull: the catalog, packers and orders changed centrally since the last pull, into the station
(and the dock's mirror of other stations' parcels: station/handoff/mirror_pull.py).

Every central reference row carries the transaction that last wrote it
(`change_txid`). A pull reads, in one snapshot, the rows written by
transactions at or after the oldest one still running at the previous pull
(its `xmin`): nothing committed after that pull is missed, and a row seen
twice is upserted twice, harmlessly. Rows keep their central UUIDs, which the
station's events then point at.

A row the station already has under another id (the same SKU, badge, order
number or barcode, imported locally), and an order the station has started
whose lines changed centrally, are conflicts: counted, logged, never merged.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, Table, delete, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from station import models
from station.audit.chain import append_links, row_key
from station.central.connect import connected
from station.handoff.mirror_pull import pull_mirror
from station.store import Store

log = logging.getLogger(__name__)


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


PRODUCT, BARCODE, PACKER = _table(models.Product), _table(models.Barcode), _table(models.Packer)
ORDER, LINE, LABEL = (
    _table(models.Order),
    _table(models.OrderLine),
    _table(models.OrderLabelDocument),
)
KINDS = ("catalog", "packers", "orders")
ORDER_SLICE = 500


@dataclass
class Changes:
    """What one pull read centrally: parent rows with their children, by parent id."""

    kind: str
    parents: list[RowMapping]
    children: dict[str, list[RowMapping]] = field(default_factory=dict)


@dataclass
class PullResult:
    pulled: int = 0
    conflicts: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)


def pull(central: Engine, store: Store, positions: Mapping[str, int]) -> PullResult:
    """Bring the station's reference data up to the central database; raises CentralUnreachable."""
    changes, horizon = _read(central, positions)
    result = PullResult(positions={kind: horizon for kind in KINDS})
    for part in (piece for change in changes for piece in _slices(change)):
        # Short write transactions: a scan (or the station, from another process)
        # waits for one slice at most, never for a whole first pull.
        with store.write_lock, store.engine.begin() as local:
            applied, conflicts = _APPLY[part.kind](local, part)
        result.pulled += applied
        result.conflicts += conflicts
    for conflict in result.conflicts:
        log.warning("pull conflict: %s", conflict)
    # Other stations' sealed parcels, for loading them at this dock (station/handoff/remote.py).
    result.positions.update(pull_mirror(central, store, positions).positions)
    return result


def _slices(change: Changes) -> list[Changes]:
    """Orders in slices of ORDER_SLICE; the catalog whole (a barcode may move between
    two of its products, which must change in one transaction), packers whole."""
    if change.kind != "orders" or len(change.parents) <= ORDER_SLICE:
        return [change]
    grouped = {name: _by_parent(rows, "order_id") for name, rows in change.children.items()}
    parts = []
    for start in range(0, len(change.parents), ORDER_SLICE):
        parents = change.parents[start : start + ORDER_SLICE]
        children = {
            name: [row for parent in parents for row in by_order.get(parent["id"], [])]
            for name, by_order in grouped.items()
        }
        parts.append(Changes(change.kind, parents, children))
    return parts


def _read(central: Engine, positions: Mapping[str, int]) -> tuple[list[Changes], int]:
    with connected(central) as connection:
        # One snapshot for every table, and the horizon of the next pull.
        connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        horizon = int(
            connection.execute(
                text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            ).scalar_one()
        )
        changes = [
            _changed(
                connection, "catalog", PRODUCT, positions, {"barcode": (BARCODE, "product_id")}
            ),
            _changed(connection, "packers", PACKER, positions, {}),
            _changed(
                connection,
                "orders",
                ORDER,
                positions,
                {"lines": (LINE, "order_id"), "label": (LABEL, "order_id")},
            ),
        ]
    return changes, horizon


def _changed(
    connection: Connection,
    kind: str,
    parent: Table,
    positions: Mapping[str, int],
    children: Mapping[str, tuple[Table, str]],
) -> Changes:
    since = positions.get(kind, 0)
    rows = list(
        connection.execute(
            select(parent).where(text(f"{parent.name}.change_txid >= :since")), {"since": since}
        ).mappings()
    )
    change = Changes(kind, rows)
    ids = [row["id"] for row in rows]
    for name, (table, key) in children.items():
        change.children[name] = (
            list(connection.execute(select(table).where(table.c[key].in_(ids))).mappings())
            if ids
            else []
        )
    return change


def _local_ids(
    local: Connection, table: Table, column: str, values: Iterable[Any], owner: str = "id"
) -> dict[Any, uuid.UUID]:
    """The station's `owner` column (its id) of each row whose `column` is one of `values`."""
    wanted = sorted(set(values))
    found: dict[Any, uuid.UUID] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for value, row_id in local.execute(
            select(table.c[column], table.c[owner]).where(table.c[column].in_(chunk))
        ):
            found[value] = row_id
    return found


def _upsert(local: Connection, table: Table, row: RowMapping) -> None:
    values = {column.name: row[column.name] for column in table.columns if column.name in row}
    statement = sqlite_insert(table).values(values)
    local.execute(
        statement.on_conflict_do_update(
            index_elements=["id"], set_={k: v for k, v in values.items() if k != "id"}
        )
    )


def _by_parent(rows: Sequence[RowMapping], key: str) -> dict[uuid.UUID, list[RowMapping]]:
    grouped: dict[uuid.UUID, list[RowMapping]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def _apply_catalog(local: Connection, change: Changes) -> tuple[int, list[str]]:
    barcodes = _by_parent(change.children["barcode"], "product_id")
    skus = _local_ids(local, PRODUCT, "sku", (row["sku"] for row in change.parents))
    codes = (b["code"] for b in change.children["barcode"])
    owners = _local_ids(local, BARCODE, "code", codes, owner="product_id")
    changing = {product["id"] for product in change.parents}
    accepted, conflicts = [], []
    for product in change.parents:
        pid = product["id"]
        if skus.get(product["sku"], pid) != pid:
            conflicts.append(f"product {product['sku']} exists at this station under another id")
            continue
        # A barcode moving between two products of this pull is no conflict.
        taken = [
            b["code"] for b in barcodes.get(pid, []) if owners.get(b["code"], pid) not in changing
        ]
        if taken:
            conflicts.append(
                f"product {product['sku']}: barcode {taken[0]} belongs to another product here"
            )
            continue
        accepted.append(product)
    # Every replaced barcode leaves before any comes back, as in the catalog import.
    ids = [product["id"] for product in accepted]
    for start in range(0, len(ids), 500):
        local.execute(delete(BARCODE).where(BARCODE.c.product_id.in_(ids[start : start + 500])))
    for product in accepted:
        _upsert(local, PRODUCT, product)
        for barcode in barcodes.get(product["id"], []):
            _upsert(local, BARCODE, barcode)
    return len(accepted), conflicts


def _apply_packers(local: Connection, change: Changes) -> tuple[int, list[str]]:
    badges = _local_ids(local, PACKER, "badge", (row["badge"] for row in change.parents))
    applied: list[str] = []
    conflicts = []
    for packer in change.parents:
        if badges.get(packer["badge"], packer["id"]) != packer["id"]:
            conflicts.append(f"packer {packer['badge']} exists at this station under another id")
            continue
        _upsert(local, PACKER, packer)
        applied.append(row_key(packer["id"]))
    # Packers are on the store's audit chain (a role is a supervisor's rights): their
    # links go in with them, as a store session's commit adds them.
    append_links(local, {PACKER.name: applied})
    return len(applied), conflicts


def _apply_orders(local: Connection, change: Changes) -> tuple[int, list[str]]:
    lines = _by_parent(change.children["lines"], "order_id")
    labels = _by_parent(change.children["label"], "order_id")
    numbers = _local_ids(local, ORDER, "number", (row["number"] for row in change.parents))
    started = _started(local, [row["id"] for row in change.parents])
    applied, conflicts = 0, []
    for order in change.parents:
        oid = order["id"]
        if numbers.get(order["number"], oid) != oid:
            conflicts.append(f"order {order['number']} exists at this station under another id")
            continue
        wanted = sorted((line["sku"], line["qty"]) for line in lines.get(oid, []))
        if oid in started and _lines_of(local, oid) != wanted:
            conflicts.append(
                f"order {order['number']} changed centrally after packing started here; "
                "kept as it was"
            )
            continue
        local.execute(delete(LINE).where(LINE.c.order_id == oid))
        local.execute(delete(LABEL).where(LABEL.c.order_id == oid))
        _upsert(local, ORDER, order)
        for line in lines.get(oid, []):
            _upsert(local, LINE, line)
        for label in labels.get(oid, []):
            _upsert(local, LABEL, label)
        applied += 1
    return applied, conflicts


def _lines_of(local: Connection, order_id: uuid.UUID) -> list[tuple[str, int]]:
    rows = local.execute(select(LINE.c.sku, LINE.c.qty).where(LINE.c.order_id == order_id))
    return sorted((sku, int(qty)) for sku, qty in rows)


def _started(local: Connection, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    started: set[uuid.UUID] = set()
    for model in (models.ScanEvent, models.OrderEvent, models.Parcel):
        table = _table(model)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            started.update(
                local.execute(
                    select(table.c.order_id).where(table.c.order_id.in_(chunk)).distinct()
                ).scalars()
            )
    return started


_APPLY = {"catalog": _apply_catalog, "packers": _apply_packers, "orders": _apply_orders}
