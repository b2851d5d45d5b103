"""The bench's claim rules from its mirror alone (no server needed: the link is down)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import delete

from station.central.claim_worker import bench_claims
from station.claims import remember
from station.models import StationState
from station.queries import order_by_number
from station.session import PackSession
from station.settings import Settings
from station.sync.settings import Central
from station.verdicts import VerdictKind
from tests.central.cluster import free_port
from tests.helpers.factory import MUG_UPC, Bench, standard_bench

V = VerdictKind


@pytest.fixture
def offline_bench(tmp_path: Path) -> Iterator[tuple[Bench, PackSession]]:
    """bench-1 with offline_open = "claimed_only" and its central database out of reach."""
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/nothing"
    settings = Settings(station="bench-1", central=Central(url, offline_open="claimed_only"))
    bench = standard_bench(tmp_path, settings)
    session = bench.session("bench-1")
    try:
        with bench_claims(session, url) as worker:
            assert worker.settle() and not worker.online()
            yield bench, session
    finally:
        session.close()
        bench.store.close()


def order_id(bench: Bench, number: str) -> uuid.UUID:
    with bench.store.session() as db:
        order = order_by_number(db, number)
        assert order is not None
        return order.id


def test_claimed_only_opens_offline_what_this_bench_holds_and_nothing_else(
    offline_bench: tuple[Bench, PackSession],
) -> None:
    bench, session = offline_bench
    with bench.store.session() as db:  # as the worker recorded it before the link dropped
        remember(db, order_id(bench, "SO-1"), "bench-1", 7, 0.0)  # lease run out: still ours
        db.commit()
    session.handle_scan("BADGE-P1")
    assert session.handle_scan("SO-2").kind is V.ORDER_NEEDS_CLAIM
    assert session.view().order is None
    assert session.handle_scan("SO-1").kind is V.ORDER_OPENED


def test_an_order_taken_off_the_bench_stays_off_after_a_restart_from_history(
    offline_bench: tuple[Bench, PackSession],
) -> None:
    bench, session = offline_bench
    with bench.store.session() as db:
        remember(db, order_id(bench, "SO-1"), "bench-1", 7, 60.0)
        db.commit()
    session.handle_scan("BADGE-P1")
    assert session.handle_scan("SO-1").kind is V.ORDER_OPENED
    assert session.handle_scan(MUG_UPC).kind is V.OK
    with bench.store.session() as db:  # a sync showed bench-2 holds it now
        remember(db, order_id(bench, "SO-1"), "bench-2", 9, 60.0)
        db.commit()
    stop = session.handle_scan(MUG_UPC)  # the next input takes it off, uncounted
    assert stop.kind is V.ORDER_CLAIMED_ELSEWHERE and "AT bench-2" in stop.message
    assert session.view().order is None
    # A store without the state row (an older version's) is rebuilt from its history.
    with bench.store.session() as db:
        db.exec(delete(StationState))  # type: ignore[call-overload]
        db.commit()
    again = bench.session("bench-1")
    try:
        assert again.view().order is None
    finally:
        again.close()
