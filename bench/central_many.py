"""Many stations at once against the central PostgreSQL, and what a sync adds to a scan.

1. 20 stations (processes), each with queued events, push at the same time:
   events per second arriving at the server.
2. One bench scanning (PackSession, durable commit, verdict) while its
   background sync (SyncRunner) pushes a backlog: scan-to-verdict p50/p99
   with and without the sync running.

Run: uv run python bench/central_many.py [--stations 20] [--events 5000]
Needs the PostgreSQL server programs (Debian: postgresql).
Target: the p99 added to a scan while a sync runs under 2 ms.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from sqlalchemy import func, insert, select

from bench._data import percentile, seed
from devices.pdf.file_printer import FileLabelPrinter
from station.central.admin import add_station, init_schema
from station.central.connect import central_engine
from station.models import ScanEvent
from station.session import PackSession
from station.settings import Settings
from station.store import Store
from station.sync import push
from station.sync.runner import LinkStatus, SyncRunner
from tests.central.cluster import remove_cluster, start_cluster

SCAN_GAP_S = 0.005


def queue(store: Store, station: str, count: int) -> None:
    with store.session() as db:
        first = int(
            db.execute(
                select(func.max(ScanEvent.seq)).where(ScanEvent.station == station)
            ).scalar_one_or_none()
            or 0
        )
        rows = [
            ScanEvent(station=station, seq=first + n + 1, raw=f"Q{n}", code="q", verdict="ok")
            for n in range(count)
        ]
        db.execute(insert(ScanEvent), [row.model_dump() for row in rows])
        db.commit()


def push_one(url: str, data_dir: str, station: str) -> int:
    store = Store.open(Path(data_dir))
    try:
        return push.push(central_engine(url), store, station).pushed
    finally:
        store.close()


def _ready(_: int) -> None:
    """Nothing: a worker that ran it has imported this module (and the station's)."""


def many_at_once(admin_url: str, folder: Path, stations: int, events: int) -> dict[str, float]:
    jobs = []
    for n in range(stations):
        name = f"bench-{n:02d}"
        login = add_station(central_engine(admin_url), name)
        with (folder / "pgpass").open("a") as out:
            out.write(login.pgpass + "\n")
        data_dir = folder / name
        store = Store.open(data_dir)
        queue(store, name, events)
        store.close()
        jobs.append((login.url, str(data_dir), name))
    with multiprocessing.get_context("spawn").Pool(stations) as pool:
        pool.map(_ready, range(stations))  # imports done before the clock starts
        started = time.perf_counter()
        pushed = sum(pool.starmap(push_one, jobs))
        took = time.perf_counter() - started
    assert pushed == stations * events
    return {
        "stations": stations,
        "events": pushed,
        "seconds": round(took, 2),
        "events_per_s_at_server": round(pushed / took),
    }


def scan_times(session: PackSession, scans: list[str], seconds: float) -> list[float]:
    times_ms: list[float] = []
    end = time.perf_counter() + seconds
    index = 0
    while time.perf_counter() < end:
        start = time.perf_counter()
        session.handle_scan(scans[index % len(scans)])
        times_ms.append((time.perf_counter() - start) * 1000)
        index += 1
        time.sleep(SCAN_GAP_S)
    return times_ms


def scans_beside_sync(admin_url: str, folder: Path, backlog: int) -> dict[str, float]:
    data_dir = folder / "scanning"
    scans = seed(data_dir, orders=300)
    login = add_station(central_engine(admin_url), "scanning")
    with (folder / "pgpass").open("a") as out:
        out.write(login.pgpass + "\n")
    store = Store.open(data_dir)
    session = PackSession(store, Settings(station="scanning"), FileLabelPrinter(data_dir / "l"))
    try:
        alone = scan_times(session, scans, 8.0)
        queue(store, "scanning", backlog)
        caught_up = threading.Event()

        def on_status(status: LinkStatus) -> None:
            if status.online and status.waiting == 0:
                caught_up.set()

        runner = SyncRunner(login.url, store, "scanning", 0.2, on_status)
        runner.start()
        started = time.perf_counter()
        during: list[float] = []
        while not caught_up.is_set() and time.perf_counter() - started < 120:
            during += scan_times(session, scans, 1.0)
        runner.stop()
    finally:
        session.close()
        store.close()
    return {
        "backlog_events": backlog,
        "alone_p50_ms": round(percentile(alone, 50), 2),
        "alone_p99_ms": round(percentile(alone, 99), 2),
        "during_sync_p50_ms": round(percentile(during, 50), 2),
        "during_sync_p99_ms": round(percentile(during, 99), 2),
        "p99_added_ms": round(percentile(during, 99) - percentile(alone, 99), 2),
        "scans_during_sync": len(during),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--backlog", type=int, default=50_000)
    args = parser.parse_args()
    cluster = start_cluster()
    try:
        with psycopg.connect(cluster.url(), autocommit=True) as admin:
            admin.execute("CREATE DATABASE many")
        admin_url = cluster.url("many")
        init_schema(central_engine(admin_url))
        folder = Path(tempfile.mkdtemp(prefix="central-many-"))
        (folder / "pgpass").touch(mode=0o600)
        os.environ["PGPASSFILE"] = str(folder / "pgpass")
        print(json.dumps(many_at_once(admin_url, folder, args.stations, args.events)))
        print(json.dumps(scans_beside_sync(admin_url, folder, args.backlog)))
    finally:
        remove_cluster(cluster)


if __name__ == "__main__":
    main()
