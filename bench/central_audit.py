"""`audit verify --central` on a central database of many stations: how long, how fast.

Run: uv run python bench/central_audit.py [--stations 20] [--events 50000] [--runs 1]

Filling (once; the cluster is kept under ~/.cache/packstation-bench/central-audit,
as root in /var/tmp/packstation-bench/central-audit, and reused while the schema
and the sizes match): a station store gets `--events` scan events for each of
`--stations` stations, written by plain SQL and chained by the store's own
code (station.audit.chain.append_links), then every station's events and links
are sent by sync's own push, with each station's login, as a bench would.
Scans are most of a busy station's events (1.57 of 3.6 million in a year);
each event costs the verifier the same, whatever its table.

Measured: the whole central verification (`audit verify --central --full`,
every station), and one station's, with events per second, and the figure
for a year of 20 busy stations (3.6 million events each) at that rate; then
the default run, which starts from each station's verified mark
(station.audit.central_marks), right after the full one, and after a day of
scans more at each station (written, chained and synced as above; the store
is kept under ~/.cache/packstation-bench/central-audit-store, so its chains
go on at the next run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg

from bench.aged_store import CACHE
from station.audit.central_verify import verify_central
from station.audit.chain import append_links
from station.central.admin import add_station, head_revision, init_schema
from station.central.connect import central_engine
from station.central.roles import station_role
from station.store import Store
from station.sync.push import push
from tests.central.cluster import SUPERUSER, Cluster, free_port, server_bin

FOLDER = (
    Path("/var/tmp/packstation-bench/central-audit")
    if os.geteuid() == 0
    else CACHE / "central-audit"
)
DATABASE = "central"
YEAR_EVENTS = 3_600_000  # a year of a busy bench: every stored event (bench/aged_store.py)
_CHUNK = 5000
STORE = CACHE / "central-audit-store"  # the stations' store, whose chains go on from there
DAY = 4500  # scans a busy bench records in a day (bench/aged_store.py: 1.57 million a year)


def start(folder: Path) -> Cluster:
    cluster = Cluster(folder, free_port(), server_bin())
    if not (folder / "data" / "PG_VERSION").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(folder, SUPERUSER, SUPERUSER)
            link = CACHE / "central-audit"
            if not link.exists():
                link.symlink_to(folder)
        cluster.init()
    cluster.start()
    return cluster


def stations_of(count: int) -> list[str]:
    return [f"st{n:02d}" for n in range(1, count + 1)]


def write_scans(store: Store, station: str, count: int, first_seq: int, start: datetime) -> None:
    """`count` scans of `station` from `first_seq`, chained as a store session chains them."""
    with store.write_lock, store.engine.begin() as connection:
        for offset in range(0, count, _CHUNK):
            rows = []
            for n in range(offset, min(offset + _CHUNK, count)):
                seq = first_seq + n
                code = f"400638133393{seq % 10}"
                rows.append(
                    (
                        uuid.uuid4().hex,
                        station,
                        seq,
                        code,
                        code,
                        "ok" if seq % 40 else "wrong_item",
                        f"{seq % 7} of 7",
                        (start + timedelta(seconds=9 * n)).strftime("%Y-%m-%d %H:%M:%S.%f"),
                    )
                )
            driver = connection.connection.dbapi_connection
            assert driver is not None
            driver.executemany(
                "INSERT INTO scanevent (id, station, seq, raw, code, source, manual, verdict, "
                "units_counted, message, awaiting, created_at) VALUES "
                "(?, ?, ?, ?, ?, 'scanner', 0, ?, 1, ?, 'items', ?)",
                rows,
            )
            append_links(connection, {"scanevent": [row[0] for row in rows]}, cache={})


def fill(cluster: Cluster, stations: list[str], events: int) -> None:
    started = time.perf_counter()
    admin = central_engine(cluster.url(DATABASE))
    with psycopg.connect(cluster.url(), autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        pg.execute(f'CREATE DATABASE "{DATABASE}"')
    init_schema(admin)
    shutil.rmtree(STORE, ignore_errors=True)
    store = Store.open(STORE)
    pgpass = STORE / "pgpass"
    pgpass.touch(mode=0o600)
    for station in stations:
        with pgpass.open("a") as out:
            host, _port, rest = add_station(admin, station).pgpass.split(":", 2)
            out.write(f"{host}:*:{rest}\n")  # any port: a rerun starts the cluster on another
    begin = datetime(2026, 1, 5, 7, tzinfo=UTC)
    for station in stations:
        write_scans(store, station, events, 1, begin)
    print(f"  {len(stations)} x {events} scans written and chained in the store")
    sync(cluster, store, stations)
    store.close()
    admin.dispose()
    print(f"filled in {time.perf_counter() - started:.0f} s")


def sync(cluster: Cluster, store: Store, stations: list[str]) -> None:
    """Each station's new events and links sent by sync's push, with its own login."""
    os.environ["PGPASSFILE"] = str(STORE / "pgpass")
    for station in stations:
        login = cluster.url(DATABASE, user=station_role(DATABASE, station))
        engine = central_engine(login)
        try:
            push(engine, store, station)
        finally:
            engine.dispose()


def add_day(cluster: Cluster, stations: list[str]) -> None:
    """A day of scans more at each station, synced."""
    store = Store.open(STORE)
    try:
        with store.engine.connect() as connection:
            heads: dict[str, int] = {
                str(station): int(seq)
                for station, seq in connection.exec_driver_sql(
                    "SELECT station, max(seq) FROM scanevent GROUP BY station"
                )
            }
        for station in stations:
            write_scans(store, station, DAY, int(heads[station]) + 1, datetime.now(UTC))
        sync(cluster, store, stations)
    finally:
        store.close()


def marker(stations: int, events: int) -> str:
    return f"{head_revision()} {stations} stations {events} scans\n"


def timed_verify(url: str, stations: list[str], *, full: bool) -> tuple[float, int, bool]:
    engine = central_engine(url)
    try:
        started = time.perf_counter()
        report = verify_central(engine, stations, full=full, mark=True)
        return time.perf_counter() - started, report.links, report.ok
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--events", type=int, default=50_000)
    args = parser.parse_args()
    names = stations_of(args.stations)
    cluster = start(FOLDER)
    try:
        done = FOLDER / "filled"
        mark = marker(args.stations, args.events)
        if not (done.is_file() and done.read_text() == mark and STORE.is_dir()):
            fill(cluster, names, args.events)
            done.write_text(mark)
        else:
            print(f"reusing the filled cluster in {FOLDER}")
            admin = central_engine(cluster.url(DATABASE))
            init_schema(admin)
            admin.dispose()
        url = cluster.url(DATABASE)
        whole, links, ok = timed_verify(url, names, full=True)
        rate = links / whole
        print(
            f"--full, {len(names)} stations: {whole:.1f} s for {links} links and their rows "
            f"({rate:,.0f} events/s){'' if ok else ' NOT OK'}"
        )
        print(
            f"  at that rate, a year of 20 busy stations (72 million events): "
            f"{20 * YEAR_EVENTS / rate / 60:.0f} min"
        )
        one, one_links, _ = timed_verify(url, names[:1], full=True)
        print(f"--full, 1 station: {one:.1f} s for {one_links} links ({one_links / one:,.0f}/s)")
        since, walked, ok = timed_verify(url, names, full=False)
        print(
            f"default (from the verified marks), {len(names)} stations, nothing new: "
            f"{since:.2f} s, {walked} links walked{'' if ok else ' NOT OK'}"
        )
        add_day(cluster, names)
        since, walked, ok = timed_verify(url, names, full=False)
        print(
            f"default, {len(names)} stations, a day ({DAY} scans) new at each: {since:.2f} s, "
            f"{walked} links walked ({walked / since:,.0f}/s){'' if ok else ' NOT OK'}"
        )
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
