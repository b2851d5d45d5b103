"""The same order packed at two stations during a partition: reported, never merged."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import psycopg

from station.central.claim_worker import bench_claims
from station.central.connect import central_engine, connected
from station.central.status import central_status, double_packed_orders, quarantined_batches
from station.models import ScanEvent
from station.queries import next_seq
from station.settings import Settings
from station.store import Store
from station.sync.exchange import sync_once
from station.sync.settings import Central as CentralSettings
from tests.central.conftest import Central
from tests.central.test_bench_claims import order_events
from tests.central.test_import_and_pull import CATALOG, PACKERS, central_import, orders
from tests.helpers.factory import MUG_UPC, Bench, give_tracking_ranges


def pack(tmp_path: Path, station: str, url: str, *, online: bool) -> tuple[Store, str]:
    """Pull the orders, then pack SO-1: claiming it (online) or with the network gone.

    The store and the parcel's number."""
    data_dir = tmp_path / station
    store = Store.open(data_dir)
    assert sync_once(url, store, station).pulled == 5
    give_tracking_ranges(store, [station])
    settings = Settings(station=station, central=CentralSettings(url if online else None))
    session = Bench(store, data_dir, settings).session(station)
    with ExitStack() as stack:
        stack.callback(session.close)
        if online:
            worker = stack.enter_context(bench_claims(session, url))
        session.handle_scan("BADGE-P1")
        session.handle_scan("SO-1")
        if online:
            assert worker.settle()  # the claim is taken before the parcel is made
        verdict = session.handle_scan(MUG_UPC)
        assert verdict is not None and verdict.kind == "order_complete"
        tracking = verdict.tracking
    assert tracking
    return store, tracking


def test_an_order_packed_at_two_stations_is_a_double_packed_conflict(
    central: Central, tmp_path: Path
) -> None:
    central_import(central, "catalog", tmp_path / "c.csv", CATALOG)
    central_import(central, "packers", tmp_path / "p.csv", PACKERS)
    central_import(central, "orders", tmp_path / "o.json", orders("SO-1"))
    one, two = central.add_station("bench-1"), central.add_station("bench-2")
    # bench-2 is cut off before bench-1 claims SO-1: neither can know of the other.
    second, second_parcel = pack(tmp_path, "bench-2", two, online=False)
    first, first_parcel = pack(tmp_path, "bench-1", one, online=True)

    assert sync_once(one, first, "bench-1").conflicts == 0  # alone so far
    assert sync_once(two, second, "bench-2").conflicts == 1
    with psycopg.connect(central.admin_url) as db:  # recorded as the second parcel arrived
        assert db.execute("SELECT kind FROM order_conflict").fetchall() == [("double_packed",)]
    assert sync_once(one, first, "bench-1").conflicts == 1
    status = central_status(central_engine(central.admin_url))
    [conflict] = status.double_packed
    assert conflict.order == "SO-1" and conflict.stations == ("bench-1", "bench-2")
    [fence] = [event.fence for event in order_events(first, "claim_taken")]
    assert [(p.station, p.tracking, p.fence) for p in conflict.parcels] == [
        ("bench-1", first_parcel, fence),
        ("bench-2", second_parcel, None),
    ]
    assert (
        f"  double_packed SO-1: bench-1 parcel {first_parcel} (claim {fence}), "
        f"bench-2 parcel {second_parcel} (no claim: packed offline)" in status.lines()
    )
    # A supervisor's screen, with a station's login, reads the same.
    with connected(central_engine(two)) as connection:
        assert double_packed_orders(connection) == status.double_packed
    assert central_status(central_engine(two)).lines() == status.lines()
    # Parcels committed at the same moment escape the trigger: status finds them anyway.
    with psycopg.connect(central.admin_url) as db:
        db.execute("DELETE FROM order_conflict")
    [found] = central_status(central_engine(central.admin_url)).double_packed
    assert found.parcels == conflict.parcels
    for store in (first, second):
        store.close()


def test_events_refused_for_good_are_listed_with_their_reason(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station("bench-1")
    store = Store.open(tmp_path / "bench-1")
    with store.session() as db:
        seq = next_seq(db, "bench-1")
        # A NUL byte from a noisy serial line: SQLite keeps it, PostgreSQL text never can.
        db.add(ScanEvent(station="bench-1", seq=seq, raw="A\x00B", code="A\x00B", verdict="x"))
        db.add(ScanEvent(station="bench-1", seq=seq + 1, raw="fine", code="fine", verdict="x"))
        db.commit()
    summary = sync_once(url, store, "bench-1")
    store.close()
    assert (summary.conflicts, summary.pending) == (1, 0)

    status = central_status(central_engine(central.admin_url))
    [batch] = status.quarantined
    assert (batch.station, batch.stream, batch.first_seq) == ("bench-1", "scanevent", seq)
    assert "Unicode" in batch.reason
    assert "quarantined: 1 refused batch(es)" in status.lines()
    assert f"  bench-1 scanevent #{seq}: {batch.reason}" in status.lines()
    assert [s.quarantined for s in status.stations] == [1]
    with connected(central_engine(url)) as connection:  # a supervisor at a bench sees it too
        assert quarantined_batches(connection, "bench-1") == status.quarantined
        assert quarantined_batches(connection, "bench-2") == ()
