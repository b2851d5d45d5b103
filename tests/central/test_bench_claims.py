"""Claims at the bench: decided at once from the mirror, taken centrally by the claim worker."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from station.central.claim_worker import STALL_S, ClaimWorker, bench_claims
from station.central.claims import LEASE_S, claim_order, release_order
from station.central.connect import central_engine
from station.central.status import central_status
from station.models import OrderEvent, Parcel, ScanEvent
from station.replay import replay
from station.session import PackSession
from station.settings import Settings
from station.store import Store
from station.sync.exchange import sync_once
from station.sync.settings import Central as CentralSettings
from station.verdicts import Verdict, VerdictKind
from tests.central.cluster import free_port
from tests.central.conftest import Central
from tests.central.test_claims import order_id
from tests.central.test_import_and_pull import CATALOG, PACKERS, central_import, orders
from tests.helpers.factory import MUG_UPC, Bench, add_order, give_tracking_ranges

V = VerdictKind


def warehouse(central: Central, tmp_path: Path) -> None:
    """Catalog, packers and two orders of two mugs each, centrally."""
    central_import(central, "catalog", tmp_path / "c.csv", CATALOG)
    central_import(central, "packers", tmp_path / "p.csv", PACKERS)
    central_import(central, "orders", tmp_path / "o.json", orders("SO-1", "SO-2", qty=2))


@contextmanager
def station(
    tmp_path: Path,
    name: str,
    url: str,
    *,
    claims_url: str | None = None,
    offline_open: str = "any",
    lease_s: int = LEASE_S,
    stall_s: float = STALL_S,
) -> Iterator[tuple[PackSession, ClaimWorker, Store]]:
    """A bench that pulled the orders, with its claim worker (on `claims_url` if given)."""
    data_dir = tmp_path / name
    store = Store.open(data_dir)
    with ExitStack() as stack:
        stack.callback(store.close)
        assert sync_once(url, store, name).reached
        give_tracking_ranges(store, [name])
        settings = Settings(station=name, central=CentralSettings(url, offline_open=offline_open))
        session = Bench(store, data_dir, settings).session(name)
        stack.callback(session.close)
        worker = stack.enter_context(
            bench_claims(session, claims_url or url, lease_s=lease_s, retry_s=0.2, stall_s=stall_s)
        )
        assert session.handle_scan("BADGE-P1").kind is V.LOGIN
        yield session, worker, store


def nowhere() -> str:
    """A central URL where nothing listens: the bench is offline."""
    return f"postgresql://nobody@127.0.0.1:{free_port()}/nothing"


def order_events(store: Store, kind: str) -> list[OrderEvent]:
    with store.session() as db:
        return list(db.exec(select(OrderEvent).where(OrderEvent.kind == kind)))


def parcels(store: Store) -> int:
    with store.session() as db:
        return len(db.exec(select(Parcel)).all())


def test_one_order_opened_on_two_stations_at_once_is_packed_by_exactly_one(
    central: Central, tmp_path: Path
) -> None:
    warehouse(central, tmp_path)
    urls = {name: central.add_station(name) for name in ("bench-1", "bench-2")}
    with (
        station(tmp_path, "bench-1", urls["bench-1"]) as one,
        station(tmp_path, "bench-2", urls["bench-2"]) as two,
    ):
        benches = {"bench-1": one, "bench-2": two}
        start = threading.Barrier(2)
        opened: dict[str, Verdict] = {}

        def open_order(name: str) -> None:
            start.wait(timeout=10)
            opened[name] = benches[name][0].handle_scan("SO-1")

        threads = [threading.Thread(target=open_order, args=(name,)) for name in benches]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        # Neither verdict waited for the server: both benches opened it from their mirrors.
        assert {verdict.kind for verdict in opened.values()} == {V.ORDER_OPENED}
        assert one[1].settle() and two[1].settle()
        holder = claim_order(central_engine(urls["bench-1"]), order_id(central, "SO-1")).station
        loser = "bench-2" if holder == "bench-1" else "bench-1"
        (winner_session, winner_worker, winner_store) = benches[holder]
        (loser_session, loser_worker, loser_store) = benches[loser]

        # The loser's worker heard the refusal: the order leaves its bench, loudly.
        stop = loser_session.recheck_claim()
        assert stop is not None and stop.kind is V.ORDER_CLAIMED_ELSEWHERE
        assert holder in stop.message and "SO-1" in stop.message
        assert loser_session.view().order is None
        assert loser_session.handle_scan(MUG_UPC).kind is V.NEEDS_ACKNOWLEDGEMENT
        assert loser_session.acknowledge().kind is V.ACKNOWLEDGED
        again = loser_session.handle_scan("SO-1")
        assert again.kind is V.ORDER_CLAIMED_ELSEWHERE and holder in again.message

        assert winner_session.handle_scan(MUG_UPC).kind is V.OK
        assert winner_session.handle_scan(MUG_UPC).kind is V.ORDER_COMPLETE
        assert winner_worker.settle() and loser_worker.settle()
        assert (parcels(winner_store), parcels(loser_store)) == (1, 0)
        # The fence the winner packed under is in its events, and in the loser's stop.
        [taken] = order_events(winner_store, "claim_taken")
        [left] = order_events(loser_store, "claimed_elsewhere")
        assert taken.fence is not None and left.fence == taken.fence
        assert left.note == f"claimed by {holder}"
        # Packed: the claim is released centrally.
        status = central_status(central_engine(central.admin_url))
        assert [s.open_claims for s in status.stations] == [0, 0]

        # After a sync the loser's mirror no longer shows a live claim on SO-1; opening it
        # again is refused by the central database all the same: it was packed.
        assert sync_once(urls[loser], loser_store, loser).reached
        assert loser_session.handle_scan("SO-1").kind is V.ORDER_OPENED
        assert loser_worker.settle()
        packed = loser_session.recheck_claim()
        assert packed is not None and packed.kind is V.ORDER_CLAIMED_ELSEWHERE
        assert f"SO-1 WAS PACKED AT {holder}" in packed.message
        assert parcels(loser_store) == 0


def test_offline_the_bench_opens_only_what_its_setting_and_its_mirror_allow(
    central: Central, tmp_path: Path
) -> None:
    warehouse(central, tmp_path)
    one = central.add_station("bench-1")
    two = central.add_station("bench-2")
    claim_order(central_engine(one), order_id(central, "SO-1"))  # bench-1 packs SO-1 now
    offline = nowhere()
    with station(tmp_path, "bench-2", two, claims_url=offline, offline_open="claimed_only") as (
        session,
        worker,
        _store,
    ):
        assert worker.settle() and not worker.online()
        # Known from the last sync's mirror, even offline: bench-1 holds SO-1.
        refused = session.handle_scan("SO-1")
        assert refused.kind is V.ORDER_CLAIMED_ELSEWHERE and "bench-1" in refused.message
        # claimed_only: an order this bench holds no claim on waits for the link.
        waiting = session.handle_scan("SO-2")
        assert waiting.kind is V.ORDER_NEEDS_CLAIM and "claimed_only" in waiting.message
    with station(tmp_path / "any", "bench-2", two, claims_url=offline) as (session, worker, _):
        assert worker.settle() and not worker.online()
        assert session.handle_scan("SO-1").kind is V.ORDER_CLAIMED_ELSEWHERE
        assert session.handle_scan("SO-2").kind is V.ORDER_OPENED  # "any": not known elsewhere
    # With bench-1's login by mistake, bench-2 claims nothing in bench-1's name, and never
    # takes its own order off the bench as "claimed by bench-1".
    with station(tmp_path / "wrong", "bench-2", two, claims_url=one) as (session, worker, _):
        assert session.handle_scan("SO-2").kind is V.ORDER_OPENED
        assert worker.settle() and not worker.online()
        assert session.recheck_claim() is None and session.view().order is not None
    with psycopg.connect(central.admin_url) as db:
        assert db.execute("SELECT count(*) FROM order_claim").fetchone() == (1,)


def test_orders_opened_offline_are_claimed_when_the_link_is_back_or_leave_the_bench(
    central: Central, tmp_path: Path
) -> None:
    warehouse(central, tmp_path)
    one = central.add_station("bench-1")
    two = central.add_station("bench-2")
    port = free_port()
    role = make_url(two).username
    link_down = f"postgresql://{role}@127.0.0.1:{port}/{central.database}"
    with central.pgpass.open("r+", encoding="utf-8") as pgpass:  # its password on that port too
        [line] = [line for line in pgpass if f":{role}:" in line]
        pgpass.write(line.replace(f":{central.cluster.port}:", f":{port}:"))
    with station(tmp_path, "bench-2", two, claims_url=link_down) as (session, worker, store):
        assert worker.settle() and not worker.online()
        lost = threading.Event()
        worker.on_lost(lost.set)
        # While bench-2 is cut off, bench-1 takes SO-2; bench-2 cannot know and opens it.
        held = claim_order(central_engine(one), order_id(central, "SO-2"))
        assert session.handle_scan("SO-2").kind is V.ORDER_OPENED
        assert session.handle_scan(MUG_UPC).kind is V.OK

        with Forwarder(port, central.cluster.port):  # the link is back
            assert lost.wait(timeout=20)
            stop = session.recheck_claim()
            assert stop is not None and stop.kind is V.ORDER_CLAIMED_ELSEWHERE
            assert "bench-1" in stop.message and "SO-2" in stop.message
            assert session.acknowledge().kind is V.ACKNOWLEDGED
            # Online now: SO-1 is nobody's, so it opens and is claimed at once.
            assert session.handle_scan("SO-1").kind is V.ORDER_OPENED
            assert worker.settle() and worker.online()
            [taken] = order_events(store, "claim_taken")
            assert taken.order_id == order_id(central, "SO-1") and taken.fence is not None
            # bench-1 lets SO-2 go; bench-2's mirror still says bench-1 has it. The refusal
            # makes bench-2 ask the central database, so the next scan opens it.
            assert session.park().kind is V.ORDER_PARKED
            release_order(central_engine(one), held)
            assert session.handle_scan("SO-2").kind is V.ORDER_CLAIMED_ELSEWHERE
            assert worker.settle()
            assert session.handle_scan("SO-2").kind is V.ORDER_OPENED
            assert worker.settle()
            # Parked, and the station closes at once: the release still goes out.
            assert session.park().kind is V.ORDER_PARKED
            worker.stop()
    with psycopg.connect(central.admin_url) as db:
        rows = db.execute(
            "SELECT o.number, c.station, c.released_at IS NOT NULL FROM order_claim c "
            "JOIN orders o ON o.id = c.order_id ORDER BY o.number"
        ).fetchall()
    assert rows == [("SO-1", "bench-2", True), ("SO-2", "bench-2", True)]
    # The scan made before the order left stays recorded at bench-2.
    with store.session() as db:
        assert db.exec(select(ScanEvent).where(ScanEvent.verdict == "ok")).all()


class Forwarder:
    """A TCP forwarder from `port` to the cluster: the network coming back."""

    def __init__(self, port: int, target: int) -> None:
        self._listener = socket.create_server(("127.0.0.1", port))
        self._target = target
        self._sockets: list[socket.socket] = [self._listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def __enter__(self) -> Forwarder:
        return self

    def __exit__(self, *_exc: object) -> None:
        for sock in self._sockets:
            # shutdown() wakes the threads blocked in accept() and recv(); close() does not.
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self._target))
            self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass


def test_a_bench_restarted_after_its_lease_lapsed_finds_who_took_its_open_order(
    central: Central, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    warehouse(central, tmp_path)
    one, two = central.add_station("bench-1"), central.add_station("bench-2")
    with station(tmp_path, "bench-1", one) as (session, worker, store):
        # An order imported at this bench only: nobody else can pack it, nothing to claim.
        add_order(store, "LOCAL-1", {"MUG-350": 1})
        assert session.handle_scan("LOCAL-1").kind is V.ORDER_OPENED
        assert worker.settle() and worker.online()
        assert session.park().kind is V.ORDER_PARKED
        assert not [record for record in caplog.records if record.levelname == "ERROR"]

        assert session.handle_scan("SO-1").kind is V.ORDER_OPENED
        assert worker.settle()
        worker.stop()  # the station dies with SO-1 open: nothing is released
        with psycopg.connect(central.admin_url) as db:  # ...and its lease runs out
            db.execute("UPDATE order_claim SET expires_at = now() - interval '1 second'")
        assert claim_order(central_engine(two), order_id(central, "SO-1")).held_by("bench-2")

        with bench_claims(session, one) as restarted:  # the station starts again
            assert restarted.settle()  # the order open at its start is claimed at once
            stop = session.recheck_claim()
        assert stop is not None and stop.kind is V.ORDER_CLAIMED_ELSEWHERE
        assert "SO-1 IS BEING PACKED AT bench-2" in stop.message


def test_the_open_order_s_claim_is_renewed_while_it_stays_open(
    central: Central, tmp_path: Path
) -> None:
    warehouse(central, tmp_path)
    url = central.add_station("bench-1")

    def expires() -> tuple[datetime, int]:
        with psycopg.connect(central.admin_url) as db:
            row = db.execute("SELECT expires_at, fence FROM order_claim").fetchone()
        assert row is not None
        return row[0], row[1]

    # A 3 s lease is renewed every second, by the clock, even while tasks keep coming (the
    # settle markers below); a renewal keeps the fencing number.
    with station(tmp_path, "bench-1", url, lease_s=3) as (session, worker, _store):
        assert session.handle_scan("SO-1").kind is V.ORDER_OPENED
        assert worker.settle()
        first_expiry, fence = expires()
        deadline = time.monotonic() + 20
        while expires()[0] == first_expiry and time.monotonic() < deadline:
            worker.settle()
        later_expiry, later_fence = expires()
        assert later_expiry > first_expiry and later_fence == fence


def test_an_order_is_not_sealed_before_the_central_database_grants_its_claim(
    central: Central, tmp_path: Path
) -> None:
    warehouse(central, tmp_path)
    url = central.add_station("bench-1")
    mugs = f"{MUG_UPC}\n{MUG_UPC}"

    def hold_up(number: str) -> psycopg.Connection[tuple[object, ...]]:
        """An admin transaction writing bench-2's claim on the order, not yet committed:
        bench-1's claim waits for it (the claim's round trip, made as long as we like)."""
        admin = psycopg.connect(central.admin_url)
        admin.execute(
            "INSERT INTO order_claim (order_id, station, fence, claimed_at, expires_at) "
            "VALUES (%s, 'bench-2', nextval('order_claim_fence'), now(), now() + '120 s')",
            (order_id(central, number),),
        )
        return admin

    # Never counted as a stalled link here: the test decides when the answer comes.
    with station(tmp_path, "bench-1", url, stall_s=3600) as (session, worker, store):
        assert worker.settle() and worker.online()
        with hold_up("SO-1") as admin:
            assert session.handle_scan("SO-1").kind is V.ORDER_OPENED
            assert [session.handle_scan(code).kind for code in mugs.split()] == [
                V.OK,
                V.ORDER_NEEDS_CLAIM,  # the last unit counts; the parcel waits for the claim
            ]
            again = session.handle_scan("CMD-SEAL")
            assert again.kind is V.ORDER_NEEDS_CLAIM and "NOT SEALED YET" in again.message
            assert session.view().order is not None and parcels(store) == 0
            admin.commit()  # bench-2 won
        assert worker.settle()
        lost = session.handle_scan("CMD-SEAL")
        assert lost.kind is V.ORDER_CLAIMED_ELSEWHERE and "AT bench-2" in lost.message
        assert session.acknowledge().kind is V.ACKNOWLEDGED

        with hold_up("SO-2") as admin:
            assert session.handle_scan("SO-2").kind is V.ORDER_OPENED
            session.handle_scan(MUG_UPC)
            assert session.handle_scan(MUG_UPC).kind is V.ORDER_NEEDS_CLAIM
            admin.rollback()  # nobody else: bench-1's claim is granted
        assert worker.settle()
        assert session.handle_scan("CMD-SEAL").kind is V.ORDER_COMPLETE
        assert parcels(store) == 1
    # Link down: the offline rules apply, the packer is not kept waiting.
    with station(tmp_path / "offline", "bench-1", url, claims_url=nowhere()) as (
        session,
        worker,
        store,
    ):
        assert worker.settle() and not worker.online()
        assert session.handle_scan("SO-2").kind is V.ORDER_OPENED
        session.handle_scan(MUG_UPC)
        assert session.handle_scan(MUG_UPC).kind is V.ORDER_COMPLETE
        assert parcels(store) == 1


def test_a_replay_waits_for_the_claim_s_answer_before_its_next_line(
    central: Central, tmp_path: Path
) -> None:
    warehouse(central, tmp_path)
    url = central.add_station("bench-1")
    admin = psycopg.connect(central.admin_url)
    admin.execute("LOCK TABLE order_claim IN EXCLUSIVE MODE")  # every claim waits for it

    def let_go_once_the_claim_waits() -> None:
        with psycopg.connect(central.admin_url, autocommit=True) as watcher:
            waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            while watcher.execute(waiting).fetchone() != (1,):
                pass
        admin.rollback()

    with station(tmp_path, "bench-1", url, stall_s=3600) as (session, worker, store):
        assert worker.settle() and worker.online()
        freeing = threading.Thread(target=let_go_once_the_claim_waits)
        freeing.start()
        out = io.StringIO()
        replay(session, ["SO-1", MUG_UPC, MUG_UPC], out)
        freeing.join(timeout=30)
    admin.close()
    verdicts = [json.loads(line)["verdict"] for line in out.getvalue().splitlines()]
    assert verdicts == ["order_opened", "ok", "order_complete"]
    assert parcels(store) == 1
