"""`audit verify --central`: each station's chain walked in PostgreSQL's copy after a sync,
and a central row updated, deleted or inserted behind sync's back named (exit 1)."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.config import Config
from sqlmodel import select as sm_select

from station.audit.central import central_anchors, send_anchors
from station.audit.central_verify import verify_central
from station.audit.registry import CENTRAL_PACKER_CHAIN, STORE_CHAIN
from station.audit.state import central_states
from station.audit.verify import Anchor, AuditReport, verify_chain
from station.central.admin import MIGRATIONS, add_station, init_schema
from station.central.connect import central_engine
from station.models import Parcel, ParcelItem, ScanEvent
from station.queries import next_seq
from station.store import DB_NAME, Store
from station.sync import push
from station.sync.exchange import sync_once
from tests.central.bench_events import packed_bench
from tests.central.cluster import Cluster
from tests.central.conftest import Central
from tests.central.test_import_and_pull import PACKERS, central_import, sync_here
from tests.helpers import cli
from tests.helpers.factory import Bench

STATION = "bench-1"


@pytest.fixture(scope="module")
def synced_template(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A central database holding one station packed (every kind of event) and synced,
    built once: each test tampers with a copy of it (CREATE DATABASE ... TEMPLATE)."""
    name = f"t{uuid.uuid4().hex[:10]}"
    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    folder = tmp_path_factory.mktemp("audit-central")
    pgpass = folder / "pgpass"
    pgpass.touch(mode=0o600)
    before = os.environ.get("PGPASSFILE")
    os.environ["PGPASSFILE"] = str(pgpass)  # the station's login, as ~/.pgpass holds it
    try:
        engine = central_engine(cluster.url(name))
        try:
            init_schema(engine)
            login = add_station(engine, STATION)
        finally:
            engine.dispose()
        pgpass.write_text(login.pgpass + "\n")
        bench = packed_bench(folder / "station", STATION)
        assert sync_once(login.url, bench.store, STATION).pending == 0
        bench.store.close()
    finally:
        if before is None:
            os.environ.pop("PGPASSFILE", None)
        else:
            os.environ["PGPASSFILE"] = before
    yield name


@pytest.fixture
def synced(cluster: Cluster, synced_template: str, tmp_path: Path) -> Central:
    """A copy of the synced central database, for one test to tamper with."""
    name = f"t{uuid.uuid4().hex[:10]}"
    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{synced_template}"')
    return Central(cluster.url(name), cluster, name, tmp_path / "pgpass")


def verify(central: Central) -> AuditReport:
    engine = central_engine(central.admin_url)
    try:
        return verify_central(engine, [STATION])
    finally:
        engine.dispose()


def tamper(central: Central, sql: str) -> None:
    """What someone with the database's password could do, straight in SQL."""
    with psycopg.connect(central.admin_url, autocommit=True) as admin:
        admin.execute(sql)


def first_id(central: Central, table: str) -> str:
    with psycopg.connect(central.admin_url) as admin:
        row = admin.execute(f"SELECT id FROM {table} ORDER BY seq LIMIT 1").fetchone()
    assert row is not None
    return str(row[0]).replace("-", "")


def kinds(report: AuditReport) -> set[tuple[str, str, str]]:
    return {(problem.kind, problem.table, problem.row_id) for problem in report.problems}


def test_a_synced_station_verifies_centrally_link_by_link(synced: Central) -> None:
    report = verify(synced)
    engine = central_engine(synced.admin_url)
    try:
        twice = verify_central(engine, [STATION, STATION])  # --station S --station S
    finally:
        engine.dispose()

    assert report.ok, report.as_text()
    assert report.links > 20 and report.heads[STATION] == report.links
    assert twice.links == report.links  # walked once
    with psycopg.connect(synced.admin_url) as admin:
        tables = {row[0] for row in admin.execute("SELECT DISTINCT table_name FROM audit_link")}
    # Every kind of event the station synced is on the central chain, its rows checked.
    assert {"scanevent", "orderevent", "parcel", "parcelitem", "printjob", "printattempt"} <= tables
    assert {"evidencefile", "evidencedeletion", "handoff_load", "handoff_scan"} <= tables


# Per table, an edit of its first central row (one test: each sync costs seconds).
EDITS = {
    "scanevent": "data = jsonb_set(data, '{raw}', '\"EDITED\"')",
    "parcel": "data = jsonb_set(data, '{tracking}', '\"1Z-FORGED\"')",
    "printattempt": "data = jsonb_set(data, '{created_at}', '\"2020-01-01T00:00:00+00:00\"')",
    "handoff_scan": "data = data - 'verdict'",
}


def test_central_rows_edited_are_named(synced: Central) -> None:
    edited = {table: first_id(synced, table) for table in EDITS}
    for table, change in EDITS.items():
        where = f"replace(id::text, '-', '') = '{edited[table]}'"
        tamper(synced, f"UPDATE {table} SET {change} WHERE {where}")

    report = verify(synced)

    assert kinds(report) == {("row_edited", table, row_id) for table, row_id in edited.items()}
    assert f"central scanevent {edited['scanevent']} differs from link" in report.as_text()


def test_a_column_beside_the_data_edited_on_its_own_is_named(synced: Central) -> None:
    row_id = first_id(synced, "scanevent")
    tamper(
        synced,
        f"UPDATE scanevent SET verdict = 'ok' WHERE replace(id::text, '-', '') = '{row_id}'",
    )

    report = verify(synced)

    assert kinds(report) == {("row_edited", "scanevent", row_id)}
    assert "its verdict column(s) no longer say" in report.as_text()


def test_a_central_row_deleted_or_inserted_is_named(synced: Central) -> None:
    gone = first_id(synced, "orderevent")
    copied = first_id(synced, "scanevent")
    tamper(synced, f"DELETE FROM orderevent WHERE replace(id::text, '-', '') = '{gone}'")
    tamper(
        synced,
        "INSERT INTO scanevent (id, station, seq, order_id, verdict, created_at, data) "
        "SELECT '00000000-0000-4000-8000-000000000001', station, seq, order_id, verdict, "
        "created_at, jsonb_set(data, '{id}', '\"00000000-0000-4000-8000-000000000001\"') "
        f"FROM scanevent WHERE replace(id::text, '-', '') = '{copied}'",
    )

    report = verify(synced)

    assert kinds(report) == {
        ("row_deleted", "orderevent", gone),
        ("row_inserted", "scanevent", "00000000000040008000000000000001"),
    }


def test_central_links_edited_or_cut_off_are_found(synced: Central) -> None:
    head = verify(synced).heads[STATION]
    tamper(synced, "UPDATE audit_link SET content = repeat('0', 64) WHERE seq = 3")
    tamper(synced, f"DELETE FROM audit_link WHERE seq = {head}")

    report = verify(synced)

    found = {(problem.kind, problem.seq) for problem in report.problems}
    assert ("link_edited", 3) in found, report.as_text()
    assert ("truncated", head) in found, report.as_text()


def test_the_cli_exits_1_naming_the_first_problem_and_2_without_a_url(
    synced: Central, tmp_path: Path
) -> None:
    row_id = first_id(synced, "scanevent")
    tamper(synced, f"DELETE FROM scanevent WHERE replace(id::text, '-', '') = '{row_id}'")
    args = ("audit", "verify", "--central", "--data-dir", str(tmp_path / "none"))

    broken = cli.run(*args, "--url", synced.admin_url, "--station", STATION, "--json")
    unconfigured = cli.run(*args, "--config", str(tmp_path / "absent.toml"))
    misspelled = cli.run(*args, "--url", synced.admin_url, "--station", "bench-l")

    assert broken.returncode == 1, broken.stderr
    first = json.loads(broken.stdout)["first_problem"]
    assert (first["kind"], first["table"], first["row_id"]) == ("row_deleted", "scanevent", row_id)
    assert unconfigured.returncode == 2 and "--url" in unconfigured.stderr
    # A station the central database never heard of is no chain found intact.
    assert misspelled.returncode == 2 and "intact" not in misspelled.stdout
    assert "'bench-l'" in misspelled.stderr and STATION in misspelled.stderr


def test_the_state_per_station_for_the_dashboard(central: Central, tmp_path: Path) -> None:
    url = central.add_station(STATION)
    first = packed_bench(tmp_path / STATION, STATION)
    assert sync_once(url, first.store, STATION).pending == 0
    first.store.close()
    synced = central
    other = "bench-2"
    url = synced.add_station(other)
    bench = packed_bench(tmp_path / other, other)
    assert sync_once(url, bench.store, other).pending == 0
    bench.store.close()
    tamper(synced, f"DELETE FROM parcel WHERE station = '{other}'")

    engine = central_engine(synced.admin_url)
    try:
        states = central_states(engine)
    finally:
        engine.dispose()

    assert list(states) == [STATION, other]
    assert states[STATION].ok and states[STATION].links > 20
    assert not states[other].ok and "central parcel" in states[other].summary
    assert "deleted from the central database" in states[other].summary


def test_a_sync_cut_before_its_links_is_no_insertion_and_the_next_brings_them(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path / STATION, STATION)
    stop = threading.Event()
    last_stream = push.STREAMS[-1].name
    engine = central_engine(url)
    try:
        # Stopped once the last event stream is delivered: the links' pass never starts.
        push.push(
            engine,
            bench.store,
            STATION,
            stop=stop,
            on_batch=lambda stream, _seq: stop.set() if stream == last_stream else None,
        )
        cut = verify(central)
        push.push(engine, bench.store, STATION)
        whole = verify(central)
    finally:
        engine.dispose()
        bench.store.close()

    assert stop.is_set() and cut.ok and cut.links == 0, cut.as_text()
    assert whole.ok and whole.links > 20, whole.as_text()


def test_packers_pulled_from_the_central_database_are_on_the_stores_chain(
    central: Central, tmp_path: Path
) -> None:
    central_import(central, "packers", tmp_path / "p.csv", PACKERS)
    url = central.add_station(STATION)
    data_dir = tmp_path / STATION
    sync_here(data_dir, url)
    promoted = PACKERS.replace("BADGE-P1,Ana,packer", "BADGE-P1,Ana,supervisor")
    central_import(central, "packers", tmp_path / "p.csv", promoted)  # a role changed centrally
    sync_here(data_dir, url)

    def local_report() -> AuditReport:
        store = Store.open(data_dir)
        try:
            with store.engine.connect() as connection:
                return verify_chain(connection)
        finally:
            store.close()

    pulled = local_report()
    with psycopg.connect(central.admin_url) as hub:
        (ana,) = hub.execute("SELECT id FROM packer WHERE badge = 'BADGE-P1'").fetchone() or ("",)
    with sqlite3.connect(data_dir / DB_NAME) as db:  # the station's file, by plain SQL
        db.execute("UPDATE packer SET role = 'packer' WHERE badge = 'BADGE-P1'")
    edited = local_report().first()

    assert pulled.ok and pulled.heads == {"": 3}, pulled.as_text()  # two pulled, one changed
    assert edited is not None and (edited.kind, edited.row_id) == ("row_edited", ana.hex)


def test_the_stores_own_chain_is_anchored_in_its_log_not_centrally(central: Central) -> None:
    # Every store has a packer chain under the same name: centrally, one store's anchor
    # would be checked against another's chain and call it rewritten.
    anchors = [
        Anchor(STORE_CHAIN, 3, "ab" * 32, "2026-12-03T10:00:00+00:00", "store"),
        Anchor(STATION, 7, "cd" * 32, "2026-12-03T10:00:00+00:00", "store"),
    ]
    engine = central_engine(central.admin_url)
    try:
        send_anchors(engine, anchors)
        sent = [
            (a.station, a.seq)
            for name in (STORE_CHAIN, STATION)
            for a in central_anchors(engine, name)
        ]
    finally:
        engine.dispose()

    assert sent == [(STATION, 7)]


def test_events_the_server_quarantined_are_named_so_not_as_deleted(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path / STATION, STATION)
    # NUL bytes (a noisy serial line): SQLite keeps them, PostgreSQL text never can.
    with bench.store.session() as db:
        db.add(
            ScanEvent(
                station=STATION, seq=next_seq(db, STATION), raw="A\x00B", code="A\x00B", verdict="x"
            )
        )
        parcel = db.exec(sm_select(Parcel)).first()
        assert parcel is not None
        parcel.tracking = f"{parcel.tracking}\x00"  # changed through PackStation: chained
        db.add(parcel)
        db.commit()
    items = parcel_item_ids(bench, parcel.id)
    assert sync_once(url, bench.store, STATION).pending == 0
    bench.store.close()

    report = verify_marked(central)  # clean: leaves a mark, before which every link lies
    with psycopg.connect(central.admin_url, autocommit=True) as admin:
        admin.execute("UPDATE quarantine SET rows = replace(rows, 'A\\u0000B', 'AB')")
    edited = verify_marked(central)
    full = verify_marked(central, full=True)
    with psycopg.connect(central.admin_url, autocommit=True) as admin:
        admin.execute("DELETE FROM quarantine")
    emptied = verify_marked(central)

    assert report.ok, report.as_text()
    aside = {(row.table, row.row_id): row.reason for row in report.quarantined}
    expected = {("scanevent", aside_scan(report)), ("parcel", parcel.id.hex)}
    assert expected | {("parcelitem", item) for item in items} <= set(aside)
    # The parcel's print job went too (it names a parcel the central tables lack).
    assert {table for table, _ in aside} == {"scanevent", "parcel", "parcelitem", "printjob"}
    assert all("Unicode" in aside[key] or "0x00" in aside[key] for key in expected), aside
    assert all(f"with its parcel {parcel.id.hex}" in aside[("parcelitem", i)] for i in items)
    assert "quarantined by the central server" in report.as_text()
    assert edited.since == {STATION: report.heads[STATION]}  # from the mark, and still named
    for found in (edited, full):
        first = found.first()
        assert first is not None and (first.kind, first.table) == ("row_edited", "scanevent")
        assert "quarantine" in first.message
    assert emptied.since and ("row_deleted", "scanevent", aside_scan(report)) in kinds(emptied)


def test_a_station_whose_central_anchor_is_off_its_chain_gets_no_mark(synced: Central) -> None:
    # The newest anchor names the head link with another hash: the chain was rewritten.
    tamper(
        synced,
        "INSERT INTO audit_anchor (station, seq, hash, anchored_at) "
        f"SELECT station, max(seq), 'forged', now() FROM audit_link WHERE station = '{STATION}' "
        "GROUP BY station ON CONFLICT (station, seq) DO UPDATE SET hash = 'forged'",
    )

    report = verify_marked(synced)
    again = verify_marked(synced)

    assert [problem.kind for problem in report.problems] == ["rewritten"], report.as_text()
    assert not again.ok and not again.since  # no mark: the next run walks every link again


def aside_scan(report: AuditReport) -> str:
    return next(row.row_id for row in report.quarantined if row.table == "scanevent")


def parcel_item_ids(bench: Bench, parcel_id: uuid.UUID) -> set[str]:
    with bench.store.session() as db:
        items = db.exec(sm_select(ParcelItem).where(ParcelItem.parcel_id == parcel_id)).all()
    return {item.id.hex for item in items}


def verify_marked(central: Central, *, full: bool = False) -> AuditReport:
    """`audit verify --central` as the CLI runs it: from the marks, leaving new ones."""
    engine = central_engine(central.admin_url)
    try:
        return verify_central(engine, [STATION], full=full, mark=True)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        (
            "UPDATE scanevent SET data = jsonb_set(data, '{raw}', '\"X\"') WHERE seq = 2",
            "row_edited",
        ),
        ("DELETE FROM parcel", "row_deleted"),
        (
            "INSERT INTO orderevent (id, station, seq, order_id, kind, created_at, data) "
            "SELECT gen_random_uuid(), station, seq + 1000, order_id, kind, created_at, data "
            "FROM orderevent LIMIT 1",
            "row_inserted",
        ),
        ("UPDATE audit_link SET content = md5(content) || md5(hash) WHERE seq = 3", "link_edited"),
        ("DELETE FROM audit_link WHERE seq = 4", "link_missing"),
    ],
)
def test_after_a_verified_mark_an_old_row_or_link_changed_is_still_named(
    synced: Central, sql: str, kind: str
) -> None:
    marked = verify_marked(synced)
    tamper(synced, sql)

    since = verify_marked(synced)
    full = verify_marked(synced, full=True)

    assert marked.ok and not marked.since, marked.as_text()
    assert since.since == {STATION: marked.heads[STATION]}
    assert kind in {problem.kind for problem in since.problems}, since.as_text()
    assert not full.ok and not full.since


def test_after_a_mark_only_the_new_links_are_walked_and_a_broken_station_gets_none(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path / STATION, STATION)
    assert sync_once(url, bench.store, STATION).pending == 0
    marked = verify_marked(central)
    quiet = verify_marked(central)  # right after the sync's last write: nothing is new
    session = bench.session(STATION)
    try:
        for _ in range(3):
            session.handle_scan("BADGE-P2")
    finally:
        session.close()
    assert sync_once(url, bench.store, STATION).pending == 0
    bench.store.close()

    since = verify_marked(central)
    station_login = central_engine(url)
    try:
        by_station = verify_central(station_login, [STATION], mark=True)
    finally:
        station_login.dispose()
    tamper(central, "UPDATE scanevent SET data = jsonb_set(data, '{raw}', '\"X\"')")
    broken = verify_marked(central)
    again = verify_marked(central)

    assert quiet.ok and quiet.links == 0, quiet.as_text()
    assert since.ok and since.since == {STATION: marked.heads[STATION]}, since.as_text()
    assert since.links == since.heads[STATION] - marked.heads[STATION] >= 3
    assert "--full walks every link" in since.as_text()
    assert not broken.ok and not again.ok  # no mark covers what was found broken
    assert again.since == {STATION: since.heads[STATION]}
    assert by_station.ok and by_station.since == {STATION: since.heads[STATION]}  # reads marks
    assert "No verified mark was written (this login may not)" in by_station.as_text()


def test_a_central_packer_made_a_supervisor_by_sql_is_named_and_an_import_is_not(
    central: Central, tmp_path: Path
) -> None:
    central_import(central, "packers", tmp_path / "p.csv", PACKERS)
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path / STATION, STATION)  # a station's chain beside the packers'
    sync_once(url, bench.store, STATION)
    bench.store.close()
    promoted = PACKERS.replace("BADGE-P1,Ana,packer", "BADGE-P1,Ana,supervisor")
    central_import(central, "packers", tmp_path / "p.csv", promoted)

    engine = central_engine(central.admin_url)
    try:
        imported = verify_central(engine)
        tamper(central, "UPDATE packer SET role = 'admin' WHERE badge = 'BADGE-P1'")
        edited = verify_central(engine)
        one = verify_central(engine, [STATION])  # its supervisors come from the packers
        states = central_states(engine)
    finally:
        engine.dispose()

    assert imported.ok and imported.heads[CENTRAL_PACKER_CHAIN] == 3, imported.as_text()
    first = edited.first()
    assert first is not None and (first.kind, first.station) == ("row_edited", CENTRAL_PACKER_CHAIN)
    assert "badge BADGE-P1" in first.message and "central packer chain" in first.message
    assert list(states) == [STATION] and not states[STATION].ok  # every station pulls it
    assert ("row_edited", CENTRAL_PACKER_CHAIN) in {(p.kind, p.station) for p in one.problems}


def test_c0013_chains_the_packers_held_and_leaves_the_sessions_time_zone(admin_url: str) -> None:
    engine = central_engine(admin_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "c0012")
            connection.exec_driver_sql(
                "INSERT INTO packer (id, badge, name, role, pin_hash, created_at, updated_at, "
                "change_txid) SELECT gen_random_uuid(), 'BADGE-' || n, 'Ana', 'supervisor', "
                "'x', now(), now(), 1 FROM generate_series(1, 3) AS n"
            )
        with engine.begin() as connection:
            connection.exec_driver_sql("SET TimeZone = 'America/New_York'")
            config.attributes["connection"] = connection
            command.upgrade(config, "c0013")
            zone = connection.exec_driver_sql("SHOW TimeZone").scalar_one()
        report = verify_central(engine)
    finally:
        engine.dispose()

    assert zone == "America/New_York"  # a later migration of the same run sees its own zone
    assert report.ok and report.heads == {CENTRAL_PACKER_CHAIN: 3}, report.as_text()
