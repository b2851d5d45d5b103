"""The worst scan stall while a large import runs beside the bench, in another process.

Scans go through PackSession (decide, durable commit, verdict) in this
process while `main.py import` of 20,000 orders, then of 100,000 products,
runs in a child process on the same store, as an office would import while
the station packs.

Run: uv run python bench/import_stall.py [--orders 20000] [--products 100000]
Target (issue 9): no scan refused, and no scan delayed more than 50 ms by the
import: worst scan-to-verdict at most 50 ms on an idle machine. A busy machine
slows every commit (see the baseline, printed first); the time a scan waited
for the import's write lock is printed apart, as that is the import's doing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import station.store
from bench._data import PRODUCTS, ean13, percentile, seed
from devices.pdf.file_printer import FileLabelPrinter
from station.errors import UserError
from station.session import PackSession
from station.settings import Settings
from station.store import Store

ROOT = Path(__file__).resolve().parents[1]
SCAN_GAP_S = 0.05  # between scans: faster than any packer, so every stall is seen
lock_waits_ms: list[float] = []  # the scans' waits for SQLite's write lock, in order


def timed(take: Callable[..., None]) -> Callable[..., None]:
    """The store's write-lock taker, noting how long the bench's scans waited in it."""

    def take_timed(connection: Any, **options: Any) -> None:
        start = time.perf_counter()
        try:
            take(connection, **options)
        finally:
            if threading.current_thread() is threading.main_thread():
                lock_waits_ms.append((time.perf_counter() - start) * 1000)

    return take_timed


station.store.take_sqlite_write_lock = timed(station.store.take_sqlite_write_lock)


def write_orders(path: Path, count: int) -> None:
    ship_to = {"name": "A", "street": "B 1", "city": "C", "postcode": "1", "country": "DE"}
    orders = [
        {
            "number": f"I-{n:06d}",
            "courier": "DHL Express",
            "service": "Express",
            "ship_to": ship_to,
            "lines": [{"sku": f"SKU-{(n + k) % PRODUCTS:03d}", "qty": 1 + k} for k in range(3)],
        }
        for n in range(count)
    ]
    path.write_text(json.dumps(orders), encoding="utf-8")


def write_catalog(path: Path, count: int) -> None:
    rows = ["sku,name,barcode,weight_g"]
    rows += [f"BIG-{n:06d},Imported product {n},{ean13(10_000 + n)},250" for n in range(count)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def alone(session: PackSession, scans: list[str], seconds: float = 10.0) -> None:
    times_ms: list[float] = []
    end = time.perf_counter() + seconds
    index = 0
    while time.perf_counter() < end:
        start = time.perf_counter()
        session.handle_scan(scans[index % len(scans)])
        times_ms.append((time.perf_counter() - start) * 1000)
        index += 1
        time.sleep(SCAN_GAP_S)
    print(
        f"no import (baseline): {len(times_ms)} scans, p50 {percentile(times_ms, 50):.1f} ms, "
        f"p99 {percentile(times_ms, 99):.1f} ms, worst {max(times_ms):.1f} ms"
    )


def stalls_during(
    kind: str, file: Path, data_dir: Path, session: PackSession, scans: list[str]
) -> None:
    started = time.perf_counter()
    child = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "--data-dir",
            str(data_dir),
            "import",
            kind,
            str(file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    times_ms: list[float] = []
    waits_ms: list[float] = []
    worst: list[tuple[float, float, str]] = []  # (ms, seconds into the import, verdict)
    refused: list[str] = []
    index = 0
    while child.poll() is None:
        scan = scans[index % len(scans)]
        index += 1
        waited_before = len(lock_waits_ms)
        start = time.perf_counter()
        try:
            verdict = session.handle_scan(scan).kind.value
        except UserError as exc:
            refused.append(str(exc))
            verdict = "refused"
        times_ms.append((time.perf_counter() - start) * 1000)
        waits_ms.append(sum(lock_waits_ms[waited_before:]))
        worst = sorted([*worst, (times_ms[-1], start - started, verdict)], reverse=True)[:3]
        if verdict in ("wrong_item", "over_scan", "unknown_barcode", "needs_acknowledgement"):
            session.acknowledge()  # the scan list restarted mid-order: carry on packing
        time.sleep(SCAN_GAP_S)
    out, err = child.communicate()
    took = time.perf_counter() - started
    print(
        f"import {kind} {file.name}: {took:.1f} s, exit {child.returncode}: {(out or err).strip()}"
    )
    if times_ms:
        print(
            f"  scans during it: {len(times_ms)}, p50 {percentile(times_ms, 50):.1f} ms, "
            f"p99 {percentile(times_ms, 99):.1f} ms, worst {max(times_ms):.1f} ms, "
            f"refused {len(refused)}"
        )
        print(
            f"  of which waiting for the import's write lock: p99 "
            f"{percentile(waits_ms, 99):.1f} ms, worst {max(waits_ms):.1f} ms"
        )
    for ms, at, verdict in worst:
        print(f"  slow scan: {ms:.0f} ms at {at:.1f} s into the import ({verdict})")
    for message in refused[:3]:
        print(f"  refused: {message}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--products", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "station"
        scans = seed(data_dir, orders=300)
        write_orders(Path(folder) / "orders.json", args.orders)
        write_catalog(Path(folder) / "catalog.csv", args.products)
        store = Store.open(data_dir)
        session = PackSession(
            store, Settings(station="bench"), FileLabelPrinter(data_dir / "labels")
        )
        try:
            alone(session, scans)
            stalls_during("orders", Path(folder) / "orders.json", data_dir, session, scans)
            stalls_during("catalog", Path(folder) / "catalog.csv", data_dir, session, scans)
        finally:
            session.close()
            store.close()


if __name__ == "__main__":
    main()
