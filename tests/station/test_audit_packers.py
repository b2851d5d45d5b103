"""The packers (badges, roles, PIN hashes) are on the store's audit chain.

A packer made a supervisor by plain SQL would unlock every supervisor action
at every station of the store: `audit verify` names that row, exit 1. A role
changed through PackStation (an import) is recorded, and verifies.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine

import main
from station.audit.registry import STORE_CHAIN
from station.audit.state import local_states
from station.audit.verify import AuditReport, verify_chain
from station.store import DB_NAME, Store
from station.supervisor_auth import Action, Refusal, Supervisor, authorize
from tests.helpers.factory import standard_bench


def verify(path: Path) -> AuditReport:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return verify_chain(connection)
    finally:
        engine.dispose()


def test_a_role_changed_by_import_verifies_and_one_changed_by_sql_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = standard_bench(tmp_path)
    bench.session().handle_scan("BADGE-P1")
    bench.store.close()
    roster = tmp_path / "packers.csv"
    roster.write_text("badge,name,role,pin\nBADGE-P1,Ana,supervisor,4321\n", encoding="utf-8")

    assert main.main(["import", "packers", str(roster), "--data-dir", str(tmp_path)]) == 0
    assert main.main(["audit", "verify", "--data-dir", str(tmp_path)]) == 0
    assert "the store's packer chain" in capsys.readouterr().out
    assert main.main(["audit", "anchor", "--data-dir", str(tmp_path)]) == 0
    assert "Anchored the store's packer chain at link 4 (the log)." in capsys.readouterr().out
    # The promoted packer signs in as a supervisor, with the PIN the import set.
    store = Store.open(tmp_path)
    try:
        allowed = authorize(store, "bench-1", "BADGE-P1", "4321", Action.VOID_LABEL)
    finally:
        store.close()
    assert isinstance(allowed, Supervisor)

    with sqlite3.connect(tmp_path / DB_NAME) as db:  # no PackStation code runs
        (ben,) = db.execute("SELECT id FROM packer WHERE badge = 'BADGE-P2'").fetchone()
        db.execute("UPDATE packer SET role = 'supervisor' WHERE badge = 'BADGE-P2'")

    assert main.main(["audit", "verify", "--data-dir", str(tmp_path)]) == 1
    said = capsys.readouterr().out
    assert said.startswith(f"AUDIT CHAIN BROKEN: packer {ben} differs from link")
    assert "the store's packer chain: edited after it was recorded" in said
    # Every station of the store is suspect: anyone may have signed in with that badge.
    store = Store.open(tmp_path)
    try:
        states = local_states(store)
    finally:
        store.close()
    assert list(states) == ["bench-1"] and not states["bench-1"].ok
    assert ben in (states["bench-1"].first_problem or "")


def test_five_wrong_pins_still_lock_the_badge(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path)
    roster = tmp_path / "packers.csv"
    roster.write_text("badge,name,role,pin\nBADGE-S1,Sam,supervisor,2468\n", encoding="utf-8")
    bench.store.close()
    assert main.main(["import", "packers", str(roster), "--data-dir", str(tmp_path)]) == 0
    store = Store.open(tmp_path)
    try:
        wrong = [
            authorize(store, "bench-1", "BADGE-S1", "0000", Action.BULK_PRINT) for _ in range(5)
        ]
        after = authorize(store, "bench-1", "BADGE-S1", "2468", Action.BULK_PRINT)
    finally:
        store.close()

    assert all(isinstance(answer, Refusal) for answer in wrong)
    assert isinstance(after, Refusal) and after.locked_until is not None
    assert verify(tmp_path / DB_NAME).ok  # the attempts, and the packers, as recorded


def _store_at(path: Path, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from station.store import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def _add_packer_by_sql(path: Path, badge: str, packer: str | None = None) -> str:
    packer = packer or uuid.uuid4().hex
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO packer (id, badge, name, role, created_at, updated_at) VALUES "
            "(?, ?, 'Ana', 'packer', '2026-01-02 03:04:05.000000', '2026-01-02 03:04:05.000000')",
            (packer, badge),
        )
    return packer


@pytest.mark.parametrize("revision", ["0018", "0008"])  # chained by 0019, or on the way by 0016
def test_an_upgrade_chains_the_packers_the_store_held_once(tmp_path: Path, revision: str) -> None:
    path = tmp_path / DB_NAME
    _store_at(path, revision)
    packer = _add_packer_by_sql(path, "BADGE-OLD")

    Store.open(tmp_path).close()
    report = verify(path)
    with sqlite3.connect(path) as db:
        db.execute(f"UPDATE packer SET role = 'admin' WHERE id = '{packer}'")

    assert report.ok and report.heads == {STORE_CHAIN: 1}
    first = verify(path).first()
    assert first is not None and (first.kind, first.row_id) == ("row_edited", packer)


def test_an_upgrade_passes_over_a_packer_put_in_by_hand_without_a_uuid(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    _store_at(path, "0018")
    _add_packer_by_sql(path, "BADGE-HAND", packer="not-a-uuid")

    Store.open(tmp_path).close()  # starts: the row is not the upgrade's to judge

    report = verify(path)
    assert not report.ok, "a packer on no link is named by audit verify"
