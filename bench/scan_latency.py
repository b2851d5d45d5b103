"""Scan-to-verdict latency, durable write included, and replay throughput.

Run: uv run python bench/scan_latency.py [--scans 10000]
Targets (2-core machine): p99 scan-to-verdict at most 20 ms.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._data import LINES_PER_ORDER, QTY, percentile, seed
from devices.pdf.file_printer import FileLabelPrinter
from station.session import PackSession
from station.settings import Settings
from station.store import Store
from station.verdicts import VerdictKind

ROOT = Path(__file__).resolve().parents[1]


def in_process(scans_wanted: int) -> None:
    orders = scans_wanted // (LINES_PER_ORDER * QTY + 1) + 1
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        scans = seed(data_dir, orders)[:scans_wanted]
        store = Store.open(data_dir)
        session = PackSession(
            store, Settings(station="bench"), FileLabelPrinter(data_dir / "labels")
        )
        item_ms: list[float] = []
        complete_ms: list[float] = []
        for scan in scans:
            start = time.perf_counter()
            verdict = session.handle_scan(scan)
            elapsed = (time.perf_counter() - start) * 1000
            (complete_ms if verdict.kind is VerdictKind.ORDER_COMPLETE else item_ms).append(elapsed)
        every = item_ms + complete_ms
        print(f"scans: {len(every)} ({len(complete_ms)} completed orders with a PDF label each)")
        print(
            f"scan-to-verdict, all scans:        p50 {percentile(every, 50):6.2f} ms   "
            f"p99 {percentile(every, 99):6.2f} ms   max {max(every):6.2f} ms"
        )
        print(
            f"scan-to-verdict, item scans:       p50 {percentile(item_ms, 50):6.2f} ms   "
            f"p99 {percentile(item_ms, 99):6.2f} ms"
        )
        if complete_ms:
            print(
                f"order complete (job stored): p50 {percentile(complete_ms, 50):6.2f} ms   "
                f"p99 {percentile(complete_ms, 99):6.2f} ms"
            )
        drain = time.perf_counter()
        session.wait_for_printer(timeout=600)
        print(f"labels still printing after the last scan: {time.perf_counter() - drain:.1f} s")
        session.close()
        store.close()


def replay_throughput(scans_wanted: int) -> None:
    orders = scans_wanted // (LINES_PER_ORDER * QTY + 1) + 1
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "station"
        scans = seed(data_dir, orders)[:scans_wanted]
        scan_file = Path(folder) / "scans.txt"
        scan_file.write_text("\n".join(scans) + "\n")
        start = time.perf_counter()
        result = subprocess.run(
            [
                sys.executable,
                str(ROOT / "main.py"),
                "--data-dir",
                str(data_dir),
                "replay",
                str(scan_file),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        elapsed = time.perf_counter() - start
        lines = result.stdout.count("\n")
        print(
            f"replay: {lines} scans in {elapsed:.1f} s, {lines / elapsed:.0f} scans/s "
            "(process start included)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=10_000)
    args = parser.parse_args()
    in_process(args.scans)
    replay_throughput(args.scans)


if __name__ == "__main__":
    main()
