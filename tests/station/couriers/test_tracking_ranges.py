"""Tracking numbers come from a station's ranges: never twice, even across a crash."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel, select

from station.couriers.models import TrackingRange
from station.couriers.profiles import SHIPPED_PROFILES, CourierProfile, load_profiles
from station.couriers.ranges import (
    RangeError,
    RangeExhaustedError,
    RangeStatus,
    add_range,
    allocate_tracking,
    range_status,
)
from station.store import Store
from tests.helpers.cli import ROOT, env

BENCH = "bench-01"
PROFILES = load_profiles([SHIPPED_PROFILES])
POST = PROFILES["hansepost"]  # S10 numbers
PARCEL = PROFILES["swiftparcel"]  # GS1 mod-10 numbers


def open_store(data_dir: Path) -> Store:
    store = Store.open(data_dir)
    # Until the lead's migration adds it, the range table is made here.
    SQLModel.metadata.create_all(store.engine, tables=[TrackingRange.__table__])
    return store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path)
    yield store
    store.close()


def given_range(
    store: Store, first: int, last: int, profile: CourierProfile = POST, station: str = BENCH
) -> None:
    with store.session() as db:
        add_range(db, station, profile, first, last)
        db.commit()


def take(store: Store, count: int = 1, profile: CourierProfile = POST) -> list[str]:
    """Allocate `count` numbers, one committed transaction each, as parcels are sealed."""
    numbers = []
    for _ in range(count):
        with store.session() as db:
            numbers.append(allocate_tracking(db, BENCH, profile))
            db.commit()
    return numbers


def status(store: Store, profile: CourierProfile = POST, station: str = BENCH) -> RangeStatus:
    with store.session() as db:
        return range_status(db, station, profile)


def test_numbers_are_valid_unique_and_used_lowest_range_first(store: Store) -> None:
    given_range(store, 5000, 5039)
    given_range(store, 1000, 1059)
    numbers = take(store, 100)
    assert len(set(numbers)) == 100
    assert all(POST.tracking.is_valid(n) for n in numbers)
    assert numbers[0] == POST.format_tracking(1000)
    assert numbers[59] == POST.format_tracking(1059)
    assert numbers[60] == POST.format_tracking(5000)
    assert numbers[-1] == POST.format_tracking(5039)


def test_mod10_numbers_come_out_the_same_way(store: Store) -> None:
    given_range(store, 1, 3, PARCEL)
    assert take(store, 3, PARCEL) == ["04570000000011", "04570000000028", "04570000000035"]


def test_numbers_survive_closing_and_reopening_the_store(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    given_range(store, 1, 100)
    before = take(store, 3)
    store.close()
    store = open_store(tmp_path)
    after = take(store, 3)
    store.close()
    assert not set(before) & set(after)
    assert after[0] == POST.format_tracking(4)


def test_a_rolled_back_parcel_gives_its_number_back(store: Store) -> None:
    given_range(store, 1, 100)
    committed = take(store, 2)
    with store.session() as db:
        lost = allocate_tracking(db, BENCH, POST)
        db.rollback()  # the parcel was never stored, so no label was printed
    again = take(store, 2)
    assert again[0] == lost
    assert not set(committed) & set(again)


def test_one_session_can_take_several_numbers_before_committing(store: Store) -> None:
    given_range(store, 1, 100)
    with store.session() as db:
        numbers = [allocate_tracking(db, BENCH, POST) for _ in range(3)]
        db.commit()
    assert len(set(numbers + take(store, 3))) == 6


def test_two_threads_allocating_at_once_never_share_a_number(store: Store) -> None:
    given_range(store, 1, 1000)
    results: list[list[str]] = [[], [], [], []]
    start = threading.Barrier(len(results))

    def allocate(out: list[str]) -> None:
        start.wait()
        # No store.write_lock on purpose: the single UPDATE must be safe alone.
        for _ in range(25):
            with Session(store.engine) as db:
                out.append(allocate_tracking(db, BENCH, POST))
                db.commit()

    threads = [threading.Thread(target=allocate, args=(out,)) for out in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [n for out in results for n in out]
    assert len(every) == 100 and len(set(every)) == 100
    assert status(store).remaining == 900


def test_a_range_warns_when_it_runs_low(store: Store) -> None:
    given_range(store, 1, 1000)  # warns with 100 left: 10% of 1000, and the floor of 100
    with store.session() as db:
        for _ in range(899):
            allocate_tracking(db, BENCH, POST)
        db.commit()
    assert status(store) == RangeStatus(101, low=False)
    take(store)
    assert status(store) == RangeStatus(
        100,
        low=True,
        message="Only 100 tracking numbers left for HansePost at station bench-01: "
        "ask IT to add a range.",
    )


def test_a_big_range_warns_at_ten_percent(store: Store) -> None:
    given_range(store, 1, 100_000)
    with store.session() as db:
        db.exec(select(TrackingRange)).one().next_serial = 90_000  # 10,001 left
        db.commit()
    assert not status(store).low
    take(store)
    assert status(store).remaining == 10_000 and status(store).low


def test_an_exhausted_range_says_what_to_do(store: Store) -> None:
    given_range(store, 1, 2)
    given_range(store, 3, 500, station="bench-02")  # another bench's numbers are not ours
    take(store, 2)
    message = "No tracking numbers left for HansePost at station bench-01: ask IT to add a range."
    with pytest.raises(RangeExhaustedError) as caught:
        take(store)
    assert str(caught.value) == message
    assert status(store) == RangeStatus(0, low=True, message=message)
    given_range(store, 600, 700)  # IT adds a range: packing goes on
    assert take(store) == [POST.format_tracking(600)]


def test_a_courier_without_any_range_is_exhausted_from_the_start(store: Store) -> None:
    with pytest.raises(RangeExhaustedError, match="No tracking numbers left for SwiftParcel"):
        take(store, profile=PARCEL)
    assert status(store, PARCEL).exhausted


@pytest.mark.parametrize(
    ("first", "last"),
    [(1500, 2500), (500, 1000), (1999, 1999), (0, 99_999_999)],
)
def test_an_overlapping_range_is_refused_even_for_another_station(
    store: Store, first: int, last: int
) -> None:
    given_range(store, 1000, 1999)
    with pytest.raises(
        RangeError, match=re.escape("overlaps the range 1000..1999 of station bench-01")
    ):
        given_range(store, first, last, station="bench-02")


def test_ranges_that_touch_or_belong_to_another_courier_are_fine(store: Store) -> None:
    given_range(store, 1000, 1999)
    given_range(store, 2000, 2999, station="bench-02")
    given_range(store, 0, 999)
    given_range(store, 1000, 1999, PARCEL)
    assert status(store).remaining == 2000


@pytest.mark.parametrize(
    ("first", "last", "named"),
    [(20, 10, "20..10"), (-1, 10, "-1..10"), (1, 100_000_000, "between 0 and 99999999")],
)
def test_a_range_must_fit_the_couriers_numbers(
    store: Store, first: int, last: int, named: str
) -> None:
    with pytest.raises(RangeError, match=re.escape(named)):
        given_range(store, first, last)


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from station.couriers.profiles import SHIPPED_PROFILES, load_profiles
    from station.couriers.ranges import allocate_tracking
    from station.store import Store

    store = Store.open(Path(sys.argv[1]))
    post = load_profiles([SHIPPED_PROFILES])["hansepost"]
    for _ in range(3):
        with store.session() as db:
            number = allocate_tracking(db, "bench-01", post)
            db.commit()
        print("committed", number, flush=True)
    with store.session() as db:
        print("pending", allocate_tracking(db, "bench-01", post), flush=True)
        sys.stdin.readline()  # killed while the parcel's transaction is open
    """
)


@pytest.mark.slow
def test_a_kill_between_allocate_and_commit_never_reuses_a_committed_number(
    tmp_path: Path,
) -> None:
    store = open_store(tmp_path)
    given_range(store, 1, 100)
    store.close()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env(),
        cwd=ROOT,
    )
    assert child.stdout is not None
    lines = [child.stdout.readline().split() for _ in range(4)]
    child.kill()
    child.wait(timeout=10)
    committed = [number for state, number in lines if state == "committed"]
    assert len(committed) == 3 and lines[3][0] == "pending"

    store = open_store(tmp_path)
    after = take(store, 5)
    store.close()
    assert not set(committed) & set(after)
    assert after[0] == lines[3][1], "the number that was never committed is handed out again"
