"""Many stations pushing at once, and one station's two syncs racing: each event once."""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import insert, select

from station.central.connect import central_engine
from station.couriers.plan import CourierBook
from station.couriers.range_admin import ensure_demo_ranges
from station.models import ScanEvent
from station.store import Store
from station.sync import push
from station.sync.exchange import sync_once
from station.sync.link import LinkStatus
from station.sync.runner import SyncRunner
from tests.central.conftest import Central
from tests.central.test_import_and_pull import CATALOG, PACKERS, central_import, orders
from tests.helpers import cli
from tests.helpers.factory import MUG_UPC

EVENTS = 600


def queued_store(folder: Path, station: str) -> Store:
    store = Store.open(folder)
    with store.session() as db:
        rows = [
            ScanEvent(station=station, seq=n + 1, raw=f"X{n}", code="x", verdict="x").model_dump()
            for n in range(EVENTS)
        ]
        db.execute(insert(ScanEvent), rows)
        db.commit()
    return store


def run_at_once(jobs: list[tuple[str, Store, str]]) -> list[BaseException]:
    """Push every (url, store, station) on its own thread, all released together."""
    start = threading.Barrier(len(jobs))
    failures: list[BaseException] = []

    def work(url: str, store: Store, station: str) -> None:
        try:
            start.wait(timeout=30)
            push.push(central_engine(url), store, station, batch=50)
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


def per_station(central: Central) -> dict[str, tuple[int, int, int]]:
    """(events, distinct events, delivered) per station, centrally."""
    with psycopg.connect(central.admin_url) as db:
        events = db.execute(
            "SELECT station, count(*), count(DISTINCT data->>'seq') FROM scanevent GROUP BY 1"
        ).fetchall()
        delivered = dict(
            db.execute("SELECT station, sum(delivered) FROM sync_cursor GROUP BY 1").fetchall()
        )
    return {station: (n, distinct, int(delivered[station])) for station, n, distinct in events}


def test_stations_pushing_at_once_each_deliver_everything_once(
    central: Central, tmp_path: Path
) -> None:
    names = [f"bench-{n}" for n in range(1, 5)]
    jobs = [
        (central.add_station(name), queued_store(tmp_path / name, name), name) for name in names
    ]
    assert run_at_once(jobs) == []
    assert per_station(central) == {name: (EVENTS, EVENTS, EVENTS) for name in names}


def test_two_syncs_of_one_station_racing_deliver_each_event_once(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station("bench-1")
    store = queued_store(tmp_path / "d", "bench-1")
    assert run_at_once([(url, store, "bench-1"), (url, store, "bench-1")]) == []
    assert per_station(central) == {"bench-1": (EVENTS, EVENTS, EVENTS)}
    with psycopg.connect(central.admin_url) as db:
        position = db.execute(
            "SELECT position FROM sync_cursor WHERE stream = 'scanevent'"
        ).fetchone()
    assert position == (EVENTS,)


@dataclass
class Station:
    """A station's data dir and config, its central URL, and its sync running on a thread."""

    name: str
    data_dir: Path
    config: Path
    url: str
    store: Store
    runner: SyncRunner


def start_station(central: Central, tmp_path: Path, name: str) -> Station:
    """A station syncing every second, its orders already pulled."""
    url = central.add_station(name)
    config = tmp_path / f"{name}.toml"
    config.write_text(f'[station]\nname = "{name}"\n[central]\nurl = "{url}"\n')
    store = Store.open(tmp_path / name)
    with store.session() as db:  # its tracking numbers, as IT gives every station
        ensure_demo_ranges(db, name, CourierBook.load())
        db.commit()
    statuses: queue.Queue[LinkStatus] = queue.Queue()
    runner = SyncRunner(url, store, name, 1, statuses.put)
    runner.start()
    first = statuses.get(timeout=60)
    assert first.online, first
    return Station(name, tmp_path / name, config, url, store, runner)


def station_events(data_dir: Path, station: str) -> dict[str, set[str]]:
    store = Store.open(data_dir)
    try:
        with store.engine.connect() as db:
            return {
                stream.name: {
                    str(row)
                    for row in db.execute(
                        select(stream.local.c.id).where(stream.local.c.station == station)
                    ).scalars()
                }
                for stream in push.STREAMS
            }
    finally:
        store.close()


def central_events(central: Central, station: str) -> dict[str, list[str]]:
    with psycopg.connect(central.admin_url) as db:
        return {
            stream.name: sorted(
                row[0]
                for row in db.execute(
                    f"SELECT id::text FROM {stream.name} WHERE station = %s", (station,)
                )
            )
            for stream in push.STREAMS
        }


@pytest.mark.slow
def test_stations_packing_and_syncing_at_once_lose_and_double_nothing(
    central: Central, tmp_path: Path
) -> None:
    names = [f"bench-{n:02d}" for n in range(1, 21)]  # a warehouse's twenty benches
    central_import(central, "catalog", tmp_path / "c.csv", CATALOG)
    central_import(central, "packers", tmp_path / "p.csv", PACKERS)
    numbers = [f"SO-{n}" for n in range(1, 2 * len(names) + 1)]
    central_import(central, "orders", tmp_path / "o.json", orders(*numbers))
    stations = [start_station(central, tmp_path, name) for name in names]
    scans: dict[str, list[str]] = {}
    try:
        packers = []
        for index, station in enumerate(stations):
            mine = numbers[2 * index : 2 * index + 2]
            scans[station.name] = ["BADGE-P1", *(x for number in mine for x in (number, MUG_UPC))]
            where = ("--data-dir", str(station.data_dir), "--config", str(station.config))
            packers.append(cli.start("replay", "-", *where))
        for packer, station in zip(packers, stations, strict=True):
            out, err = packer.communicate("\n".join(scans[station.name]) + "\n", timeout=120)
            assert packer.returncode == 0, err
            # One answer per scan; whether an order completes is the claims' business here.
            answers = [json.loads(line) for line in out.splitlines()]
            assert [answer["scan"] for answer in answers] == scans[station.name], out
    finally:
        for station in stations:
            station.runner.stop()
    for station in stations:
        try:
            assert sync_once(station.url, station.store, station.name).pending == 0
        finally:
            station.store.close()
        local = station_events(station.data_dir, station.name)
        assert len(local["scanevent"]) == len(scans[station.name])  # none lost at the station
        assert central_events(central, station.name) == {k: sorted(v) for k, v in local.items()}
    with psycopg.connect(central.admin_url) as db:
        delivered = dict(
            db.execute("SELECT station, sum(delivered) FROM sync_cursor GROUP BY 1").fetchall()
        )
    for station in stations:
        events = station_events(station.data_dir, station.name)
        # Counted once each, however many exchanges ran while it packed.
        assert delivered[station.name] == sum(len(ids) for ids in events.values())
