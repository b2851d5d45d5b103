"""Push: every event of a station exactly once centrally, whatever the network does."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select as sa_select
from sqlmodel import select

from station.central.connect import CentralUnreachable, central_engine
from station.models import ScanEvent
from station.queries import next_seq
from station.settings import Settings
from station.sync import push, streams
from station.sync.exchange import sync_once
from tests.central.bench_events import local_ids, packed_bench
from tests.central.conftest import Central
from tests.central.proxy import AckCutter
from tests.helpers.factory import MUG_CASE, TAPE_EAN, Bench, standard_bench

STATION = "bench-1"


def central_ids(central: Central) -> dict[str, list[str]]:
    """Every event id of the station centrally, by table; a list, so a double would show."""
    found: dict[str, list[str]] = {}
    with psycopg.connect(central.admin_url) as db:
        for stream in push.STREAMS:
            rows = db.execute(
                f"SELECT id::text FROM {stream.name} WHERE station = %s", (STATION,)
            ).fetchall()
            found[stream.name] = sorted(row[0] for row in rows)
    return found


def delivered(central: Central) -> int:
    with psycopg.connect(central.admin_url) as db:
        row = db.execute(
            "SELECT sum(delivered) FROM sync_cursor WHERE station = %s", (STATION,)
        ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def assert_exactly_once(central: Central, local: dict[str, set[str]]) -> None:
    assert central_ids(central) == {name: sorted(ids) for name, ids in local.items()}
    assert delivered(central) == sum(len(ids) for ids in local.values())


def test_a_push_delivers_every_event_with_its_whole_row(central: Central, tmp_path: Path) -> None:
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path, STATION)
    local = local_ids(bench, STATION)
    made = ("scanevent", "orderevent", "parcel", "printjob", "printattempt")
    assert all(local[kind] for kind in made), "every kind of event a bench makes is there"
    result = push.push(central_engine(url), bench.store, STATION)
    assert result.pushed == sum(len(ids) for ids in local.values())
    assert_exactly_once(central, local)
    with psycopg.connect(central.admin_url) as db:
        verdicts = [row[0] for row in db.execute("SELECT data->>'verdict' FROM scanevent")]
        items = db.execute("SELECT count(*) FROM parcelitem").fetchone()
    assert "order_complete" in verdicts
    assert items == (2,)  # the mug line and the cable line of the one box
    # A second push finds nothing new.
    assert push.push(central_engine(url), bench.store, STATION).pushed == 0


def test_a_lost_acknowledgement_changes_nothing_on_the_retry(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path, STATION, extra_scans=30)
    local = local_ids(bench, STATION)
    cutter = AckCutter(central.cluster.port, after_insert_into="scanevent")
    try:
        through_cutter = url.replace(f":{central.cluster.port}/", f":{cutter.port}/")
        login = central.pgpass.read_text().replace(f":{central.cluster.port}:", f":{cutter.port}:")
        central.pgpass.write_text(central.pgpass.read_text() + login)
        with pytest.raises(CentralUnreachable):
            push.push(central_engine(through_cutter), bench.store, STATION, batch=10)
        assert cutter.cut.is_set()
    finally:
        cutter.close()
    # The server committed the first batch: the station never heard it.
    assert len(central_ids(central)["scanevent"]) == 10
    push.push(central_engine(url), bench.store, STATION, batch=10)
    assert_exactly_once(central, local)


def test_a_push_resumes_after_the_server_stopped_in_the_middle(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path, STATION, extra_scans=30)
    local = local_ids(bench, STATION)
    batches: list[str] = []

    def stop_after_three(stream: str, _last: int) -> None:
        batches.append(stream)
        if len(batches) == 3:
            central.cluster.stop("immediate")

    try:
        with pytest.raises(CentralUnreachable):
            push.push(central_engine(url), bench.store, STATION, batch=5, on_batch=stop_after_three)
    finally:
        central.cluster.start()
    assert len(central_ids(central)["scanevent"]) == 15
    summary = sync_once(url, bench.store, STATION)
    assert (summary.reached, summary.pending, summary.conflicts) == (True, 0, 0)
    assert summary.pushed == sum(len(ids) for ids in local.values()) - 15
    assert_exactly_once(central, local)


def test_a_sync_that_cannot_reach_the_server_keeps_everything_queued(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path, STATION)
    nowhere = url.replace(f":{central.cluster.port}/", f":{free_port()}/")
    summary = sync_once(nowhere, bench.store, STATION)
    total = sum(len(ids) for ids in local_ids(bench, STATION).values())
    assert (summary.reached, summary.pushed, summary.pending) == (False, 0, total)
    assert sync_once(url, bench.store, STATION).pending == 0
    assert_exactly_once(central, local_ids(bench, STATION))


def free_port() -> int:
    from tests.central.cluster import free_port as port

    return port()


def test_an_event_the_server_refuses_for_good_is_set_aside_and_the_queue_goes_on(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path, STATION)
    # A NUL byte (a noisy serial line): SQLite keeps it, PostgreSQL text never can.
    with bench.store.session() as db:
        seq = next_seq(db, STATION)
        db.add(ScanEvent(station=STATION, seq=seq, raw="A\x00B", code="A\x00B", verdict="x"))
        db.commit()
    session = bench.session(STATION)
    try:
        session.handle_scan("BADGE-P2")
    finally:
        session.close()
    local = local_ids(bench, STATION)

    summary = sync_once(url, bench.store, STATION)
    assert (summary.reached, summary.conflicts, summary.pending) == (True, 1, 0)
    with psycopg.connect(central.admin_url) as db:
        refused = db.execute("SELECT first_seq, reason, rows FROM quarantine").fetchall()
    [(first_seq, reason, rows)] = refused
    assert first_seq == seq and ("Unicode" in reason or "NUL" in reason) and "A\\u0000B" in rows
    delivered_scans = set(central_ids(central)["scanevent"])
    assert delivered_scans == local["scanevent"] - {
        str(row_id) for row_id in scan_ids_with_seq(bench, seq)
    }
    assert "BADGE-P2" in scans_after(central, seq)


def scan_ids_with_seq(bench: Bench, seq: int) -> list[str]:
    with bench.store.session() as db:
        return [str(event.id) for event in db.exec(select(ScanEvent).where(ScanEvent.seq == seq))]


def scans_after(central: Central, seq: int) -> list[str]:
    with psycopg.connect(central.admin_url) as db:
        rows = db.execute("SELECT data->>'raw' FROM scanevent WHERE seq > %s", (seq,)).fetchall()
    return [row[0] for row in rows]


def test_a_parcel_changed_after_it_was_pushed_is_sent_again(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    bench = standard_bench(tmp_path, Settings(station=STATION))
    session = bench.session(STATION)
    try:
        for scan in ("BADGE-P1", "SO-2", MUG_CASE):
            session.handle_scan(scan)
        session.handle_scan(Settings().commands.new_box)  # box 1 closed: "1 box" so far
        push.push(central_engine(url), bench.store, STATION)
        assert [count for _, count in central_parcels(central)] == [1]
        verdict = session.handle_scan(TAPE_EAN)  # sealed into 2 boxes
        assert verdict is not None
        session.wait_for_label(verdict)
    finally:
        session.close()
    push.push(central_engine(url), bench.store, STATION)
    assert central_parcels(central) == [(1, 2), (2, 2)]


def central_parcels(central: Central) -> list[tuple[int, int]]:
    """(box number, box count) of every parcel, as the central database has them."""
    with psycopg.connect(central.admin_url) as db:
        rows = db.execute(
            "SELECT (data->>'parcel_no')::int, (data->>'parcel_count')::int FROM parcel ORDER BY 1"
        ).fetchall()
    return [(number, count) for number, count in rows]


def test_the_bulk_path_stores_each_event_exactly_as_the_station_row_says(
    central: Central, tmp_path: Path
) -> None:
    """The catch-up's JSON, made by SQLite, equals the one made from the station's models."""
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path, STATION)
    with bench.store.session() as db:  # a whole second, a true flag, odd text
        db.add(
            ScanEvent(
                station=STATION,
                seq=next_seq(db, STATION),
                raw='Zoë "5" \\ \t',
                code="x",
                verdict="x",
                manual=True,
                created_at=datetime(2026, 12, 3, 10, 42, tzinfo=UTC),
            )
        )
        db.commit()
    with psycopg.connect(central.admin_url, autocommit=True) as db:
        # A server whose zone is not UTC: a time sent without its zone would move.
        db.execute(f"ALTER DATABASE \"{central.database}\" SET timezone = 'America/New_York'")
    push.push(central_engine(url), bench.store, STATION)
    for stream in push.STREAMS:
        with bench.store.engine.connect() as local:
            rows = [dict(row) for row in local.execute(sa_select(stream.local)).mappings()]
        expected = {
            str(row["id"]): (streams.record(stream, row)["data"], row["created_at"]) for row in rows
        }
        with psycopg.connect(central.admin_url) as db:
            stored = {
                row_id: (data, created_at)
                for row_id, data, created_at in db.execute(
                    f"SELECT id::text, data, created_at FROM {stream.name}"
                )
            }
        assert stored == expected, stream.name
