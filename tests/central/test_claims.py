"""Order claims: one holder at a time, a fencing number per holder, leases by the server's clock."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import psycopg

from station.central.claims import Claim, claim_order, release_order
from station.central.connect import central_engine
from station.central.status import central_status
from tests.central.conftest import Central
from tests.central.test_import_and_pull import CATALOG, central_import, orders


def order_id(central: Central, number: str) -> uuid.UUID:
    with psycopg.connect(central.admin_url) as db:
        row = db.execute("SELECT id FROM orders WHERE number = %s", (number,)).fetchone()
    assert row is not None
    found: uuid.UUID = row[0]
    return found


def one_order(central: Central, tmp_path: Path) -> uuid.UUID:
    central_import(central, "catalog", tmp_path / "c.csv", CATALOG)
    central_import(central, "orders", tmp_path / "o.json", orders("SO-1"))
    return order_id(central, "SO-1")


def test_an_order_claimed_by_one_station_is_refused_to_another_naming_it(
    central: Central, tmp_path: Path
) -> None:
    order = one_order(central, tmp_path)
    one = central_engine(central.add_station("bench-1"))
    two = central_engine(central.add_station("bench-2"))

    first = claim_order(one, order)
    assert first.held_by("bench-1")
    elsewhere = claim_order(two, order)
    assert (elsewhere.station, elsewhere.fence) == ("bench-1", first.fence)
    renewed = claim_order(one, order)
    assert renewed.fence == first.fence and renewed.expires_at >= first.expires_at
    [bench_1, _] = central_status(central_engine(central.admin_url)).stations
    assert bench_1.open_claims == 1

    assert not release_order(two, first), "only the holder lets it go"
    assert release_order(one, first)
    taken = claim_order(two, order)
    assert taken.held_by("bench-2") and taken.fence > first.fence
    # The old holder's fence is stale now: it cannot release the new holder's claim.
    assert not release_order(one, first)


def test_a_lapsed_lease_lets_another_station_take_the_order(
    central: Central, tmp_path: Path
) -> None:
    order = one_order(central, tmp_path)
    one = central_engine(central.add_station("bench-1"))
    two = central_engine(central.add_station("bench-2"))
    lapsed = claim_order(one, order, lease_s=0)  # a station that crashed holding it
    taken = claim_order(two, order)
    assert taken.held_by("bench-2") and taken.fence > lapsed.fence


def test_two_stations_opening_one_order_at_once_one_wins(central: Central, tmp_path: Path) -> None:
    order = one_order(central, tmp_path)
    engines = [central_engine(central.add_station(f"bench-{n}")) for n in (1, 2)]
    start = threading.Barrier(2)
    results: list[Claim] = []

    def claim(engine_index: int) -> None:
        start.wait(timeout=10)
        results.append(claim_order(engines[engine_index], order))

    threads = [threading.Thread(target=claim, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 2
    assert results[0].station == results[1].station  # both name the one winner
    assert results[0].fence == results[1].fence
