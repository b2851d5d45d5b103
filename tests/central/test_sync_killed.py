"""A station's sync killed (SIGKILL) in the middle: the next sync delivers the rest, once each."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import psycopg
from sqlalchemy import insert

from station.models import ScanEvent
from station.queries import next_seq
from station.settings import Settings
from station.store import Store
from station.sync.exchange import sync_once
from tests.central.conftest import Central
from tests.central.test_import_and_pull import station_config
from tests.helpers import cli

STATION = "bench-1"
EVENTS = 15_000  # 3 batches: the kill lands in the middle of the push


def queue_events(data_dir: Path) -> tuple[set[str], int]:
    """EVENTS scans waiting to be pushed; their ids and the last one's number."""
    store = Store.open(data_dir)
    try:
        with store.session() as db:
            first = next_seq(db, STATION)
            events = [
                ScanEvent(station=STATION, seq=first + n, raw=f"X{n}", code=f"X{n}", verdict="x")
                for n in range(EVENTS)
            ]
            # One multi-row insert: the ORM's unit of work would take most of the test.
            db.execute(insert(ScanEvent), [event.model_dump() for event in events])
            db.commit()
            return {str(event.id) for event in events}, first + EVENTS - 1
    finally:
        store.close()


def delivered_position(central: Central) -> int:
    with psycopg.connect(central.admin_url) as db:
        row = db.execute(
            "SELECT coalesce(max(position), 0) FROM sync_cursor WHERE station = %s", (STATION,)
        ).fetchone()
    return int(row[0]) if row else 0


def test_a_sync_killed_mid_push_loses_and_doubles_nothing(central: Central, tmp_path: Path) -> None:
    url = central.add_station(STATION)
    data_dir = tmp_path / "data"
    queued, last_seq = queue_events(data_dir)
    config = station_config(tmp_path, STATION, url)
    sync = cli.start("sync", "--data-dir", str(data_dir), "--config", str(config))
    try:
        deadline = time.monotonic() + 60
        while delivered_position(central) == 0 and sync.poll() is None:
            assert time.monotonic() < deadline, "the sync delivered nothing within 60 s"
        sync.send_signal(signal.SIGKILL)
    finally:
        sync.communicate(timeout=30)
    assert 0 < delivered_position(central) < last_seq, "the kill landed in the middle"
    store = Store.open(data_dir)
    try:
        summary = sync_once(url, store, Settings(station=STATION).station)
    finally:
        store.close()
    assert (summary.reached, summary.pending) == (True, 0)
    with psycopg.connect(central.admin_url) as db:
        ids = [row[0] for row in db.execute("SELECT id::text FROM scanevent").fetchall()]
        delivered = db.execute("SELECT sum(delivered) FROM sync_cursor").fetchone()
    assert sorted(ids) == sorted(queued)
    assert delivered == (EVENTS,)
