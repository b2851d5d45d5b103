"""The audit chain: a station's events verify, and any change behind its back is named.

One store is packed through the real engine (a restart halfway, a ship-short
approved with a PIN, a settings sign-in, a voided label), then each test
tampers with a copy through plain sqlite3, as someone with the file would.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlmodel import select

from station.audit.anchors import store_anchors, write_anchors
from station.audit.registry import STORE_CHAIN
from station.audit.state import local_states
from station.audit.verify import AuditReport, verify_chain
from station.importers.packers import hash_pin
from station.models import Packer
from station.settings_access import record_saved
from station.store import DB_NAME, Store
from station.verdicts import VerdictKind as V
from tests.helpers.factory import CABLE_EAN, MUG_UPC, TAPE_EAN, standard_bench
from tests.helpers.supervisor import approver

SAM_PIN = "2468"
# Per chained table: a change someone could make to its first row.
EDITS = {
    "scanevent": "raw = raw || 'x'",
    "orderevent": "reason = 'changed'",
    "parcel": "tracking = 'X' || tracking",
    "parcelitem": "units = units + 1",
    "printjob": "content_json = content_json || ' '",
    "printattempt": "detail = 'changed'",
    "settingsevent": "note = 'changed'",
    "supervisorauth": "outcome = 'allowed'",
    "packer": "role = 'supervisor'",  # a packer made a supervisor by plain SQL
}


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data dir packed through the engine; tests tamper with copies of its database."""
    data_dir = tmp_path_factory.mktemp("packed")
    bench = standard_bench(data_dir)
    with bench.store.session() as db:
        sam = db.exec(select(Packer).where(Packer.badge == "BADGE-S1")).one()
        sam.pin_hash = hash_pin(SAM_PIN)
        db.add(sam)
        db.commit()
    session = bench.session()
    for raw in ("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC, CABLE_EAN):
        session.handle_scan(raw)
    session.wait_for_printer()
    session.close()
    bench.store.close()
    # A restart: the chain goes on where it stopped.
    bench.store = Store.open(data_dir)
    session = bench.session()
    for raw in ("SO-2", MUG_UPC):
        session.handle_scan(raw)
    session.request_short_ship("no stock")
    assert session.handle_scan("BADGE-S1").needs_pin
    assert session.handle_scan("BADGE-S1", pin="0000").kind is V.SUPERVISOR_REQUIRED
    assert session.handle_scan("BADGE-S1", pin=SAM_PIN).kind is V.OVERRIDE
    session.wait_for_printer()
    sealed = session.wait_for_label(session.handle_scan("SO-3"))
    sealed = session.wait_for_label(session.handle_scan(TAPE_EAN))
    assert sealed.kind is V.ORDER_COMPLETE
    with bench.store.session() as db:
        first = db.exec(select(Packer)).first()
    assert first is not None
    session.void_label(
        _tracking_of(data_dir, "SO-1"), "label torn", approver(bench.store, pin=SAM_PIN)
    )
    session.wait_for_printer()
    record_saved(bench.store, "bench-1", "Devices…", "BADGE-S1", "label printer changed")
    session.close()
    bench.store.close()
    yield data_dir


def _tracking_of(data_dir: Path, order: str) -> str:
    with sqlite3.connect(data_dir / DB_NAME) as db:
        row = db.execute(
            "SELECT p.tracking FROM parcel p JOIN orders o ON o.id = p.order_id WHERE o.number = ?",
            (order,),
        ).fetchone()
    return str(row[0])


@pytest.fixture
def copy(packed: Path, tmp_path: Path) -> Path:
    target = tmp_path / DB_NAME
    with sqlite3.connect(packed / DB_NAME) as source, sqlite3.connect(target) as out:
        source.backup(out)
    return target


def verify(path: Path) -> AuditReport:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return verify_chain(connection)
    finally:
        engine.dispose()


def tamper(path: Path, sql: str) -> None:
    with sqlite3.connect(path) as db:  # plain sqlite3: no PackStation code runs
        db.execute(sql)


def first_id(path: Path, table: str) -> str:
    with sqlite3.connect(path) as db:
        return str(db.execute(f"SELECT id FROM {table} ORDER BY rowid LIMIT 1").fetchone()[0])


def test_a_store_packed_through_the_engine_verifies_and_its_chains_have_no_gap(
    copy: Path,
) -> None:
    report = verify(copy)

    assert report.ok, report.as_text()
    with sqlite3.connect(copy) as db:
        tables = {
            row[0]
            for row in db.execute(
                "SELECT DISTINCT s.table_name FROM auditlink l "
                "JOIN auditschema s ON s.id = l.schema_id"
            )
        }
        chains: dict[str, list[int]] = {}
        for station, seq in db.execute("SELECT station, seq FROM auditlink ORDER BY seq"):
            chains.setdefault(station, []).append(seq)
        # The voided label changed its parcel: chained again, as a second version.
        versions = db.execute(
            "SELECT count(*) FROM auditlink WHERE schema_id IN "
            "(SELECT id FROM auditschema WHERE table_name = 'parcel') GROUP BY row_id "
            "ORDER BY 1 DESC LIMIT 1"
        ).fetchone()[0]
    assert tables == set(EDITS)
    # The bench's events, and the packers on the store's own chain.
    assert set(chains) == {"bench-1", STORE_CHAIN}
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in chains.values())
    assert sum(map(len, chains.values())) == report.links
    assert versions >= 2


@pytest.mark.parametrize("table", sorted(EDITS))
def test_an_edited_row_is_named(copy: Path, table: str) -> None:
    row_id = first_id(copy, table)
    tamper(copy, f"UPDATE {table} SET {EDITS[table]} WHERE id = '{row_id}'")

    report = verify(copy)

    first = report.first()
    assert first is not None and (first.kind, first.table, first.row_id) == (
        "row_edited",
        table,
        row_id,
    )
    assert row_id in report.as_text() and "edited" in report.as_text()


@pytest.mark.parametrize("table", sorted(EDITS))
def test_a_deleted_row_is_named(copy: Path, table: str) -> None:
    row_id = first_id(copy, table)
    tamper(copy, f"DELETE FROM {table} WHERE id = '{row_id}'")

    first = verify(copy).first()

    assert first is not None and (first.kind, first.row_id) == ("row_deleted", row_id)


@pytest.mark.parametrize("table", sorted(EDITS))
def test_a_row_inserted_behind_the_station_is_named(copy: Path, table: str) -> None:
    with sqlite3.connect(copy) as db:
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
    others = ", ".join(column for column in columns if column != "id")
    # A badge is unique: the copy gets its own.
    copied = others.replace("badge", "badge || 'x'")
    new_id = uuid.uuid4().hex
    tamper(
        copy,
        f"INSERT INTO {table} (id, {others}) SELECT '{new_id}', {copied} FROM {table} "
        "ORDER BY rowid LIMIT 1",
    )

    report = verify(copy)

    assert ("row_inserted", new_id) in {(p.kind, p.row_id) for p in report.problems}
    assert "seq ?" not in report.as_text()  # a table without numbers says none


def test_a_print_jobs_status_set_by_hand_is_found(copy: Path) -> None:
    job = first_id(copy, "printjob")
    tamper(copy, f"UPDATE printjob SET status = 'cancelled' WHERE id = '{job}'")

    first = verify(copy).first()

    assert first is not None and (first.kind, first.row_id) == ("status_edited", job)


def test_links_edited_or_deleted_are_found(copy: Path) -> None:
    tamper(copy, "UPDATE auditlink SET content = 'forged' WHERE seq = 4")
    tamper(copy, "DELETE FROM auditlink WHERE seq = 7")

    report = verify(copy)

    found = {(p.kind, p.seq) for p in report.problems}
    assert {("link_edited", 4), ("link_missing", 7)} <= found
    first = report.first()
    assert first is not None and first.seq == 4


def test_a_cut_off_tail_is_found_against_the_anchor(packed: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    shutil.copytree(packed, data_dir, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    store = Store.open(data_dir)
    write_anchors(store)  # nothing new: closing the session anchored the head already
    (anchor,) = [anchor for anchor in store_anchors(store) if anchor.station == "bench-1"]
    store.close()
    path = data_dir / DB_NAME
    # The newest event (the settings saved) and its link go, cleanly: the rest verifies.
    tamper(path, "DELETE FROM settingsevent")
    tamper(path, f"DELETE FROM auditlink WHERE seq = {anchor.seq}")

    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        without_anchor = verify_chain(connection)
        with_anchor = verify_chain(connection, [anchor])
    engine.dispose()

    assert without_anchor.ok
    assert "truncated" in {p.kind for p in with_anchor.problems}
    assert "tail was cut off" in with_anchor.as_text()


def test_an_upgraded_store_chains_the_events_it_already_held(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from station.store import MIGRATIONS

    path = tmp_path / DB_NAME
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")  # a store from before the chain
    engine.dispose()
    with sqlite3.connect(path) as db:
        for seq in (1, 2):
            db.execute(
                "INSERT INTO scanevent (id, station, seq, raw, code, source, manual, verdict, "
                "units_counted, message, awaiting, created_at) VALUES "
                "(?, 'old-bench', ?, 'BADGE-P1', 'BADGE-P1', 'scanner', 0, 'login', 0, '', "
                "'nothing', '2026-01-02 03:04:05.000000')",
                (uuid.uuid4().hex, seq),
            )

    Store.open(tmp_path).close()
    report = verify(path)
    tamper(path, "UPDATE scanevent SET verdict = 'ok' WHERE seq = 2")

    assert report.ok and report.heads == {"old-bench": 2}
    assert not verify(path).ok


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("DROP TABLE auditlink", "chain_missing"),
        ("DROP TABLE supervisorauth", "table_dropped"),  # it was "intact"
        ("UPDATE auditschema SET columns = 'not json' WHERE id = 1", "schema_edited"),
    ],
)
def test_a_damaged_chain_is_reported_not_a_crash(copy: Path, sql: str, kind: str) -> None:
    tamper(copy, sql)

    first = verify(copy).first()

    assert first is not None and first.kind == kind


def test_the_state_per_station_names_the_broken_chain_for_the_dashboard(
    packed: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "station"
    shutil.copytree(packed, data_dir, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    store = Store.open(data_dir)
    try:
        intact = local_states(store)
        tamper(data_dir / DB_NAME, "UPDATE orderevent SET reason = 'changed'")
        broken = local_states(store)
    finally:
        store.close()

    assert list(intact) == ["bench-1"] and intact["bench-1"].ok
    assert intact["bench-1"].summary == f"intact: {intact['bench-1'].links} links"
    state = broken["bench-1"]
    assert not state.ok and state.problems >= 1
    assert state.summary.startswith("BROKEN: orderevent ") and "edited" in state.summary


def test_full_goes_with_central_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import main

    assert main.main(["audit", "verify", "--full", "--data-dir", str(tmp_path)]) == 2
    assert "--full go with --central" in capsys.readouterr().err
    assert not (tmp_path / DB_NAME).exists()  # nothing was made or changed
