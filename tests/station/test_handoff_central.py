"""A parcel loaded at two docks that could not reach each other: a conflict at sync, both kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg

from devices.pdf.manifest import render_manifest_pdf
from station import queries
from station.central.connect import central_engine, connected
from station.central.status import central_status
from station.couriers.plan import CourierBook
from station.event_sequence import SeqCounter
from station.handoff.central import double_loaded
from station.handoff.closing import Handover, close_load
from station.handoff.engine import LoadingSession
from station.settings import Settings
from station.store import Store
from station.sync.exchange import sync_once

# The central tests' throwaway PostgreSQL, used here as the fixtures of this module.
from tests.central.conftest import Central, admin_url, central, cluster, database  # noqa: F401
from tests.helpers.sealed import seal_orders

PARCEL = "JJDSO0000000101"  # DHL Express


def load_and_close(data_dir: Path, station: str) -> Store:
    store = Store.open(data_dir)
    with store.session() as db:
        seq = SeqCounter(queries.next_seq(db, station))
    loading = LoadingSession(store, Settings(station=station), CourierBook.load(), seq)
    for line in ("CMD-LOAD", "DHL Express", PARCEL):
        loading.handle_scan(line)
    answer = close_load(
        loading,
        Handover(f"Driver of {station}"),
        data_dir,
        render_manifest_pdf,
        default_reason="later",
    )
    assert answer.parcels == 1
    return store


def test_a_parcel_loaded_at_two_docks_offline_is_a_double_loaded_conflict(
    central: Central,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    one, two = central.add_station("dock-1"), central.add_station("dock-2")
    sealed = tmp_path / "dock-1"
    store = Store.open(sealed)
    seal_orders(store, "bench-1", 2)
    store.close()
    shutil.copytree(sealed, tmp_path / "dock-2")  # the same parcels at both docks
    first = load_and_close(tmp_path / "dock-1", "dock-1")
    second = load_and_close(tmp_path / "dock-2", "dock-2")

    sync_once(one, first, "dock-1")
    with psycopg.connect(central.admin_url) as db:
        assert db.execute("SELECT count(*) FROM handoff_conflict").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM handoff_close").fetchone() == (1,)
    summary = sync_once(two, second, "dock-2")

    with psycopg.connect(central.admin_url) as db:  # recorded as the second scan arrived
        assert db.execute("SELECT kind FROM handoff_conflict").fetchall() == [("double_loaded",)]
        signature = db.execute("SELECT data ? 'signature_png' FROM handoff_close").fetchall()
    assert signature == [(False,), (False,)]  # the drawing stays at the station
    # A supervisor's screen, with a station's login, reads both loads.
    with connected(central_engine(two)) as connection:
        [conflict] = double_loaded(connection)
    assert [at.station for at in conflict.loads] == ["dock-1", "dock-2"]
    assert PARCEL in conflict.line()
    assert summary.conflicts == 1  # the dock's sync says so
    lines = central_status(central_engine(central.admin_url)).lines()
    assert "conflicts: 1 double-loaded parcel(s)" in lines
    assert any(PARCEL in line and "dock-1" in line and "dock-2" in line for line in lines)
    first.close()
    second.close()
