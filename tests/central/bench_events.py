"""A station store with real events: scans, an order packed and sealed, its label printed,
its evidence recorded (and some deleted)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import select as sm_select

from devices.pdf.manifest import render_manifest_pdf
from station import evidence, evidence_storage
from station.couriers.plan import CourierBook
from station.event_sequence import SeqCounter
from station.handoff.closing import Handover, close_load
from station.handoff.engine import LoadingSession
from station.models import Parcel
from station.queries import next_seq
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
    load_and_close(bench, station)
    _film(bench, station)
    return bench


def _film(bench: Bench, station: str) -> None:
    """SO-1's evidence: two video segments, the older one deleted by retention."""
    folder = evidence.evidence_dir(bench.data_dir) / "SO-1"
    folder.mkdir(parents=True, exist_ok=True)
    for number, ended in enumerate((datetime(2026, 1, 1, tzinfo=UTC), datetime.now(UTC))):
        path = folder / f"{station}-{number}.webm"
        path.write_bytes(bytes([number]) * 64)
        closed = evidence.ClosedFile("SO-1", station, "video", path, ended, ended)
        evidence.record(bench.store, bench.data_dir, closed)
    evidence_storage.sweep(bench.store, bench.data_dir, station, retention_days=30, min_free_mb=0)


def load_and_close(bench: Bench, station: str) -> None:
    """SO-1's parcel onto a load at the same station, closed (the handoff's events)."""
    with bench.store.session() as db:
        parcel = db.exec(sm_select(Parcel).where(Parcel.station == station)).first()
        seq = SeqCounter(next_seq(db, station))
    if parcel is None:  # a station without tracking numbers: SO-1 got no label
        return
    loading = LoadingSession(bench.store, bench.settings, CourierBook.load(), seq, station)
    for line in ("CMD-LOAD", parcel.courier, parcel.tracking):
        loading.handle_scan(line)
    close_load(
        loading, Handover("Dana Driver"), bench.data_dir, render_manifest_pdf, default_reason="-"
    )


def local_ids(bench: Bench, station: str) -> dict[str, set[str]]:
    """Every event id of `station` in its store, by table."""
    ids: dict[str, set[str]] = {}
    with bench.store.engine.connect() as db:
        for stream in STREAMS:
            table = stream.local
            rows = db.execute(select(table.c.id).where(table.c.station == station)).scalars()
            ids[stream.name] = {str(row) for row in rows}
    return ids
