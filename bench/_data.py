"""Synthetic catalog and orders for benchmarks, written through the real importer."""

from __future__ import annotations

from pathlib import Path

from station.barcodes import gtin_check_digit
from station.couriers.plan import CourierBook
from station.couriers.range_admin import ensure_demo_ranges
from station.importers import import_records
from station.store import Store

PRODUCTS = 40
LINES_PER_ORDER = 3
QTY = 6


def ean13(n: int) -> str:
    body = f"590{n:09d}"
    return body + str(gtin_check_digit(body))


def seed(data_dir: Path, orders: int) -> list[str]:
    """Fill a store; return the scans that pack every order, badge first."""
    store = Store.open(data_dir)
    catalog = [
        {"sku": f"SKU-{i:03d}", "name": f"Bench product {i}", "barcode": ean13(i), "weight_g": 100}
        for i in range(PRODUCTS)
    ]
    order_rows = []
    scans = ["BADGE-1"]
    for n in range(orders):
        skus = [(n + k) % PRODUCTS for k in range(LINES_PER_ORDER)]
        order_rows.append(
            {
                "number": f"B-{n:06d}",
                "courier": "DHL Express",
                "service": "Express",
                "ship_to": {
                    "name": "Zoë Müller",
                    "street": "Hauptstraße 5",
                    "city": "Berlin",
                    "postcode": "10115",
                    "country": "DE",
                    "phone": "+49 30 1234567",
                },
                "lines": [{"sku": f"SKU-{i:03d}", "qty": QTY} for i in skus],
            }
        )
        scans.append(f"B-{n:06d}")
        scans.extend(ean13(i) for i in skus for _ in range(QTY))
    with store.session() as db:
        import_records(db, "catalog", catalog)
        import_records(db, "orders", order_rows)
        import_records(db, "packers", [{"badge": "BADGE-1", "name": "Bench", "role": "packer"}])
    with store.session() as db:
        # The bench station's tracking numbers, as IT gives every real station.
        ensure_demo_ranges(db, "bench", CourierBook.load())
        db.commit()
    store.close()
    return scans


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]
