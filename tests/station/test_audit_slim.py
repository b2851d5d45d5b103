"""Migration 0016's step: links kept as 0009 wrote them (hex text, a copy of the previous
hash, the table by name) become the slim form with the same hashes, and still verify."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from station.audit.slim import slim_links
from station.audit.verify import AuditReport, verify_chain
from station.store import DB_NAME
from tests.helpers.factory import MUG_UPC, standard_bench

# The links as 0009 kept them, rebuilt from the slim ones (the hashes do not change).
_AS_0009 = """
CREATE TABLE hex_links (
    station VARCHAR NOT NULL, seq INTEGER NOT NULL, table_name VARCHAR NOT NULL,
    row_id VARCHAR NOT NULL, schema_id INTEGER NOT NULL, content VARCHAR NOT NULL,
    prev VARCHAR NOT NULL, hash VARCHAR NOT NULL, PRIMARY KEY (station, seq));
INSERT INTO hex_links SELECT l.station, l.seq, s.table_name, lower(hex(l.row_id)), l.schema_id,
    lower(hex(l.content)), coalesce((SELECT lower(hex(p.hash)) FROM auditlink p
    WHERE p.station = l.station AND p.seq = l.seq - 1), ''), lower(hex(l.hash))
    FROM auditlink l JOIN auditschema s ON s.id = l.schema_id;
DROP TABLE auditlink;
ALTER TABLE hex_links RENAME TO auditlink;
"""


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    bench = standard_bench(tmp_path)
    session = bench.session("bench-1")
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, "NOT-A-BARCODE"):
        session.handle_scan(scan)
    session.close()
    bench.store.close()
    return tmp_path / DB_NAME


def links(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT * FROM auditlink ORDER BY station, seq").fetchall()


def upgrade_and_verify(path: Path) -> AuditReport:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            slim_links(connection)
        with engine.connect() as connection:
            return verify_chain(connection)
    finally:
        engine.dispose()


def test_hex_links_become_the_same_links_slim_and_verify(store_path: Path) -> None:
    slim = links(store_path)
    with sqlite3.connect(store_path) as db:
        db.executescript(_AS_0009)

    report = upgrade_and_verify(store_path)

    assert report.ok, report.as_text()
    assert links(store_path) == slim and len(slim) >= 4
    assert all(len(link[2]) == 16 and len(link[5]) == 32 for link in slim)  # type: ignore[arg-type]


def test_a_hex_link_edited_before_the_upgrade_is_still_named(store_path: Path) -> None:
    with sqlite3.connect(store_path) as db:
        db.executescript(_AS_0009)
        db.execute("UPDATE auditlink SET content = 'forged' WHERE seq = 2")
        db.execute("UPDATE auditlink SET table_name = 'orderevent' WHERE seq = 3")
        db.execute("UPDATE auditlink SET prev = hash WHERE seq = 4")  # fields 0016 drops

    report = upgrade_and_verify(store_path)

    edited = {p.seq for p in report.problems if p.kind == "link_edited"}
    assert {2, 3, 4} <= edited, report.as_text()
