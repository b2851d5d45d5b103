"""The same order packed at two stations during a partition: reported, never merged."""

from __future__ import annotations

from pathlib import Path

from station.central.connect import central_engine, connected
from station.central.status import central_status, double_packed_orders
from station.settings import Settings
from station.store import Store
from station.sync.exchange import sync_once
from tests.central.conftest import Central
from tests.central.test_import_and_pull import CATALOG, PACKERS, central_import, orders
from tests.helpers.factory import MUG_UPC, Bench, give_tracking_ranges


def pack_offline(tmp_path: Path, station: str, url: str) -> tuple[Store, str]:
    """Pull the orders, then (the network gone) pack SO-1; the store and the parcel's number."""
    data_dir = tmp_path / station
    store = Store.open(data_dir)
    assert sync_once(url, store, station).pulled == 5
    give_tracking_ranges(store, [station])
    session = Bench(store, data_dir, Settings(station=station)).session(station)
    try:
        session.handle_scan("BADGE-P1")
        session.handle_scan("SO-1")
        verdict = session.handle_scan(MUG_UPC)
        assert verdict is not None and verdict.kind == "order_complete"
        tracking = verdict.tracking
    finally:
        session.close()
    assert tracking
    return store, tracking


def test_an_order_packed_at_two_stations_is_a_double_packed_conflict(
    central: Central, tmp_path: Path
) -> None:
    central_import(central, "catalog", tmp_path / "c.csv", CATALOG)
    central_import(central, "packers", tmp_path / "p.csv", PACKERS)
    central_import(central, "orders", tmp_path / "o.json", orders("SO-1"))
    one, two = central.add_station("bench-1"), central.add_station("bench-2")
    first, first_parcel = pack_offline(tmp_path, "bench-1", one)
    second, second_parcel = pack_offline(tmp_path, "bench-2", two)

    assert sync_once(one, first, "bench-1").conflicts == 0  # alone so far
    assert sync_once(two, second, "bench-2").conflicts == 1
    assert sync_once(one, first, "bench-1").conflicts == 1
    status = central_status(central_engine(central.admin_url))
    [conflict] = status.double_packed
    assert conflict.order == "SO-1" and conflict.stations == ("bench-1", "bench-2")
    assert [(p.station, p.tracking, p.fence) for p in conflict.parcels] == [
        ("bench-1", first_parcel, None),
        ("bench-2", second_parcel, None),
    ]
    assert (
        f"  double_packed SO-1: bench-1 parcel {first_parcel} (no claim: packed offline), "
        f"bench-2 parcel {second_parcel} (no claim: packed offline)" in status.lines()
    )
    # A supervisor's screen, with a station's login, reads the same.
    with connected(central_engine(one)) as connection:
        assert double_packed_orders(connection) == status.double_packed
    for store in (first, second):
        store.close()
