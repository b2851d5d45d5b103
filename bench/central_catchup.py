"""Catch-up after an outage: 100,000 queued events pushed to the central PostgreSQL.

Compared, in the same run and on the same throwaway cluster, with a plain COPY
of the same rows (already read and turned into JSON) into a table of the same
shape: the floor any push could reach.

Run: uv run python bench/central_catchup.py [--events 100000]
Needs the PostgreSQL server programs (Debian: postgresql). Target: the push
takes at most 3 times the COPY.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from sqlalchemy import insert, select

from station.central.admin import add_station, init_schema
from station.central.connect import central_engine
from station.models import ScanEvent
from station.store import Store
from station.sync import push, streams
from tests.central.cluster import remove_cluster, start_cluster

STATION = "bench-1"


def queue(store: Store, count: int) -> None:
    with store.session() as db:
        for start in range(0, count, 10_000):
            rows = [
                ScanEvent(
                    station=STATION, seq=n + 1, raw=f"59012341234{n % 10}", code="x", verdict="ok"
                ).model_dump()
                for n in range(start, min(count, start + 10_000))
            ]
            db.execute(insert(ScanEvent), rows)
        db.commit()


def plain_copy(store: Store, admin_url: str) -> float:
    stream = push.STREAMS[0]
    with store.engine.connect() as local:
        rows = list(local.execute(select(stream.local)).mappings())
    records = [streams.record(stream, row, json_text=True) for row in rows]  # the same JSON
    columns = list(records[0])
    with psycopg.connect(admin_url) as db:
        # The same shape, keys and indexes as the table the push fills.
        db.execute("CREATE TABLE copy_target (LIKE scanevent INCLUDING ALL)")
        db.commit()
        started = time.perf_counter()
        with db.cursor().copy(f"COPY copy_target ({', '.join(columns)}) FROM STDIN") as copy:
            for record in records:
                copy.write_row([record[column] for column in columns])
        db.commit()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    cluster = start_cluster()
    try:
        with psycopg.connect(cluster.url(), autocommit=True) as admin:
            admin.execute("CREATE DATABASE catchup")
        admin_url = cluster.url("catchup")
        init_schema(central_engine(admin_url))
        login = add_station(central_engine(admin_url), STATION)
        folder = Path(tempfile.mkdtemp(prefix="catchup-"))
        pgpass = folder / "pgpass"
        pgpass.write_text(login.pgpass + "\n")
        pgpass.chmod(0o600)
        os.environ["PGPASSFILE"] = str(pgpass)
        store = Store.open(folder / "station")
        queue(store, args.events)

        started = time.perf_counter()
        result = push.push(central_engine(login.url), store, STATION)
        push_s = time.perf_counter() - started
        copy_s = plain_copy(store, admin_url)
        assert result.pushed == args.events
        print(
            json.dumps(
                {
                    "events": args.events,
                    "push_s": round(push_s, 2),
                    "events_per_s": round(args.events / push_s),
                    "plain_copy_s": round(copy_s, 2),
                    "push_over_copy": round(push_s / copy_s, 2),
                    "target": "push_over_copy <= 3",
                }
            )
        )
        store.close()
    finally:
        remove_cluster(cluster)


if __name__ == "__main__":
    main()
