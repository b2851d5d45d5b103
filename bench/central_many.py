"""Many stations at once against the central PostgreSQL, and what a sync adds to a scan.

1. 20 stations (processes), each with queued events, push at the same time:
   events per second arriving at the server.
2. One bench scanning (PackSession, durable commit, verdict): scan-to-verdict
   p50/p99 with no sync, then while a backlog is pushed by the sync as a
   process of its own (`main.py sync --watch`, what the window runs) and by
   the same sync on a thread of the scanning process (for comparison).

Run: uv run python bench/central_many.py [--stations 20] [--events 5000]
Needs the PostgreSQL server programs (Debian: postgresql).
Target: the p99 added to a scan while a sync runs under 2 ms.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import subprocess
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
from station.sync.link import SYNC_NOW, LinkStatus
from station.sync.runner import SyncRunner
from tests.central.cluster import remove_cluster, start_cluster

ROOT = Path(__file__).resolve().parents[1]
SCAN_GAP_S = 0.005
WINDOW_S = 0.5  # scans with the sync process paused, then running, in turns
BACKLOG = 50_000  # events the sync pushes while the bench scans
SERVER_NICENESS = 10


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


def central_position(admin_url: str, station: str) -> int:
    with psycopg.connect(admin_url) as db:
        row = db.execute(
            "SELECT coalesce(max(position), 0) FROM sync_cursor "
            "WHERE station = %s AND stream = 'scanevent'",
            (station,),
        ).fetchone()
    return int(row[0]) if row else 0


class ThreadSync:
    """The sync on a thread of the scanning process (what the window did first)."""

    def __init__(self, url: str, store: Store, station: str) -> None:
        self._first = threading.Event()
        self._runner = SyncRunner(url, store, station, 3600, lambda _s: self._first.set())

    def start(self) -> None:
        self._runner.start()
        self._first.wait(60)

    def sync_now(self) -> None:
        self._runner.sync_now()

    def stop(self) -> None:
        self._runner.stop()


class ProcessSync:
    """`main.py sync --watch` beside the scanning process (what the window does now)."""

    def __init__(self, data_dir: Path, config: Path) -> None:
        self._command = [
            sys.executable,
            str(ROOT / "main.py"),
            "sync",
            "--watch",
            "--data-dir",
            str(data_dir),
            "--config",
            str(config),
        ]
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            self._command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        first = LinkStatus.from_json(self._process.stdout.readline())
        assert first.online, first

    def sync_now(self) -> None:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.write(SYNC_NOW + "\n")
        self._process.stdin.flush()

    def pause(self) -> None:
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGCONT)

    def stop(self) -> None:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(60)


def push_backlog(store: Store, station: str, backlog: int) -> int:
    """Queue `backlog` events; the seq the central position must reach."""
    queue(store, station, backlog)
    with store.engine.connect() as db:
        return int(db.execute(select(func.max(ScanEvent.seq))).scalar_one())


def beside_process(
    session: PackSession, scans: list[str], store: Store, admin_url: str, sync: ProcessSync
) -> dict[str, float]:
    """Scans while the sync process pushes, against scans while it is paused (SIGSTOP):
    windows taken in turns, so the machine's other load falls on both alike."""
    station = session.station
    sync.start()  # its first exchange done: the backlog comes next
    target = push_backlog(store, station, BACKLOG)
    sync.sync_now()
    started = time.perf_counter()
    paused: list[float] = []
    running: list[float] = []
    while central_position(admin_url, station) < target:
        assert time.perf_counter() - started < 600, "the backlog never arrived"
        sync.pause()
        paused += scan_times(session, scans, WINDOW_S)
        sync.resume()
        running += scan_times(session, scans, WINDOW_S)
    sync.stop()
    return {
        "process_paused_p50_ms": round(percentile(paused, 50), 2),
        "process_paused_p99_ms": round(percentile(paused, 99), 2),
        "process_running_p50_ms": round(percentile(running, 50), 2),
        "process_running_p99_ms": round(percentile(running, 99), 2),
        "process_p99_added_ms": round(percentile(running, 99) - percentile(paused, 99), 2),
        "process_scans_running": len(running),
    }


def beside_thread(
    session: PackSession,
    scans: list[str],
    store: Store,
    admin_url: str,
    alone: list[float],
    url: str,
) -> dict[str, float]:
    """Scans while a sync thread in the same process pushes, against scans with no sync
    before (a thread cannot be paused: noisier than the process's figure)."""
    station = session.station
    sync = ThreadSync(url, store, station)
    sync.start()
    target = push_backlog(store, station, BACKLOG)
    sync.sync_now()
    started = time.perf_counter()
    during: list[float] = []
    while central_position(admin_url, station) < target:
        assert time.perf_counter() - started < 600, "the backlog never arrived"
        during += scan_times(session, scans, 1.0)
    sync.stop()
    return {
        "thread_p50_ms": round(percentile(during, 50), 2),
        "thread_p99_ms": round(percentile(during, 99), 2),
        "thread_p99_added_ms": round(percentile(during, 99) - percentile(alone, 99), 2),
        "thread_scans": len(during),
    }


def scans_beside_sync(admin_url: str, folder: Path) -> dict[str, float]:
    """Scan-to-verdict times with no sync, then while each kind of sync pushes a backlog."""
    station = "scanning"
    data_dir = folder / station
    scans = seed(data_dir, orders=300)
    login = add_station(central_engine(admin_url), station)
    with (folder / "pgpass").open("a") as out:
        out.write(login.pgpass + "\n")
    config = folder / "scanning.toml"
    config.write_text(
        f'[station]\nname = "{station}"\n[central]\nurl = "{login.url}"\nsync_interval_s = 3600\n'
    )
    store = Store.open(data_dir)
    session = PackSession(store, Settings(station=station), FileLabelPrinter(data_dir / "l"))
    figures: dict[str, float] = {"backlog_events": BACKLOG}
    try:
        alone = scan_times(session, scans, 8.0)
        figures["alone_p50_ms"] = round(percentile(alone, 50), 2)
        figures["alone_p99_ms"] = round(percentile(alone, 99), 2)
        figures |= beside_process(session, scans, store, admin_url, ProcessSync(data_dir, config))
        figures |= beside_thread(session, scans, store, admin_url, alone, login.url)
    finally:
        session.close()
        store.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--skip-many", action="store_true", help="only the scans beside a sync")
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
        if not args.skip_many:
            print(json.dumps(many_at_once(admin_url, folder, args.stations, args.events)))
        # In a warehouse the server is another machine; here it shares this one's cores.
        # Its new backends run at a lower priority, so the scans meet the bench's own
        # cost of a sync, not the server's.
        postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
        os.setpriority(os.PRIO_PROCESS, postmaster, SERVER_NICENESS)
        print(json.dumps(scans_beside_sync(admin_url, folder)))
    finally:
        remove_cluster(cluster)


if __name__ == "__main__":
    main()
