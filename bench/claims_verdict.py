"""What order claims add to a scan's verdict: none, offline, and online with a real PostgreSQL.

Run: uv run python bench/claims_verdict.py [--orders 40]
Prints p50/p99 scan-to-verdict for the same scans packed three ways:
- island: no [central] url (no claims);
- offline: claims on, the central database out of reach (decided from the mirror);
- online: claims on, a throwaway PostgreSQL (the claim worker takes, renews and
  finishes each order's claim on its thread, writing to the store beside the scans).
Target: nothing measurable added ("a verdict never waits for the network").
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._data import LINES_PER_ORDER, PRODUCTS, QTY, ean13, percentile
from devices.pdf.file_printer import FileLabelPrinter
from station.central.admin import add_station, init_schema
from station.central.claim_worker import bench_claims
from station.central.connect import central_engine
from station.central.imports import import_central
from station.couriers.plan import CourierBook
from station.couriers.range_admin import ensure_demo_ranges
from station.session import PackSession
from station.settings import Settings
from station.store import Store
from station.sync.exchange import sync_once
from station.sync.settings import Central
from tests.central.cluster import free_port, remove_cluster, start_cluster

STATION = "bench"


def write_reference(folder: Path, orders: int) -> list[str]:
    """Catalog, packer and order files for `central import`; the scans that pack them."""
    with (folder / "catalog.csv").open("w", newline="", encoding="utf-8") as out:
        rows = csv.writer(out)
        rows.writerow(["sku", "name", "barcode", "weight_g"])
        for i in range(PRODUCTS):
            rows.writerow([f"SKU-{i:03d}", f"Bench product {i}", ean13(i), 100])
    (folder / "packers.csv").write_text("badge,name,role,pin\nBADGE-1,Bench,packer,\n")
    ship_to = {
        "name": "Zoë Müller",
        "street": "Hauptstraße 5",
        "city": "Berlin",
        "postcode": "10115",
        "country": "DE",
        "phone": "+49 30 1234567",
    }
    records, scans = [], ["BADGE-1"]
    for n in range(orders):
        skus = [(n + k) % PRODUCTS for k in range(LINES_PER_ORDER)]
        records.append(
            {
                "number": f"B-{n:06d}",
                "courier": "DHL Express",
                "service": "Express",
                "ship_to": ship_to,
                "lines": [{"sku": f"SKU-{i:03d}", "qty": QTY} for i in skus],
            }
        )
        scans.append(f"B-{n:06d}")
        scans.extend(ean13(i) for i in skus for _ in range(QTY))
    (folder / "orders.json").write_text(json.dumps(records), encoding="utf-8")
    return scans


def pack(data_dir: Path, scans: list[str], claims_url: str | None) -> list[float]:
    store = Store.open(data_dir)
    settings = Settings(station=STATION, central=Central(claims_url))
    session = PackSession(store, settings, FileLabelPrinter(data_dir / "labels"), STATION)
    took: list[float] = []
    try:
        if claims_url is None:
            took = _timed(session, scans)
        else:
            with bench_claims(session, claims_url) as worker:
                worker.settle()
                took = _timed(session, scans)
        session.wait_for_printer(timeout=600)
    finally:
        session.close()
        store.close()
    return took


def _timed(session: PackSession, scans: list[str]) -> list[float]:
    took = []
    link = session.central_link
    for scan in scans:
        start = time.perf_counter()
        session.handle_scan(scan)
        took.append((time.perf_counter() - start) * 1000)
        order = session.open_order_id
        if link is not None and order is not None:
            # Untimed, as a packer's pause: a seal within the claim's round trip would be
            # refused ('not sealed yet') and the rest of the run would pack nothing.
            link.wait_for_claim(order)
    return took


def station_store(folder: Path, name: str, url: str) -> Path:
    data_dir = folder / name
    store = Store.open(data_dir)
    assert sync_once(url, store, STATION).reached, "the pull did not reach the server"
    with store.session() as db:
        ensure_demo_ranges(db, STATION, CourierBook.load())
        db.commit()
    store.close()
    return data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=40)
    args = parser.parse_args()
    cluster = start_cluster()
    try:
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary)
            admin = cluster.url()
            init_schema(central_engine(admin))
            scans = write_reference(folder, args.orders)
            for kind, name in (("catalog", "catalog.csv"), ("packers", "packers.csv")):
                import_central(central_engine(admin), kind, folder / name)
            import_central(central_engine(admin), "orders", folder / "orders.json")
            login = add_station(central_engine(admin), STATION)
            pgpass = folder / "pgpass"
            pgpass.write_text(login.pgpass + "\n")
            pgpass.chmod(0o600)
            os.environ["PGPASSFILE"] = str(pgpass)
            nowhere = f"postgresql://nobody@127.0.0.1:{free_port()}/nothing"
            runs = {
                "island (no claims)": pack(station_store(folder, "a", login.url), scans, None),
                "claims, offline": pack(station_store(folder, "b", login.url), scans, nowhere),
                "claims, online": pack(station_store(folder, "c", login.url), scans, login.url),
            }
    finally:
        remove_cluster(cluster)
    print(f"{len(scans)} scans, {args.orders} orders, each run in a store of its own")
    for name, took in runs.items():
        print(
            f"{name:20} p50 {percentile(took, 50):6.2f} ms   p99 {percentile(took, 99):6.2f} ms"
            f"   max {max(took):6.2f} ms"
        )


if __name__ == "__main__":
    main()
