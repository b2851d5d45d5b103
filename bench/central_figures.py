"""The supervisor figures on a central database of 20 busy stations: each dashboard query, a report.

Run: uv run python bench/central_figures.py [--stations 20] [--days 35] [--runs 15]
Needs the PostgreSQL server programs (Debian: postgresql) and the aged store of
bench/aged_store.py (its cached work copy of bench/supervisor_figures.py).

Filling: the aged station's last `--days` days of events (every scan, parcel,
print job and attempt, as the sync's own COPY rows make them: station.sync.
outbox_sql) are copied once into staging tables, then copied in SQL once per
station under 20 names with every id remapped (md5 of station and id), so the
20 stations pack different orders with their own packers: no replay. The
cluster is kept under ~/.cache/packstation-bench/central-figures (as root: in
/var/tmp/packstation-bench, linked from there, for the postgres user) and reused
while the schema and the sizes match (a rerun starts it in seconds).
Only the newest days are copied: a dashboard reads today, this week or this
month; older days are saved totals (station.supervisor.saved_days), so a
year behind them changes the depth of an index, not what is read.

Measured: each dashboard query (the whole refresh, one station's refresh, the
figures by packer) for today, this week and this month with the newest day
as today at 17:00 (it and yesterday, in its scan-back grace, from the seals
with their orders' sums kept as the scans arrived, central migration c0011;
the days before from their saved totals), the orders behind one packer's day,
an order's trail, and a one-month report: p50, p99 and this process's CPU
p99 (the server's time is in the wall time). Then the station's own figures
(bench/supervisor_figures.py) on the aged store, in the same run.
Then a one-month report with no day saved yet, and with the days saved ahead
by the sync's day filler (station.supervisor.day_filler), timed too.
Targets: each dashboard query p99 <= 200 ms; a one-month report <= 2 s.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from sqlalchemy import Connection, create_engine, text

from bench._data import percentile
from bench.aged_store import CACHE
from bench.supervisor_figures import PlainStore, timed
from station.central.admin import head_revision, init_schema
from station.store import DB_NAME
from station.supervisor.day_filler import save_finished_days
from station.supervisor.drill import OrderRef, order_trail, orders_behind
from station.supervisor.figures import EVERYONE, Facts, Filter, dashboard, rows_of
from station.supervisor.period import Period
from station.supervisor.report import build_report
from station.supervisor.saved_days import CentralDays
from station.sync.outbox_sql import copy_columns, unsent
from station.sync.streams import LOCAL_ONLY, STREAMS
from tests.central.cluster import SUPERUSER, Cluster, free_port, server_bin

ROOT = Path(__file__).resolve().parents[1]
AGED = CACHE / "supervisor-run"  # bench/supervisor_figures.py's work copy of the aged store
# The server runs as the postgres user (it refuses root), who cannot enter
# root's home: the cluster then lives in /var/tmp, linked from the cache folder.
FOLDER = (
    Path("/var/tmp/packstation-bench/central-figures")
    if os.geteuid() == 0
    else CACHE / "central-figures"
)
DATABASE = "central"
AGED_STATION = "bench"
COPIED = ("scanevent", "parcel", "printjob", "printattempt")
# The ids a row names, in its columns and in its JSON: remapped per station.
ID_FIELDS = ("id", "order_id", "packer_id", "parcel_id", "job_id", "supervisor_id", "line_id")
TZ = UTC


def start(folder: Path) -> tuple[Cluster, bool]:
    """The cached cluster started (True), or a new empty one (False)."""
    cluster = Cluster(folder, free_port(), server_bin())
    if (folder / "data" / "PG_VERSION").is_file():
        cluster.start()
        return cluster, True
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(folder, SUPERUSER, SUPERUSER)
        link = CACHE / "central-figures"
        if not link.exists():
            link.symlink_to(folder)
    cluster.init()
    cluster.start()
    return cluster, False


def marker(stations: int, days: int) -> str:
    return f"{head_revision()} {stations} stations {days} days\n"


def _sizes(mark: str) -> str:
    return mark.split(" ", 1)[-1]


def upgrade(cluster: Cluster) -> None:
    """The filled cluster's schema upgraded in place (a migration's backfill timed)."""
    started = time.perf_counter()
    engine = create_engine(cluster.url(DATABASE).replace("postgresql://", "postgresql+psycopg://"))
    before, after = init_schema(engine)
    engine.dispose()
    print(f"central schema upgraded {before} -> {after} in {time.perf_counter() - started:.0f} s")


def fill(cluster: Cluster, stations: int, days: int) -> None:
    started = time.perf_counter()
    names = [f"st{n:02d}" for n in range(1, stations + 1)]
    local = PlainStore(AGED)
    events_done = FOLDER / "events-filled"
    if events_done.is_file() and events_done.read_text() == marker(stations, days):
        print("the events are there from an interrupted fill: only the reference rows")
        with psycopg.connect(cluster.url(DATABASE), autocommit=True) as pg:
            for table in ("orders", "packer"):
                pg.execute(f"DROP TABLE IF EXISTS stage_{table}")
                pg.execute(f"DELETE FROM {table}")
            _reference(pg, local, names)
            pg.execute("ANALYZE")
        local.close()
        return
    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    url = cluster.url(DATABASE).replace("postgresql://", "postgresql+psycopg://")
    engine = create_engine(url)
    init_schema(engine)
    engine.dispose()
    with local.engine.connect() as db:
        newest = db.exec_driver_sql("SELECT max(created_at) FROM parcel").scalar_one()
        since = (datetime.fromisoformat(str(newest)) - timedelta(days=days)).isoformat(" ")
        firsts = {
            name: int(
                db.exec_driver_sql(
                    f"SELECT coalesce(min(seq), 1) - 1 FROM {name} WHERE created_at >= ?", (since,)
                ).scalar_one()
            )
            for name in COPIED
        }
    with psycopg.connect(cluster.url(DATABASE), autocommit=True) as pg:
        pg.execute(
            "CREATE FUNCTION remap(s text, v text) RETURNS text LANGUAGE sql IMMUTABLE AS "
            "$$ SELECT CASE WHEN v IS NULL THEN NULL ELSE md5(s || replace(v, '-', '')) END $$"
        )
        for stream in STREAMS:
            if stream.name not in COPIED:
                continue
            columns = copy_columns(stream.keys)
            pg.execute(
                f"CREATE UNLOGGED TABLE stage_{stream.name} (LIKE {stream.name} INCLUDING DEFAULTS)"
            )
            rows = unsent(
                local,  # type: ignore[arg-type]  # reads `engine` only
                stream.local,
                stream.keys,
                LOCAL_ONLY.get(stream.name, set()),
                AGED_STATION,
                firsts[stream.name],
                10_000_000,
            )
            with pg.cursor() as cursor:
                target = f"stage_{stream.name} ({', '.join(columns)})"
                with cursor.copy(f"COPY {target} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            print(f"staged {len(rows):,} {stream.name} rows of the last {days} days")
            for name in names:
                pg.execute(_copy_as(stream.name, columns, name))
            pg.execute(f"DROP TABLE stage_{stream.name}")
        events_done.write_text(marker(stations, days))
        _reference(pg, local, names)
        pg.execute("ANALYZE")
    local.close()
    print(f"filled {stations} stations in {time.perf_counter() - started:.0f} s")


def _copy_as(table: str, columns: list[str], station: str) -> str:
    """The staged rows as `station`'s: every id remapped, in the columns and in `data`."""
    # Ids a row does not have (or has as null) come out null and are stripped: kept as they were.
    remapped = ", ".join(f"'{f}', remap('{station}', data->>'{f}')" for f in ID_FIELDS)
    data = f"data || jsonb_strip_nulls(jsonb_build_object({remapped}, 'station', '{station}'))"
    chosen = []
    for column in columns:
        if column == "data":
            chosen.append(data)
        elif column == "station":
            chosen.append(f"'{station}'")
        elif column in ID_FIELDS:
            chosen.append(f"remap('{station}', {column}::text)::uuid")
        else:
            chosen.append(column)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(chosen)} FROM stage_{table}"
    )


def _reference(pg: psycopg.Connection[Any], local: PlainStore, names: list[str]) -> None:
    """Each station's own copy of the orders and packers its events name."""
    with local.engine.connect() as db:
        orders = db.exec_driver_sql("SELECT * FROM orders").mappings().all()
        packers = db.exec_driver_sql("SELECT * FROM packer").mappings().all()
    for table, rows, renamed in (("orders", orders, "number"), ("packer", packers, "badge")):
        if not rows:
            continue
        columns = list(rows[0].keys())
        # Only the columns (no constraints): the central table fills its own change numbers.
        pg.execute(
            f"CREATE UNLOGGED TABLE stage_{table} AS SELECT {', '.join(columns)} "
            f"FROM {table} LIMIT 0"
        )
        statement = f"COPY stage_{table} ({', '.join(columns)}) FROM STDIN"
        with pg.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([_pg_value(row[c]) for c in columns])
        for name in names:
            chosen = []
            for column in columns:
                if column == "id":
                    chosen.append(f"remap('{name}', id::text)::uuid")
                elif column == renamed:
                    chosen.append(f"'{name}-' || {column}")
                else:
                    chosen.append(column)
            pg.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT {', '.join(chosen)} FROM stage_{table}"
            )
        pg.execute(f"DROP TABLE stage_{table}")


def _pg_value(value: object) -> object:
    if isinstance(value, bytes):
        return value.decode()
    return value


Query = Callable[[Connection, Period, datetime], object]
QUERIES: dict[str, Query] = {
    "whole refresh, all stations": lambda db, p, now: dashboard(
        db, p, EVERYONE, CentralDays(db), now
    ),
    "whole refresh, one station": lambda db, p, now: dashboard(
        db, p, Filter(station="st07"), CentralDays(db), now
    ),
    "figures by packer, all stations": lambda db, p, now: rows_of(
        Facts(db, p, EVERYONE, CentralDays(db), now), "packer"
    ),
}


def measure(url: str, runs: int) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as db:
        newest = db.execute(text("SELECT max(created_at) FROM parcel")).scalar_one()
        rows = db.execute(
            text("SELECT (SELECT count(*) FROM scanevent), (SELECT count(*) FROM orders)")
        ).one()
        print(f"central: {rows[0]:,} scan events, {rows[1]:,} orders; newest seal {newest}")
    day: date = newest.astimezone(TZ).date()
    now = datetime(day.year, day.month, day.day, 17, tzinfo=TZ)
    periods = {
        "today": Period(day, day, TZ),
        "this week": Period(day - timedelta(days=6), day, TZ),
        "this month": Period(day - timedelta(days=29), day, TZ),
    }
    with engine.begin() as db:
        db.execute(text("DELETE FROM figure_day_fact; DELETE FROM figure_day"))
        db.execute(text("DELETE FROM figure_day_mark"))
    worst = 0.0
    with engine.begin() as db:
        month = periods["this month"]
        fill_ms = timed(lambda: dashboard(db, month, EVERYONE, CentralDays(db), now))
        print(
            f"first refresh of the month, its 28 finished days summed and saved: {fill_ms:.0f} ms"
        )
    print(f"\n{'central query':40} {'period':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU p99':>8}")
    for name, query in QUERIES.items():
        for label, period in periods.items():
            with engine.begin() as db:
                query(db, period, now)
                cpu: list[float] = []
                times = [timed(lambda: query(db, period, now), cpu) for _ in range(runs)]  # noqa: B023
            worst = max(worst, percentile(times, 99))
            print(
                f"{name:40} {label:>10} {percentile(times, 50):8.1f} "
                f"{percentile(times, 99):8.1f} {percentile(cpu, 99):8.1f}"
            )
    with engine.begin() as db:
        today = periods["today"]

        def drill() -> list[OrderRef]:
            return orders_behind(db, today, "orders", "packer", "st07-P-1")

        refs = drill()
        cpu = []
        times = [timed(drill, cpu) for _ in range(runs)]
        worst = max(worst, percentile(times, 99))
        print(
            f"{'orders one packer packed (a day)':40} {'today':>10} {percentile(times, 50):8.1f} "
            f"{percentile(times, 99):8.1f} {percentile(cpu, 99):8.1f}"
        )
        number = refs[len(refs) // 2].number
        cpu = []
        times = [timed(lambda: order_trail(db, number, TZ), cpu) for _ in range(runs)]
        worst = max(worst, percentile(times, 99))
        print(
            f"{'order trail (' + number + ')':40} {'':>10} {percentile(times, 50):8.1f} "
            f"{percentile(times, 99):8.1f} {percentile(cpu, 99):8.1f}"
        )
    print(f"slowest central dashboard query p99: {worst:.1f} ms (target <= 200 ms)")
    for label, book in (("days not saved yet", False), ("days saved ahead", True)):
        with engine.begin() as db:
            db.execute(text("DELETE FROM figure_day_fact; DELETE FROM figure_day"))
        if book:  # as each station's sync process does, before any supervisor asks
            started = time.perf_counter()
            saved = save_finished_days(engine, TZ, now)
            print(
                f"the sync's day filler saved {len(saved)} finished days ahead in "
                f"{time.perf_counter() - started:.1f} s (one transaction a day, off any bench)"
            )
        with engine.begin() as db:
            start, start_cpu = time.perf_counter(), time.process_time()
            report = build_report(db, "accuracy", periods["this month"], "station", "bench",
                                  CentralDays(db))  # fmt: skip
            buffer = io.StringIO()
            buffer.write(str(len(report.rows)))
            elapsed, used = time.perf_counter() - start, time.process_time() - start_cpu
        print(
            f"one-month accuracy report by station ({label}): {elapsed:.2f} s, CPU {used:.2f} s "
            "(target <= 2 s)"
        )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    engine.dispose()


def scan_verdicts(orders: int) -> None:
    """A scan's verdict on the aged store and on a fresh one, taking turns (bench/aged_store.py)."""
    from bench.aged_store import build_fresh, measure_actions
    from bench.aged_store import head_revision as store_head
    from station.store import Store

    aged = CACHE / "central-scan-aged"
    done = aged / "upgraded-to"
    if not done.is_file() or done.read_text() != store_head():
        shutil.rmtree(aged, ignore_errors=True)
        aged.mkdir(parents=True)
        shutil.copyfile(AGED / DB_NAME, aged / DB_NAME)
        started = time.perf_counter()
        Store.open(aged).close()  # upgraded once to this schema, kept for the next run
        shutil.rmtree(aged / "backups", ignore_errors=True)
        done.write_text(store_head())
        print(f"aged store copied and upgraded in {time.perf_counter() - started:.0f} s")
    work = CACHE / "central-scan-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    (work / "aged").mkdir()
    shutil.copyfile(aged / DB_NAME, work / "aged" / DB_NAME)
    build_fresh(work / "fresh")
    # The copy just written is still being flushed to disk: measured now, a scan's
    # commit would wait behind gigabytes of someone else's writeback.
    os.sync()
    times = measure_actions({"fresh": work / "fresh", "aged": work / "aged"}, orders)
    fresh, old = times["fresh"]["scan"], times["aged"]["scan"]
    print(
        f"scan to verdict, {len(fresh)} scans each, in turns: "
        f"fresh p50 {percentile(fresh, 50):.2f} "
        f"p99 {percentile(fresh, 99):.2f} ms; aged p50 {percentile(old, 50):.2f} "
        f"p99 {percentile(old, 99):.2f} ms (aged/fresh p99 "
        f"{percentile(old, 99) / percentile(fresh, 99):.2f}x)"
    )
    shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--days", type=int, default=35)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--refill", action="store_true", help="fill the cached cluster anew")
    parser.add_argument(
        "--no-station", action="store_true", help="skip the station figures on the aged store"
    )
    parser.add_argument(
        "--scan-orders", type=int, default=20, help="orders packed on each store (0: no scans)"
    )
    args = parser.parse_args()
    if not (AGED / DB_NAME).is_file():
        raise SystemExit("Run bench/supervisor_figures.py first: it prepares the aged store copy.")
    cluster, cached = start(FOLDER)
    try:
        done = FOLDER / "filled"
        wanted = marker(args.stations, args.days)
        if (
            not args.refill
            and cached
            and done.is_file()
            and _sizes(done.read_text()) == (_sizes(wanted))
            and done.read_text() != wanted
        ):
            upgrade(cluster)  # the same events under a newer schema: brought up to it
            done.write_text(wanted)
        if args.refill or not cached or not done.is_file() or done.read_text() != wanted:
            fill(cluster, args.stations, args.days)
            done.write_text(wanted)
        else:
            print(f"reusing the filled cluster in {FOLDER}")
        measure(cluster.url(DATABASE), args.runs)
    finally:
        cluster.stop()
    if not args.no_station:
        print("\nthe aged station store, in the same run:")
        subprocess.run(
            [sys.executable, str(ROOT / "bench/supervisor_figures.py"), "--as-upgraded",
             "--runs", str(args.runs)],
            check=True,
        )  # fmt: skip
    if args.scan_orders:
        print("\na scan's verdict on the aged store and on a fresh one, in the same run:")
        scan_verdicts(args.scan_orders)


if __name__ == "__main__":
    main()
