"""A year at the bench: a fresh store and an aged one, side by side.

Run: uv run python bench/aged_store.py [--starts 3] [--rebuild]
     uv run python bench/aged_store.py --scans-only [--rounds 3] [--aged-db FILE]

The aged store (at least 1.5 million scan events and 300,000 orders, one busy
bench over a year) is built once and cached in ~/.cache/packstation-bench
(PACKSTATION_BENCH_CACHE overrides it): 3,000 orders are packed through the
real engine (PackSession: logins, wrong items, acknowledgements, seals,
labels scanned back) on a tmpfs, then their rows are copied 114 times with SQL
(fresh UUIDs and sequence numbers, order numbers and tracking numbers made
unique, timestamps spread over the year before yesterday). The fresh store is
the same catalog and orders with 30 orders packed the same way.

Each run copies both stores to a work folder on disk and measures the same
things on each: window start to ready and the start's peak memory (RSS
high-water, as bench/gui_start.py starts it), scan to verdict, reprint the
last label, the packing slip, a wrong label scanned back, the bulk print
dialog's list, and on the aged store the longest stall one backup causes to
scans going on meanwhile.
Targets (2-core machine): aged start at most 1.2x fresh and at most 2 s; aged
peak memory at most fresh + 50 MB; each action aged at most 1.2x fresh.

--scans-only compares scan to verdict alone, issue 13's "no slower on the aged
store": each round packs the test orders on four stores in turns, a fresh and an
aged one with the store's WAL checkpoints (station.wal_checkpoints) and the same
two with SQLite's own (inside the commit that takes the WAL past 1,000 pages, as
before), so the before and after share the machine's load. --aged-db takes an
aged store already upgraded (bench/central_figures.py keeps one) instead of the
cached one, whose upgrade from an old schema takes minutes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlmodel import col, select

from bench._data import ean13, percentile
from station.backups import back_up
from station.bulk_print import BulkPrinter, Wave
from station.couriers.plan import CourierBook
from station.couriers.range_admin import ensure_demo_ranges
from station.importers import import_records
from station.labels import LabelContent
from station.models import Order, Parcel
from station.ports import PrintResult, SuppliedLabel
from station.session import PackSession
from station.settings import Settings
from station.slips import SlipContent
from station.store import DB_NAME, MIGRATIONS, Store
from station.verdicts import VerdictKind
from station.wal_checkpoints import WalCheckpointer

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("PACKSTATION_BENCH_CACHE", "~/.cache/packstation-bench")).expanduser()
STATION = "bench"
PRODUCTS = 40
PACKED = 3_000  # packed through the engine
COPIES = 115  # the packed rows and 114 copies of them: 1.57 million scan events
TEST_ORDERS = 300  # left unpacked in both stores, for the measurements
YEAR_DAYS = 365
PACKERS = [f"P-{n}" for n in range(1, 6)]
V = VerdictKind


class NullPrinter:
    """Takes every label and slip at once: the benchmark times the station, not a printer."""

    def print_label(self, job_id: str, label: LabelContent) -> PrintResult:
        return PrintResult(f"null:{job_id}")

    def print_supplied(self, job_id: str, label: SuppliedLabel) -> PrintResult:
        return PrintResult(f"null:{job_id}")

    def print_slip(self, job_id: str, slip: SlipContent) -> PrintResult:
        return PrintResult(f"null:{job_id}")


def open_session(store: Store) -> PackSession:
    printer = NullPrinter()
    return PackSession(store, Settings(station=STATION), printer, documents=printer)


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return str(ScriptDirectory.from_config(config).get_current_head())


# -- building -----------------------------------------------------------------


def order_lines(n: int) -> list[dict[str, Any]]:
    """One to three lines of one or two units: about four item scans an order."""
    lines = 1 + n % 3
    return [
        {"sku": f"SKU-{(n + k * 7) % PRODUCTS:03d}", "qty": 2 if (n + k) % 2 else 1}
        for k in range(lines)
    ]


def seed_reference(data_dir: Path) -> None:
    store = Store.open(data_dir)
    catalog = [
        {"sku": f"SKU-{i:03d}", "name": f"Bench product {i}", "barcode": ean13(i), "weight_g": 100}
        for i in range(PRODUCTS)
    ]
    address = {
        "name": "Zoë Müller",
        "street": "Hauptstraße 5",
        "city": "Berlin",
        "postcode": "10115",
        "country": "DE",
        "phone": "+49 30 1234567",
    }
    orders = [
        {
            "number": number,
            "courier": "DHL Express",
            "service": "Express",
            "ship_to": address,
            "lines": order_lines(n),
        }
        for prefix, count in (("A", PACKED), ("T", TEST_ORDERS))
        for n in range(count)
        for number in [f"{prefix}-{n:05d}"]
    ]
    packers = [{"badge": badge, "name": f"Packer {badge}", "role": "packer"} for badge in PACKERS]
    packers.append({"badge": "S-1", "name": "Supervisor", "role": "supervisor"})
    with store.session() as db:
        import_records(db, "catalog", catalog)
        import_records(db, "orders", orders)
        import_records(db, "packers", packers)
    with store.session() as db:
        ensure_demo_ranges(db, STATION, CourierBook.load())
        db.commit()
    store.close()


def pack_orders(session: PackSession, prefix: str, numbers: range) -> None:
    """Pack orders as a bench does: shifts of packers, a wrong item now and then."""
    for n in numbers:
        if n % 300 == 0:
            session.logout()
            session.handle_scan(PACKERS[(n // 300) % len(PACKERS)])
        session.handle_scan(f"{prefix}-{n:05d}")
        if n % 10 == 3:
            session.handle_scan(ean13((n + 20) % PRODUCTS))  # in no line of the order
            session.acknowledge()
        verdict = None
        for line in order_lines(n):
            code = ean13(int(line["sku"].removeprefix("SKU-")))
            for _ in range(line["qty"]):
                verdict = session.handle_scan(code)
        assert verdict is not None and verdict.kind is V.ORDER_COMPLETE, verdict
        if n % 3 == 0 and verdict.tracking:
            session.handle_scan(verdict.tracking)  # scanned back on the box
    assert session.wait_for_printer(600)


def build_packed(data_dir: Path, orders: int) -> None:
    seed_reference(data_dir)
    store = Store.open(data_dir)
    session = open_session(store)
    pack_orders(session, "A", range(orders))
    session.close()
    store.close()


def build_aged(target: Path, packed: int, copies: int) -> None:
    """The cached aged store, built on a tmpfs and moved into `target`."""
    scratch = Path("/dev/shm" if Path("/dev/shm").is_dir() else target.parent) / "pks-aged-build"
    shutil.rmtree(scratch, ignore_errors=True)
    started = time.perf_counter()
    build_packed(scratch, packed)
    print(f"  {packed} orders packed through the engine in {time.perf_counter() - started:.0f} s")
    multiplied = time.perf_counter()
    multiply(scratch / DB_NAME, copies)
    print(f"  copied {copies - 1} times with SQL in {time.perf_counter() - multiplied:.0f} s")
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copyfile(scratch / DB_NAME, target / DB_NAME)
    shutil.rmtree(scratch, ignore_errors=True)


def remap(column: str) -> str:
    """A copy's UUID: the original with another version digit and the copy's number.

    Originals are version 4 (digit 13 is '4'), copies get 'c' there, so no
    copy can meet an original, and the copy number keeps the copies apart.
    """
    return f"substr({column}, 1, 12) || 'c' || substr({column}, 14, 13) || printf('%06x', k)"


def shifted(column: str, days_back: str) -> str:
    """A timestamp moved back, keeping its microseconds."""
    return (
        f"strftime('%Y-%m-%d %H:%M:%S', {column}, '-' || ({days_back}) || ' days') "
        f"|| substr({column}, 20)"
    )


# Per table: how a copy's column differs from the original's (others are kept).
_IDS = ("id", "order_id", "parcel_id", "job_id", "line_id")
_COPIED = {
    "orderline": "order_id IN (SELECT id FROM orders WHERE number LIKE 'A-%')",
    "orders": "number LIKE 'A-%'",
    "scanevent": "1",
    "orderevent": "1",
    "parcel": "1",
    "parcelitem": "1",
    "printjob": "1",
    "printattempt": "1",
}


def multiply(db_file: Path, copies: int) -> None:
    """Copy every packed row `copies - 1` times into the year before the packed ones."""
    db = sqlite3.connect(db_file, isolation_level=None)
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-400000")
    db.execute("BEGIN")
    span = int(db.execute("SELECT max(seq) FROM scanevent").fetchone()[0]) + 1000
    day_step = YEAR_DAYS / copies
    # The packed rows become the newest: yesterday, at the top of the numbering.
    for table in ("scanevent", "orderevent", "parcel", "printjob", "printattempt", "stationstate"):
        db.execute(f"UPDATE {table} SET seq = seq + ?", ((copies - 1) * span,))
    for table in ("scanevent", "orderevent", "parcel", "printjob", "printattempt", "orders"):
        db.execute(f"UPDATE {table} SET created_at = {shifted('created_at', '1')}")
    for table, where in _COPIED.items():
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
        values = []
        for column in columns:
            if column in _IDS:
                values.append(remap(column))
            elif column == "seq":
                values.append(f"seq - ({copies} - k) * {span}")
            elif column in ("created_at", "updated_at"):
                values.append(shifted(column, f"({copies} - k) * {day_step}"))
            elif (table, column) == ("orders", "number") or column == "tracking":
                values.append(f"{column} || '-' || k")
            else:
                values.append(column)
        db.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"WITH RECURSIVE copy(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM copy WHERE k < ?) "
            f"SELECT {', '.join(values)} FROM {table}, copy WHERE {where}",
            (copies - 1,),
        )
    db.execute("COMMIT")
    db.execute("PRAGMA journal_mode=WAL")
    db.close()


def ensure_aged(rebuild: bool, packed: int, copies: int) -> Path:
    """The cached aged store's folder, built (about 7 minutes) or upgraded when needed."""
    folder = CACHE / f"aged-{packed}x{copies}"
    marker = folder / "built-at-revision"
    if rebuild or not marker.is_file():
        print(f"building the aged store in {folder} (once; cached for the next runs)")
        build_aged(folder, packed, copies)
    elif marker.read_text().strip() != head_revision():
        print(f"upgrading the cached aged store in {folder} to the current schema")
        Store.open(folder).close()
        shutil.rmtree(folder / "backups", ignore_errors=True)
    marker.write_text(head_revision())
    return folder


def build_fresh(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    build_packed(target, 30)
    db = sqlite3.connect(target / DB_NAME, isolation_level=None)
    for table in ("scanevent", "orderevent", "parcel", "printjob", "printattempt", "orders"):
        db.execute(f"UPDATE {table} SET created_at = {shifted('created_at', '1')}")
    db.close()


# -- measuring ----------------------------------------------------------------


def start_to_ready(data_dir: Path, config: Path) -> tuple[float, float]:
    """Seconds from launch to READY, and the process's peak RSS then (MB)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "--data-dir",
            str(data_dir),
            "--config",
            str(config),
            "--report-ready",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.strip() == "READY":
                elapsed = time.perf_counter() - start
                return elapsed, peak_rss_mb(process.pid)
        raise RuntimeError(f"the station in {data_dir} exited before it was ready")
    finally:
        process.terminate()
        process.wait(timeout=60)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class ActionBench:
    """One store's station, timing each bench action in milliseconds."""

    def __init__(self, data_dir: Path, *, sqlite_checkpoints: bool = False) -> None:
        self.store = Store.open(data_dir)
        if sqlite_checkpoints:
            use_sqlite_checkpoints(self.store)
        self.commits = time_commits(self.store)
        self.scan_kb: list[float] = []  # what each scan's own thread wrote to disk
        self.session = open_session(self.store)
        self.bulk = BulkPrinter(self.store, NullPrinter(), STATION, self.session.sequence)
        self.times: dict[str, list[float]] = {key: [] for key in ACTIONS}
        self.session.handle_scan(PACKERS[0])
        with self.store.session() as db:  # a label of the history: the wrong one on any box
            wrong = db.exec(
                select(Parcel.tracking)
                .join(Order, col(Order.id) == col(Parcel.order_id))
                .where(Order.number == "A-00000")
            ).first()
        assert wrong is not None
        self.wrong_label = wrong

    def timed(self, key: str, action: Callable[[], Any]) -> Any:
        written = bytes_written_by_this_thread()
        start = time.perf_counter()
        result = action()
        self.times[key].append((time.perf_counter() - start) * 1000)
        if key == "scan":
            self.scan_kb.append((bytes_written_by_this_thread() - written) / 1024)
        return result

    def pack(self, n: int) -> None:
        """Pack test order n, then run each errand once."""
        session = self.session
        scans = [f"T-{n:05d}"] + [
            ean13(int(line["sku"].removeprefix("SKU-")))
            for line in order_lines(n)
            for _ in range(line["qty"])
        ]
        verdict = None
        for scan in scans:
            verdict = self.timed("scan", lambda: session.handle_scan(scan))  # noqa: B023
        assert verdict is not None and verdict.kind is V.ORDER_COMPLETE, verdict
        refused = self.timed("wrong label", lambda: session.handle_scan(self.wrong_label))
        assert refused.kind is V.WRONG_LABEL, refused
        session.acknowledge()
        self.timed("reprint", lambda: session.reprint_label("bench"))
        self.timed("slip", session.print_slip)
        self.timed("bulk list", lambda: self.bulk.sealed(Wave.today(STATION)))

    def close(self) -> None:
        self.session.wait_for_printer(120)
        self.session.close()
        self.store.close()


ACTIONS = {
    "scan": "scan to verdict",
    "reprint": "reprint last label",
    "slip": "packing slip",
    "wrong label": "wrong label scanned back",
    "bulk list": "bulk print dialog's list",
}


def bytes_written_by_this_thread() -> int:
    """Bytes this thread handed to write calls (Linux's per-thread I/O accounting).

    Unlike a time, it does not depend on the machine's load: a scan whose commit
    ran SQLite's checkpoint wrote the pages it copied into the database too.
    """
    for line in Path("/proc/thread-self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0


def time_commits(store: Store) -> list[float]:
    """Each commit's milliseconds on `store` from now on: its flush, and any checkpoint in it.

    The part of a scan an aged store can make slower, apart from the CPU a busy
    machine takes from the rest of the scan.
    """
    spent: list[float] = []

    class TimedCommits(sqlite3.Connection):
        def commit(self) -> None:
            start = time.perf_counter()
            super().commit()
            spent.append((time.perf_counter() - start) * 1000)

    def timed_connections(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
        params["factory"] = TimedCommits

    event.listen(store.engine, "do_connect", timed_connections)
    store.engine.dispose()  # the pooled connections are untimed
    return spent


def use_sqlite_checkpoints(store: Store) -> None:
    """The store as it was before station.wal_checkpoints: SQLite checkpoints in the commit."""
    store.checkpoints.close()
    store.checkpoints = WalCheckpointer(store.path, every_commits=2**62)  # never wakes
    store.engine.dispose()  # the pooled connections have the large safety setting

    def default_size(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=1000")

    event.listen(store.engine, "connect", default_size)


def measure_actions(
    stores: dict[str, Path], orders: int, sqlite_checkpoints: frozenset[str] = frozenset()
) -> dict[str, dict[str, list[float]]]:
    """Each action's times per store, the stores taking turns order by order (same load).

    The stores named in `sqlite_checkpoints` checkpoint as before (use_sqlite_checkpoints).
    """
    benches = {
        name: ActionBench(folder, sqlite_checkpoints=name in sqlite_checkpoints)
        for name, folder in stores.items()
    }
    for n in range(orders):
        for bench in benches.values():
            bench.pack(n)
    for bench in benches.values():
        bench.close()
    return {
        name: {**bench.times, "commit": bench.commits, "scan KB": bench.scan_kb}
        for name, bench in benches.items()
    }


def backup_stall(data_dir: Path) -> str:
    """Scans go on (faster than a packer's) while the store is copied: how slow they got."""
    store = Store.open(data_dir)
    session = open_session(store)
    session.handle_scan(PACKERS[0])
    latencies: list[tuple[float, float]] = []
    done = threading.Event()

    def scanning() -> None:
        while not done.is_set():
            for scan in ("NOT-A-BARCODE", "CMD-ACK"):
                start = time.perf_counter()
                session.handle_scan(scan)
                latencies.append((start, (time.perf_counter() - start) * 1000))
            # Ten inputs a second: several packers' worth (a real one scans about every
            # two seconds), yet not so many that the WAL the copy holds gets huge.
            time.sleep(0.2)

    scanner = threading.Thread(target=scanning)
    scanner.start()
    time.sleep(3)
    copy_start = time.perf_counter()
    copy = back_up(data_dir / DB_NAME, "bench")
    copy_end = time.perf_counter()
    time.sleep(1)
    done.set()
    scanner.join()
    session.close()
    store.close()
    before = [ms for at, ms in latencies if at < copy_start]
    during = [ms for at, ms in latencies if copy_start <= at <= copy_end]
    size = copy.stat().st_size / 1e6
    shutil.rmtree(copy.parent)
    return (
        f"backup of the aged store: {size:,.0f} MB in {copy_end - copy_start:.1f} s; "
        f"{len(during)} scans meanwhile: slowest {max(during):.1f} ms, "
        f"p99 {percentile(during, 99):.1f} ms (before it: slowest {max(before):.1f} ms, "
        f"p99 {percentile(before, 99):.1f} ms)"
    )


def describe_store(db_file: Path) -> str:
    db = sqlite3.connect(db_file)
    scans = db.execute("SELECT count(*) FROM scanevent").fetchone()[0]
    orders = db.execute("SELECT count(*) FROM orders").fetchone()[0]
    db.close()
    return f"{scans:,} scan events, {orders:,} orders, {db_file.stat().st_size / 1e6:,.0f} MB"


def compare_scans(aged_db: Path, rounds: int, orders: int) -> None:
    """Scan to verdict, fresh and aged, store checkpoints and SQLite's, four stores in turns."""
    work = CACHE / "scan-run"
    print(f"aged: {describe_store(aged_db)}")
    kinds = {"thread": "WAL checkpoints on the store's thread", "sqlite": "SQLite's in the commit"}
    times: dict[str, list[float]] = {}
    for number in range(1, rounds + 1):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        stores: dict[str, Path] = {}
        for kind in kinds:
            stores[f"fresh {kind}"] = work / f"fresh-{kind}"
            build_fresh(stores[f"fresh {kind}"])
            stores[f"aged {kind}"] = work / f"aged-{kind}"
            stores[f"aged {kind}"].mkdir()
            shutil.copyfile(aged_db, stores[f"aged {kind}"] / DB_NAME)
        # The copies just written are still being flushed: measured now, a commit
        # would wait behind gigabytes of someone else's writeback.
        os.sync()
        load = os.getloadavg()[0]
        measured = measure_actions(
            stores, orders, frozenset(name for name in stores if name.endswith("sqlite"))
        )
        print(f"\nround {number}, {orders} orders each, load average {load:.1f}:")
        for kind, label in kinds.items():
            for what in MEASURED:
                fresh, aged = measured[f"fresh {kind}"][what], measured[f"aged {kind}"][what]
                times.setdefault(f"fresh {kind} {what}", []).extend(fresh)
                times.setdefault(f"aged {kind} {what}", []).extend(aged)
                print_scans(f"{label}, {what}", fresh, aged)
    print(f"\nall {rounds} rounds:")
    for kind, label in kinds.items():
        for what in MEASURED:
            print_scans(
                f"{label}, {what}", times[f"fresh {kind} {what}"], times[f"aged {kind} {what}"]
            )
    shutil.rmtree(work, ignore_errors=True)


# Per scan: its time to verdict, each commit's time, what the scan's thread wrote.
MEASURED = {"scan": "ms", "commit": "ms", "scan KB": "KB"}


def print_scans(label: str, fresh: list[float], aged: list[float]) -> None:
    unit = MEASURED[label.rsplit(", ", 1)[1]]

    def figures(times: list[float]) -> str:
        return (
            f"p50 {percentile(times, 50):5.1f} p99 {percentile(times, 99):5.1f} "
            f"max {max(times):5.0f} {unit}"
        )

    ratio = percentile(aged, 99) / percentile(fresh, 99)
    print(
        f"  {label:46} {len(fresh):4}, {len(aged):4}: fresh {figures(fresh)}; "
        f"aged {figures(aged)}; aged/fresh p99 {ratio:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument(
        "--scans-only", action="store_true", help="scan to verdict alone, before and after"
    )
    parser.add_argument("--rounds", type=int, default=3, help="--scans-only: rounds")
    parser.add_argument("--aged-db", type=Path, help="--scans-only: an aged store to copy")
    parser.add_argument("--rebuild", action="store_true", help="build the aged store anew")
    # Smaller stores, for trying the script out; the figures need the defaults.
    parser.add_argument("--packed", type=int, default=PACKED, help=argparse.SUPPRESS)
    parser.add_argument("--copies", type=int, default=COPIES, help=argparse.SUPPRESS)
    parser.add_argument("--tests", type=int, default=TEST_ORDERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scans_only:
        aged_db = args.aged_db or ensure_aged(args.rebuild, args.packed, args.copies) / DB_NAME
        compare_scans(aged_db, args.rounds, args.tests)
        return
    aged_cache = ensure_aged(args.rebuild, args.packed, args.copies)
    work = CACHE / "run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    config = work / "station.toml"
    config.write_text(f'[station]\nname = "{STATION}"\n')
    stores = {"fresh": work / "fresh", "aged": work / "aged"}
    build_fresh(stores["fresh"])
    stores["aged"].mkdir()
    shutil.copyfile(aged_cache / DB_NAME, stores["aged"] / DB_NAME)
    for name, folder in stores.items():
        print(f"{name}: {describe_store(folder / DB_NAME)}")

    starts: dict[str, list[tuple[float, float]]] = {name: [] for name in stores}
    for folder in stores.values():
        start_to_ready(folder, config)  # compiles, warms the file cache
    for _ in range(args.starts):
        for name, folder in stores.items():
            starts[name].append(start_to_ready(folder, config))
    actions = measure_actions(stores, args.tests)

    def row(label: str, fresh: float, aged: float, unit: str) -> None:
        ratio = aged / fresh if fresh else float("nan")
        print(f"{label:34} {fresh:9.2f} {unit:3} {aged:9.2f} {unit:3} {ratio:6.2f}x")

    print(f"\n{'':34} {'fresh':>13} {'aged':>13} {'aged/fresh':>7}")
    fresh_s = statistics.median(s for s, _ in starts["fresh"])
    aged_s = statistics.median(s for s, _ in starts["aged"])
    row(f"window start to ready (median of {args.starts})", fresh_s, aged_s, "s")
    row(
        "peak memory at start (RSS)",
        max(mb for _, mb in starts["fresh"]),
        max(mb for _, mb in starts["aged"]),
        "MB",
    )
    for key, label in ACTIONS.items():
        fresh, aged = actions["fresh"][key], actions["aged"][key]
        row(f"{label} p50", percentile(fresh, 50), percentile(aged, 50), "ms")
        row(f"{label} p99", percentile(fresh, 99), percentile(aged, 99), "ms")
    print(f"\n{backup_stall(stores['aged'])}")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
