"""A station store with real events: scans, an order packed and sealed, its label printed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from station.settings import Settings
from station.sync.push import STREAMS
from station.workflow_types import ExceptionReason
from tests.helpers.factory import CABLE_EAN, MUG_UPC, Bench, standard_bench


def packed_bench(data_dir: Path, station: str, *, extra_scans: int = 0) -> Bench:
    """SO-1 packed and printed at `station`, SO-2 flagged, then `extra_scans` more inputs."""
    bench = standard_bench(data_dir, Settings(station=station))
    session = bench.session(station)
    try:
        session.handle_scan("BADGE-P1")
        session.handle_scan("SO-1")
        session.handle_scan(MUG_UPC)
        session.handle_scan(MUG_UPC)
        verdict = session.handle_scan(CABLE_EAN)
        assert verdict is not None
        session.wait_for_label(verdict)
        session.handle_scan("SO-2")
        session.flag_exception(ExceptionReason.DAMAGED)
        for _ in range(extra_scans):
            session.handle_scan("BADGE-P2")
    finally:
        session.close()
    return bench


def local_ids(bench: Bench, station: str) -> dict[str, set[str]]:
    """Every event id of `station` in its store, by table."""
    ids: dict[str, set[str]] = {}
    with bench.store.engine.connect() as db:
        for stream in STREAMS:
            table = stream.local
            rows = db.execute(select(table.c.id).where(table.c.station == station)).scalars()
            ids[stream.name] = {str(row) for row in rows}
    return ids
