"""`main.py audit verify|anchor` as a user runs them: exit 0 intact, 1 naming the first
record changed behind the station's back, 2 for no store; the anchor is in the log."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from station.store import DB_NAME
from tests.helpers.cli import run
from tests.helpers.factory import TAPE_EAN, standard_bench

pytestmark = pytest.mark.slow


def test_verify_anchor_then_a_cut_off_tail(tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    bench = standard_bench(data_dir)
    session = bench.session()
    for raw in ("BADGE-P1", "SO-3", TAPE_EAN, "BADGE-P2"):
        session.handle_scan(raw)
    session.wait_for_printer()
    session.close()
    bench.store.close()

    intact = run("--data-dir", str(data_dir), "audit", "verify")
    anchored = run("--data-dir", str(data_dir), "audit", "anchor")
    log = (data_dir / "logs" / "packstation.log").read_text(encoding="utf-8")
    with sqlite3.connect(data_dir / DB_NAME) as db:  # the newest event and its link go
        table, row_id, seq = db.execute(
            "SELECT s.table_name, l.row_id, l.seq FROM auditlink l "
            "JOIN auditschema s ON s.id = l.schema_id ORDER BY l.seq DESC LIMIT 1"
        ).fetchone()
        db.execute(f"DELETE FROM {table} WHERE id = ?", (row_id.hex(),))
        db.execute("DELETE FROM auditlink WHERE seq = ?", (seq,))
        db.execute("DELETE FROM auditanchor")  # the store's own anchors are no proof
    cut = run("--data-dir", str(data_dir), "audit", "verify", "--json")

    assert (intact.returncode, anchored.returncode) == (0, 0), intact.stdout + anchored.stderr
    assert intact.stdout.startswith("Audit chain intact")
    assert "Anchored station bench-1" in anchored.stdout
    assert "audit anchor: station=bench-1" in log
    assert cut.returncode == 1
    report = json.loads(cut.stdout)
    assert report["ok"] is False and report["first_problem"]["kind"] == "truncated"
    assert report["newest_anchor"]["source"] == "log"


def test_verify_without_a_store_says_so(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path / "nothing"), "audit", "verify")

    assert result.returncode == 2
    assert "No station database" in result.stderr and "Traceback" not in result.stderr
