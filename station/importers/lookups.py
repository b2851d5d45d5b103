"""Reading what the store already holds, in slices SQLite accepts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from sqlmodel import Session, col, select

from station.barcodes import parse_scan
from station.models import Barcode, Order, Packer, Product

T = TypeVar("T")

# SQLite caps the parameters of one statement; IN lists are sent in slices.
_CHUNK = 500


def chunked(values: Iterable[T], size: int = _CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def scan_keys(value: str) -> set[str]:
    """What a scan of `value` is matched by: its text (badges, orders) and code (products)."""
    parsed = parse_scan(value)
    return {parsed.text, parsed.code}


class ScanNames:
    """Badges, order numbers and product barcodes already in the store.

    The bench decides what a scan is by looking it up in all three, so a value
    that is both a badge and an order number would log a packer in instead of
    opening the order. Importers use this to refuse such values.
    """

    def __init__(self, session: Session, keys: Iterable[str]) -> None:
        self._session = session
        self._keys = sorted(set(keys))

    def badges(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in chunked(self._keys):
            for badge in self._session.exec(
                select(Packer.badge).where(col(Packer.badge).in_(chunk))
            ):
                found[badge] = badge
        return found

    def order_numbers(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in chunked(self._keys):
            for number in self._session.exec(
                select(Order.number).where(col(Order.number).in_(chunk))
            ):
                found[number] = number
        return found

    def barcodes(self) -> dict[str, str]:
        """Product SKU by barcode code."""
        found: dict[str, str] = {}
        for chunk in chunked(self._keys):
            query = (
                select(Barcode.code, Product.sku)
                .join(Product, col(Barcode.product_id) == col(Product.id))
                .where(col(Barcode.code).in_(chunk))
            )
            for code, sku in self._session.exec(query):
                found[code] = sku
        return found
