"""Catalog import: products with their barcodes, weights and pictures.

A barcode cell holds several barcodes separated by "|"; "CODE*6" is a case
barcode that counts as 6 units. Barcodes are stored under their normalised
code, so a UPC-A and the EAN-13 of the same number are one barcode, and one
barcode can belong to one product only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, col, delete, select

from station.barcodes import parse_scan
from station.importers.batches import write_in_batches
from station.importers.common import (
    Checker,
    Columns,
    Context,
    ImportReport,
    Row,
)
from station.importers.lookups import ScanNames, chunked
from station.label_rules import (
    MAX_BARCODE,
    MAX_CASE_UNITS,
    MAX_PRODUCT_NAME,
    MAX_SKU,
    MAX_WEIGHT_G,
    text_problem,
)
from station.models import Barcode, Product, new_id, utc_now

COLUMNS = Columns(required=("sku", "name", "barcode", "weight_g"), optional=("image",))


@dataclass(frozen=True)
class BarcodeDraft:
    raw: str
    code: str
    units: int
    keys: frozenset[str]  # what a scan of it is matched by (lookups.scan_keys)


@dataclass(frozen=True)
class ProductDraft:
    row: Row
    sku: str
    name: str
    weight_g: int
    image: str | None
    barcodes: tuple[BarcodeDraft, ...]


def import_rows(session: Session, rows: Sequence[Row], context: Context) -> ImportReport:
    checker = Checker()
    drafts = [_product(row, checker, context) for row in rows]
    products = [draft for draft in drafts if draft is not None]
    _check_duplicates(products, checker)
    _check_store(session, products, checker, context.commands)
    checker.reject_if_any(context.source)
    return _write(session, products, context.source)


def _product(row: Row, checker: Checker, context: Context) -> ProductDraft | None:
    """The row as a product; None without a SKU.

    A row with other problems still gives a draft, so that its SKU and
    barcodes are checked too; its stand-in values are never written, because
    nothing is written while any problem stands.
    """
    if context.form == "json":
        COLUMNS.check_keys(row, checker)
    sku = checker.text(row, "sku", limit=MAX_SKU)
    name = checker.text(row, "name", limit=MAX_PRODUCT_NAME)
    weight_g = checker.whole(row, "weight_g", minimum=0, maximum=MAX_WEIGHT_G)
    image = _image(row, checker, context.base_dir)
    barcodes = _barcodes(row, checker)
    if sku is None:
        return None
    return ProductDraft(row, sku, name or "", weight_g or 0, image, barcodes)


def _image(row: Row, checker: Checker, base_dir: Path) -> str | None:
    value = checker.text(row, "image", required=False)
    if value is None:
        return None
    path = (base_dir / value).resolve()
    if not path.is_file():
        checker.add(
            row, "image", f"image file {str(path)!r} not found; fix the path or leave it empty"
        )
        return None
    return str(path)


def _barcodes(row: Row, checker: Checker) -> tuple[BarcodeDraft, ...]:
    value = row.values.get("barcode")
    parts: list[Any]
    if value is None:
        parts = []
    elif isinstance(value, str):
        parts = value.split("|")
    elif isinstance(value, list):
        parts = value
    else:
        checker.add(row, "barcode", "must be text like 'CODE|CODE*6' or a list of such texts")
        return ()
    drafts = []
    for part in parts:
        draft = _barcode(row, part, checker)
        if draft is not None:
            drafts.append(draft)
    return tuple(drafts)


def _barcode(row: Row, part: Any, checker: Checker) -> BarcodeDraft | None:
    if not isinstance(part, str):
        checker.add(row, "barcode", f"{part!r} is not text; write barcodes in quotes")
        return None
    part = part.strip()
    if not part:
        return None  # "A|" and "A||B" are harmless slips of a spreadsheet
    raw, star, multiplier = part.rpartition("*") if "*" in part else (part, "", "1")
    raw, multiplier = raw.strip(), multiplier.strip()
    digits = multiplier.isascii() and multiplier.isdigit()
    units = int(multiplier) if digits and len(multiplier) <= 9 else 0
    if star and (not raw or units < 1 or units > MAX_CASE_UNITS):
        shown = part if len(part) <= 60 else part[:60] + "…"
        checker.add(
            row,
            "barcode",
            f"bad case multiplier in {shown!r}; write CODE*N with N the units in the case, "
            f"from 1 to {MAX_CASE_UNITS:,}, e.g. 05012345678900*6",
        )
        return None
    problem = text_problem(raw, MAX_BARCODE, scanned=True)
    if problem is not None:
        checker.add(row, "barcode", f"barcode {raw[:60]!r} {problem}")
        return None
    parsed = parse_scan(raw)  # once: reading GS1 is the slowest part of checking a catalog
    code = parsed.code
    if not code:
        checker.add(row, "barcode", f"{part!r} has no barcode characters")
        return None
    return BarcodeDraft(raw, code, units, frozenset({parsed.text, parsed.code}))


def _check_duplicates(products: Sequence[ProductDraft], checker: Checker) -> None:
    skus: dict[str, Row] = {}
    codes: dict[str, tuple[Row, str]] = {}
    for product in products:
        if product.sku in skus:
            checker.add(
                product.row,
                "sku",
                f"SKU {product.sku!r} is already on {skus[product.sku].ref}; "
                "list each product once",
            )
        skus.setdefault(product.sku, product.row)
        for barcode in product.barcodes:
            if barcode.code not in codes:
                codes[barcode.code] = (product.row, barcode.raw)
                continue
            seen_row, seen_raw = codes[barcode.code]
            where = "this row" if seen_row is product.row else seen_row.ref
            checker.add(
                product.row,
                "barcode",
                f"barcode {barcode.raw!r} is already on {where}"
                f"{_same_number(seen_raw, barcode.raw)}; each barcode can belong to one product",
            )


def _same_number(first: str, second: str) -> str:
    return "" if first == second else f" as {first!r} (the same GTIN)"


def _check_store(
    session: Session,
    products: Sequence[ProductDraft],
    checker: Checker,
    commands: frozenset[str],
) -> None:
    in_file = {product.sku for product in products}
    keys = {key for p in products for b in p.barcodes for key in b.keys}
    names = ScanNames(session, keys)
    owners, badges, orders = names.barcodes(), names.badges(), names.order_numbers()
    for product in products:
        for barcode in product.barcodes:
            owner = owners.get(barcode.code)
            # An owner that is in this file gets its barcodes replaced, so the
            # barcode is only taken if the file itself lists it twice.
            if owner is not None and owner != product.sku and owner not in in_file:
                checker.add(
                    product.row,
                    "barcode",
                    f"barcode {barcode.raw!r} already belongs to product "
                    f"{owner!r}; remove it there (re-import that product) or fix this one",
                )
            for command in sorted(barcode.keys & commands):
                checker.add(
                    product.row,
                    "barcode",
                    f"barcode {barcode.raw!r} is the station's command barcode {command!r}; "
                    "a scan of it would run the command, never count the product",
                )
            clash = barcode.keys & (badges.keys() | orders.keys())
            for value in sorted(clash):
                what = "a packer's badge" if value in badges else "an order number"
                checker.add(
                    product.row,
                    "barcode",
                    f"barcode {barcode.raw!r} is also {what} ({value!r}); "
                    "a scan of it would be ambiguous",
                )


def _write(session: Session, products: Sequence[ProductDraft], source: str) -> ImportReport:
    existing = _existing(session, [p.sku for p in products])
    current = _barcodes_of(session, [p.id for p in existing.values()])
    new = [(draft, None) for draft in products if draft.sku not in existing]
    changed = [
        (draft, existing[draft.sku].id)
        for draft in products
        if draft.sku in existing
        and not _unchanged(existing[draft.sku], current.get(existing[draft.sku].id, []), draft)
    ]
    write_in_batches(session, [*new, *changed], _write_batch, source=source, noun="product")
    return ImportReport("catalog", len(new), len(changed), len(products) - len(new) - len(changed))


# The session holds every row the checks read; matching each delete against them
# all (SQLAlchemy's default) made a large import quadratic. The rows are not used after.
_NO_SYNC = {"synchronize_session": False}


def _write_batch(db: Session, batch: list[tuple[ProductDraft, uuid.UUID | None]]) -> None:
    """Write products with their barcodes (in the caller's transaction).

    A barcode moving from a product further down the file is taken from it
    here; that product gets the rest of its barcodes in its own batch.
    """
    now = utc_now()
    replaced = [product_id for _, product_id in batch if product_id is not None]
    codes = [barcode.code for draft, _ in batch for barcode in draft.barcodes]
    for id_chunk in chunked(replaced):
        db.execute(
            delete(Barcode).where(col(Barcode.product_id).in_(id_chunk)), execution_options=_NO_SYNC
        )
    for code_chunk in chunked(codes):
        db.execute(
            delete(Barcode).where(col(Barcode.code).in_(code_chunk)), execution_options=_NO_SYNC
        )
    ids = [product_id or new_id() for _, product_id in batch]
    rows = [
        {
            "id": product_id,
            "sku": draft.sku,
            "name": draft.name,
            "weight_g": draft.weight_g,
            "image": draft.image,
            "updated_at": now,
        }
        for (draft, _), product_id in zip(batch, ids, strict=True)
    ]
    fresh = [row for row, (_, stored) in zip(rows, batch, strict=True) if stored is None]
    if fresh:
        db.execute(insert(Product), [{**row, "created_at": now} for row in fresh])
    stale = [row for row, (_, stored) in zip(rows, batch, strict=True) if stored is not None]
    if stale:
        db.execute(update(Product), stale, execution_options=_NO_SYNC)
    barcodes = [
        {
            "id": new_id(),
            "product_id": product_id,
            "code": b.code,
            "raw": b.raw,
            "units": b.units,
            "created_at": now,
        }
        for (draft, _), product_id in zip(batch, ids, strict=True)
        for b in draft.barcodes
    ]
    if barcodes:
        db.execute(insert(Barcode), barcodes)


def _existing(session: Session, skus: Sequence[str]) -> dict[str, Product]:
    found: dict[str, Product] = {}
    for chunk in chunked(skus):
        for product in session.exec(select(Product).where(col(Product.sku).in_(chunk))):
            found[product.sku] = product
    return found


def _barcodes_of(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Barcode]]:
    found: dict[uuid.UUID, list[Barcode]] = {}
    for chunk in chunked(ids):
        for barcode in session.exec(select(Barcode).where(col(Barcode.product_id).in_(chunk))):
            found.setdefault(barcode.product_id, []).append(barcode)
    return found


def _unchanged(product: Product, barcodes: Sequence[Barcode], draft: ProductDraft) -> bool:
    stored = {(b.code, b.raw, b.units) for b in barcodes}
    wanted = {(b.code, b.raw, b.units) for b in draft.barcodes}
    return (product.name, product.weight_g, product.image, stored) == (
        draft.name,
        draft.weight_g,
        draft.image,
        wanted,
    )
