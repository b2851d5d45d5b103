"""Orders import: what to pack and where it goes.

JSON has one object per order with its lines nested; CSV has one row per
order line, the order's fields repeated on each of its rows. Both are turned
into the same groups (the order's fields, then its lines) before checking.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, col, delete, select

from station.couriers.rules import find_profile
from station.importers.batches import write_in_batches
from station.importers.common import (
    Checker,
    Columns,
    Context,
    ImportReport,
    Row,
)
from station.importers.label_documents import read_label_document
from station.importers.lookups import ScanNames, chunked, scan_keys
from station.label_rules import LABEL_TEXT_LIMITS, MAX_QTY, MAX_SKU, text_problem
from station.models import (
    Order,
    OrderEvent,
    OrderLabelDocument,
    OrderLine,
    Parcel,
    Product,
    ScanEvent,
    new_id,
    utc_now,
)
from station.ports import SuppliedLabel

SHIP_TO = ("name", "street", "city", "postcode", "country", "phone")
# The order's own fields, as named on the Order table (and in CSV columns).
FIELDS = ("courier", "service", "tracking", *(f"ship_to_{key}" for key in SHIP_TO))
# A blank courier or service is chosen by the courier rules at the bench.
OPTIONAL = frozenset({"courier", "service", "tracking", "ship_to_phone"})

COLUMNS = Columns(
    required=(
        "order_number",
        "sku",
        "qty",
        "ship_to_name",
        "ship_to_street",
        "ship_to_city",
        "ship_to_postcode",
        "ship_to_country",
    ),
    optional=("courier", "service", "tracking", "ship_to_phone", "label_file"),
)
ORDER_KEYS = Columns(
    required=("number", "ship_to", "lines"),
    optional=("courier", "service", "tracking", "label_file"),
)
SHIP_TO_KEYS = Columns(required=SHIP_TO[:-1], optional=("phone",))
LINE_KEYS = Columns(required=("sku", "qty"))

# A country is checked as a code below, which says more than "too long".
_IMPORT_LIMITS = {**LABEL_TEXT_LIMITS, "ship_to_country": 60}
_COUNTRY = re.compile(r"[A-Za-z]{2}")


@dataclass
class Group:
    """One order as read: `head` holds number and fields, `lines` sku and qty."""

    head: Row
    lines: list[Row] = field(default_factory=list)
    lines_readable: bool = True  # False once "lines" itself was reported as malformed


@dataclass(frozen=True)
class LineDraft:
    row: Row
    sku: str
    qty: int


@dataclass(frozen=True)
class OrderDraft:
    row: Row
    number: str
    fields: dict[str, str | None]
    lines: tuple[LineDraft, ...]
    label: SuppliedLabel | None = None  # the courier's own label document


def import_rows(session: Session, rows: Sequence[Row], context: Context) -> ImportReport:
    checker = Checker()
    if context.form == "csv":
        groups = _groups_from_csv(rows, checker)
    else:
        groups = [_group_from_json(row, checker) for row in rows]
    drafts = [_order(group, checker, context.base_dir) for group in groups]
    orders = [draft for draft in drafts if draft is not None]
    _check_numbers(orders, checker)
    existing = _existing(session, [order.number for order in orders])
    _check_store(session, orders, existing, checker, context)
    _check_courier_fields(orders, checker, context)
    checker.reject_if_any(context.source)
    return _write(session, orders, existing, context.source)


def _groups_from_csv(rows: Sequence[Row], checker: Checker) -> list[Group]:
    groups: dict[str, Group] = {}
    for row in rows:
        number = checker.text(row, "order_number")
        if number is None:
            continue
        head = Row(row.line, {"number": number, **row.values}, labels={"number": "order_number"})
        group = groups.setdefault(number, Group(head))
        _check_same_order_fields(group.head, row, number, checker)
        group.lines.append(row)
    return list(groups.values())


def _check_same_order_fields(first: Row, row: Row, number: str, checker: Checker) -> None:
    if first.line == row.line:
        return
    for key in FIELDS:
        theirs, ours = _cell(first, key), _cell(row, key)
        if theirs != ours:
            checker.add(
                row,
                key,
                f"{ours!r} differs from {theirs!r} on {first.ref} of the same order "
                f"{number}; all rows of one order must have the same order fields",
            )


def _cell(row: Row, key: str) -> str:
    value = row.values.get(key)
    return "" if value is None else str(value).strip()


def _group_from_json(item: Row, checker: Checker) -> Group:
    ORDER_KEYS.check_keys(item, checker)
    values: dict[str, Any] = {k: v for k, v in item.values.items() if k not in ("ship_to", "lines")}
    labels = {f"ship_to_{key}": f"ship_to.{key}" for key in SHIP_TO}
    ship_to = item.values.get("ship_to")
    if isinstance(ship_to, dict):
        SHIP_TO_KEYS.check_keys(Row(item.line, ship_to, "item", prefix="ship_to."), checker)
        values.update({f"ship_to_{key}": value for key, value in ship_to.items()})
    elif ship_to is not None:
        checker.add(item, "ship_to", "must be an object with " + ", ".join(SHIP_TO))
    group = Group(Row(item.line, values, "item", labels=labels))
    lines = item.values.get("lines")
    if lines is not None and not isinstance(lines, list):
        checker.add(item, "lines", 'must be a list like [{"sku": "A1", "qty": 2}]')
        group.lines_readable = False
        return group
    for index, line in enumerate(lines or []):
        row = Row(item.line, line if isinstance(line, dict) else {}, "item", f"lines[{index}].")
        if isinstance(line, dict):
            LINE_KEYS.check_keys(row, checker)
            group.lines.append(row)
        else:
            checker.add(item, f"lines[{index}]", 'must be an object like {"sku": "A1", "qty": 2}')
    return group


def _order(group: Group, checker: Checker, base_dir: Path) -> OrderDraft | None:
    """The group as an order; None without a number.

    An order with other problems still gives a draft, so that its number and
    SKUs are checked against the store too; it is never written, because
    nothing is written while any problem stands.
    """
    head = group.head
    number = checker.text(head, "number", limit=LABEL_TEXT_LIMITS["number"], scanned=True)
    if number is not None and (problem := text_problem(number, len(number), scanned=False)):
        checker.add(head, "number", problem)  # it is printed on the label too
    fields = {
        key: checker.text(
            head, key, required=key not in OPTIONAL, limit=_IMPORT_LIMITS.get(key, 200)
        )
        for key in FIELDS
    }
    country = fields["ship_to_country"]
    if country is not None:
        if _COUNTRY.fullmatch(country):
            fields["ship_to_country"] = country.upper()
        else:
            checker.add(
                head,
                "ship_to_country",
                f"{country!r} is not a 2-letter country code (ISO 3166, e.g. DE, US, GB)",
            )
    lines = _lines(group, checker)
    label = read_label_document(head, checker, base_dir)
    if label is not None and not fields["tracking"]:
        checker.add(head, "label_file", "a courier's label needs its tracking number: add tracking")
    if fields["tracking"] and not fields["courier"]:
        checker.add(head, "courier", "an order's own tracking number needs its courier: add it")
    fields["courier"], fields["service"] = fields["courier"] or "", fields["service"] or ""
    if number is None:
        return None
    return OrderDraft(head, number, fields, lines, label)


def _lines(group: Group, checker: Checker) -> tuple[LineDraft, ...]:
    if not group.lines:
        if group.lines_readable:
            checker.add(group.head, "lines", "the order has no lines; add at least one sku and qty")
        return ()
    drafts: list[LineDraft] = []
    seen: dict[str, Row] = {}
    for row in group.lines:
        sku = checker.text(row, "sku", limit=MAX_SKU)
        qty = checker.whole(row, "qty", minimum=1, maximum=MAX_QTY)
        if sku is not None and sku in seen:
            where = "" if seen[sku].ref == row.ref else f" (also on {seen[sku].ref})"
            checker.add(
                row,
                "sku",
                f"SKU {sku!r} is twice in this order{where}; put the total quantity on one line",
            )
        elif sku is not None:
            seen[sku] = row
        if sku is not None and qty is not None:
            drafts.append(LineDraft(row, sku, qty))
    return tuple(drafts)


def _check_numbers(orders: Sequence[OrderDraft], checker: Checker) -> None:
    # CSV rows are grouped by number, so only JSON can list an order twice.
    first: dict[str, Row] = {}
    for order in orders:
        if order.number in first:
            checker.add(
                order.row,
                "number",
                f"order {order.number} is already on "
                f"{first[order.number].ref}; list each order once",
            )
        first.setdefault(order.number, order.row)


def _check_courier_fields(orders: Sequence[OrderDraft], checker: Checker, context: Context) -> None:
    """The recipient fields the order's named courier requires (the rest come at the seal)."""
    if context.couriers is None:
        return
    for order in orders:
        profile = find_profile(context.couriers.profiles, order.fields.get("courier") or "")
        if profile is None:
            continue  # the rules choose at the bench, which checks again when it opens
        for name in profile.required_fields:
            key = name.replace(".", "_")
            if name.startswith("ship_to.") and not order.fields.get(key):
                checker.add(
                    order.row,
                    key,
                    f"{profile.name} requires it on its label; add it, or choose another courier",
                )


def _check_store(
    session: Session,
    orders: Sequence[OrderDraft],
    existing: dict[str, Order],
    checker: Checker,
    context: Context,
) -> None:
    known = _known_skus(session, {line.sku for order in orders for line in order.lines})
    started = _started(session, [order.id for order in existing.values()])
    names = ScanNames(session, {key for order in orders for key in scan_keys(order.number)})
    badges, barcodes = names.badges(), names.barcodes()
    for order in orders:
        for line in order.lines:
            if line.sku not in known:
                checker.add(
                    line.row,
                    "sku",
                    f"unknown SKU {line.sku!r}; import it with the catalog first, or fix the SKU",
                )
        stored = existing.get(order.number)
        if stored is not None and stored.id in started and not _unchanged(session, stored, order):
            checker.add(
                order.row,
                "number",
                f"order {order.number} has already started packing "
                "at a station; it was not changed",
            )
        for key in sorted(scan_keys(order.number) & context.commands):
            checker.add(
                order.row,
                "number",
                f"order number {order.number!r} is the station's command barcode {key!r}; "
                "scanning it would run the command",
            )
        for key in sorted(scan_keys(order.number) & (badges.keys() | barcodes.keys())):
            what = (
                "a packer's badge" if key in badges else f"a barcode of product {barcodes[key]!r}"
            )
            checker.add(
                order.row,
                "number",
                f"order number {order.number!r} is also {what}; a scan of it would be ambiguous",
            )


def _known_skus(session: Session, skus: set[str]) -> set[str]:
    known: set[str] = set()
    for chunk in chunked(sorted(skus)):
        known.update(session.exec(select(Product.sku).where(col(Product.sku).in_(chunk))))
    return known


def _started(session: Session, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Orders a station has touched: scanned, flagged or given a parcel."""
    started: set[uuid.UUID] = set()
    for chunk in chunked(ids):
        for column in (ScanEvent.order_id, OrderEvent.order_id, Parcel.order_id):
            query = select(column).where(col(column).in_(chunk)).distinct()
            started.update(order_id for order_id in session.exec(query) if order_id is not None)
    return started


def _existing(session: Session, numbers: Sequence[str]) -> dict[str, Order]:
    found: dict[str, Order] = {}
    for chunk in chunked(sorted(set(numbers))):
        for order in session.exec(select(Order).where(col(Order.number).in_(chunk))):
            found[order.number] = order
    return found


def _stored_lines(session: Session, order: Order) -> list[tuple[str, int]]:
    query = select(OrderLine).where(OrderLine.order_id == order.id).order_by(col(OrderLine.line_no))
    return [(line.sku, line.qty) for line in session.exec(query)]


def _unchanged(session: Session, stored: Order, draft: OrderDraft) -> bool:
    same_fields = all(getattr(stored, key) == value for key, value in draft.fields.items())
    wanted = [(line.sku, line.qty) for line in draft.lines]
    label = session.exec(
        select(OrderLabelDocument.data).where(OrderLabelDocument.order_id == stored.id)
    ).first()
    same_label = label == (draft.label.data if draft.label else None)
    return same_fields and same_label and _stored_lines(session, stored) == wanted


def _write(
    session: Session, orders: Sequence[OrderDraft], existing: dict[str, Order], source: str
) -> ImportReport:
    new = [(draft, None) for draft in orders if draft.number not in existing]
    changed = [
        (draft, existing[draft.number].id)
        for draft in orders
        if draft.number in existing and not _unchanged(session, existing[draft.number], draft)
    ]
    skipped: list[str] = []

    def write(db: Session, batch: list[tuple[OrderDraft, uuid.UUID | None]]) -> None:
        skipped.extend(_write_batch(db, batch))

    write_in_batches(session, [*new, *changed], write, source=source, noun="order")
    updated = len(changed) - len(skipped)
    return ImportReport(
        "orders",
        len(new),
        updated,
        len(orders) - len(new) - len(changed),
        skipped=tuple(skipped),
    )


# The session holds every row the checks read; matching each delete against them
# all (SQLAlchemy's default) made a large import quadratic. The rows are not used after.
_NO_SYNC = {"synchronize_session": False}


def _write_batch(db: Session, batch: list[tuple[OrderDraft, uuid.UUID | None]]) -> list[str]:
    """Write one batch (in the caller's transaction); returns orders left as they were.

    An order a station started packing after the checks is left alone: this
    runs under SQLite's write lock, so no scan can start it in between.
    """
    now = utc_now()
    started = _started(db, [order_id for _, order_id in batch if order_id is not None])
    skipped = [draft.number for draft, order_id in batch if order_id in started]
    batch = [(draft, order_id) for draft, order_id in batch if order_id not in started]
    replaced = [order_id for _, order_id in batch if order_id is not None]
    for chunk in chunked(replaced):
        db.execute(
            delete(OrderLine).where(col(OrderLine.order_id).in_(chunk)), execution_options=_NO_SYNC
        )
        db.execute(
            delete(OrderLabelDocument).where(col(OrderLabelDocument.order_id).in_(chunk)),
            execution_options=_NO_SYNC,
        )
    ids = [order_id or new_id() for _, order_id in batch]
    rows = [
        {"id": order_id, "number": draft.number, **draft.fields, "updated_at": now}
        for (draft, _), order_id in zip(batch, ids, strict=True)
    ]
    fresh = [row for row, (_, stored) in zip(rows, batch, strict=True) if stored is None]
    if fresh:
        db.execute(insert(Order), [{**row, "created_at": now} for row in fresh])
    stale = [row for row, (_, stored) in zip(rows, batch, strict=True) if stored is not None]
    if stale:
        db.execute(update(Order), stale, execution_options=_NO_SYNC)
    lines = [
        {"id": new_id(), "order_id": order_id, "line_no": number, "sku": line.sku, "qty": line.qty}
        for (draft, _), order_id in zip(batch, ids, strict=True)
        for number, line in enumerate(draft.lines, start=1)
    ]
    if lines:
        db.execute(insert(OrderLine), lines)
    labels = [
        {
            "id": new_id(),
            "order_id": order_id,
            "format": draft.label.format,
            "data": draft.label.data,
        }
        for (draft, _), order_id in zip(batch, ids, strict=True)
        if draft.label is not None
    ]
    if labels:
        db.execute(insert(OrderLabelDocument), [{**label, "created_at": now} for label in labels])
    return skipped
