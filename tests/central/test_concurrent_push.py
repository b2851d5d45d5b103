"""Many stations pushing at once, and one station's two syncs racing: each event once."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
from sqlalchemy import insert

from station.central.connect import central_engine
from station.models import ScanEvent
from station.store import Store
from station.sync import push
from tests.central.conftest import Central

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
