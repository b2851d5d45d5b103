"""Two docks scan one parcel at the same moment, online: the central database picks one load."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import psycopg
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from devices.pdf.manifest import render_manifest_pdf
from station import queries
from station.central.connect import central_engine
from station.couriers.plan import CourierBook
from station.handoff import loads
from station.handoff.central import decide_load
from station.handoff.closing import Handover, close_load
from station.handoff.decide_worker import dock_decisions
from station.handoff.dock_state import LoadAnswer
from station.handoff.replay_lines import dock_replay
from station.settings import Settings
from station.store import Store
from station.sync.exchange import sync_once
from station.sync.settings import Central as CentralSettings
from tests.central.cluster import free_port
from tests.central.conftest import Central
from tests.central.test_bench_claims import Forwarder
from tests.central.test_handoff_dock_mirror import DHL, dock
from tests.helpers.factory import Bench
from tests.helpers.sealed import seal_orders
from ui.loading.controller import LoadingController


def test_two_docks_scanning_one_parcel_at_once_put_it_on_one_load(
    central: Central, tmp_path: Path
) -> None:
    bench_url = central.add_station("bench-1")
    urls = {name: central.add_station(name) for name in ("dock-1", "dock-2")}
    bench = Store.open(tmp_path / "bench-1")
    seal_orders(bench, "bench-1", 1)
    sync_once(bench_url, bench, "bench-1")
    stores = {name: Store.open(tmp_path / name) for name in urls}
    sessions = {}
    for name, store in stores.items():
        sync_once(urls[name], store, name)
        sessions[name] = dock(store, name)
        for line in ("CMD-LOAD", "DHL Express"):
            sessions[name].handle_scan(line)

    stops: dict[str, list[LoadAnswer]] = {name: [] for name in urls}
    answers: dict[str, str] = {}
    together = threading.Barrier(2)

    def scan(name: str) -> None:
        together.wait()
        answers[name] = sessions[name].handle_scan(DHL).kind.value

    with (
        dock_decisions(sessions["dock-1"], urls["dock-1"]) as one,
        dock_decisions(sessions["dock-2"], urls["dock-2"]) as two,
    ):
        one.on_taken_off(stops["dock-1"].append)
        two.on_taken_off(stops["dock-2"].append)
        threads = [threading.Thread(target=scan, args=(name,)) for name in urls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert one.settle() and two.settle()
        assert one.online() and two.online()

    # Each dock said `loaded` at once (no scan waits for the network)...
    assert answers == {"dock-1": "loaded", "dock-2": "loaded"}
    # ...and the central answer took it off exactly one, with a stop naming the other.
    [loser] = [name for name, heard in stops.items() if heard]
    [winner] = [name for name in urls if name != loser]
    [stop] = stops[loser]
    assert stop.kind == "loaded_elsewhere" and winner in stop.verdict.message
    assert stop.count == 0 and sessions[loser].state.count == 0
    assert sessions[winner].state.count == 1
    # The loser's dock scans it again: already on the winner's load.
    sessions[loser].handle_scan("CMD-ACK")
    again = sessions[loser].handle_scan(DHL).verdict
    assert again.kind == "already_loaded" and winner in again.message

    closed = {
        name: close_load(
            sessions[name], Handover("Dee"), tmp_path / name, render_manifest_pdf
        ).parcels
        for name in urls
    }
    assert closed == {winner: 1, loser: 0}
    for name, store in stores.items():
        sync_once(urls[name], store, name)
    with psycopg.connect(central.admin_url) as db:
        assert db.execute("SELECT central_record_load_conflicts()").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM handoff_conflict").fetchone() == (0,)
    for store in (*stores.values(), bench):
        store.close()


def test_a_replayed_dock_waits_for_the_central_answer_and_says_loaded_elsewhere(
    central: Central, tmp_path: Path
) -> None:
    bench_url = central.add_station("bench-1")
    urls = {name: central.add_station(name) for name in ("dock-1", "dock-2")}
    bench = Store.open(tmp_path / "bench-1")
    seal_orders(bench, "bench-1", 1)
    sync_once(bench_url, bench, "bench-1")
    stores = {name: Store.open(tmp_path / name) for name in urls}
    for name, store in stores.items():
        sync_once(urls[name], store, name)
    first = dock(stores["dock-1"], "dock-1")
    with dock_decisions(first, urls["dock-1"]) as decider:
        for line in ("CMD-LOAD", "DHL Express", DHL):
            first.handle_scan(line)
        assert decider.settle() and first.state.count == 1

    # dock-2 is a replay with the central database configured (as main.py replay builds it).
    settings = Settings(station="dock-2", central=CentralSettings(urls["dock-2"]))
    pack = Bench(stores["dock-2"], tmp_path / "dock-2", settings).session("dock-2")
    replayed = dock_replay(pack, CourierBook.load(), tmp_path / "dock-2", render_manifest_pdf)
    try:
        answers = [replayed.answer(line) for line in ("CMD-LOAD", "DHL Express", DHL)]
    finally:
        replayed.close()
        pack.close()
    assert answers[-1]["verdict"] == "loaded_elsewhere" and "dock-1" in answers[-1]["message"]
    assert answers[-1]["scan"] == DHL  # the line it answers
    assert answers[-1]["count"] == 0
    for store in (*stores.values(), bench):
        store.close()


def test_a_dock_cut_off_loads_at_once_and_takes_the_parcel_off_when_the_link_is_back(
    central: Central, tmp_path: Path
) -> None:
    bench_url = central.add_station("bench-1")
    urls = {name: central.add_station(name) for name in ("dock-1", "dock-2")}
    bench = Store.open(tmp_path / "bench-1")
    seal_orders(bench, "bench-1", 1)
    sync_once(bench_url, bench, "bench-1")
    stores = {name: Store.open(tmp_path / name) for name in urls}
    for name, store in stores.items():
        sync_once(urls[name], store, name)
    # dock-2's link goes through a port where nothing listens yet.
    port = free_port()
    role = make_url(urls["dock-2"]).username
    with central.pgpass.open("r+", encoding="utf-8") as pgpass:  # its password on that port too
        [line] = [line for line in pgpass if f":{role}:" in line]
        pgpass.write(line.replace(f":{central.cluster.port}:", f":{port}:"))
    cut_off = f"postgresql://{role}@127.0.0.1:{port}/{central.database}"

    second = dock(stores["dock-2"], "dock-2")
    with dock_decisions(second, cut_off, retry_s=0.2) as decider:
        stops: list[LoadAnswer] = []
        heard = threading.Event()

        def taken_off(answer: LoadAnswer) -> None:
            stops.append(answer)
            heard.set()

        decider.on_taken_off(taken_off)
        for line in ("CMD-LOAD", "DHL Express"):
            second.handle_scan(line)
        assert second.handle_scan(DHL).kind.value == "loaded"  # never waits for the network
        assert decider.settle() and not decider.online()
        decider.wait_for_all()  # a close meanwhile would not wait: the link is known down
        # dock-1, online, loads the same parcel: the central database gives it dock-1's load.
        first = dock(stores["dock-1"], "dock-1")
        with dock_decisions(first, urls["dock-1"]) as one:
            for line in ("CMD-LOAD", "DHL Express", DHL):
                first.handle_scan(line)
            assert one.settle() and first.state.count == 1
        with Forwarder(port, central.cluster.port):  # the link is back: asked again
            assert heard.wait(timeout=20) and decider.online()
    [stop] = stops
    assert stop.kind == "loaded_elsewhere" and "dock-1" in stop.verdict.message
    assert second.state.count == 0
    for store in (*stores.values(), bench):
        store.close()


def test_a_dock_window_closed_with_a_close_still_queued_closes_with_the_central_answers(
    central: Central, tmp_path: Path, qtbot: QtBot
) -> None:
    bench_url = central.add_station("bench-1")
    url, other_url = central.add_station("dock-1"), central.add_station("dock-2")
    bench = Store.open(tmp_path / "bench-1")
    seal_orders(bench, "bench-1", 1)
    sync_once(bench_url, bench, "bench-1")
    store = Store.open(tmp_path / "dock-1")
    sync_once(url, store, "dock-1")
    controller = LoadingController(dock(store, "dock-1"), tmp_path / "dock-1", render_manifest_pdf)
    controller.use_central(url)
    for line in ("CMD-LOAD", "DHL Express", DHL):
        controller.scan(line)
    controller.close(Handover("Dee"), {})

    controller.shutdown()  # the window closes with all of it still queued

    # The close went through, after the central database had put the parcel on this
    # dock's load: another dock asking for it now is told it is dock-1's.
    with bench.session() as db:
        parcel = queries.parcel_by_tracking(db, DHL)  # sealed at the bench, mirrored here
    assert parcel is not None
    with store.session() as db:
        load = loads.load_of_parcel(db, parcel.id)
        assert load is not None and loads.closing_of(db, load.id) is not None
    engine = central_engine(other_url)
    try:
        assert decide_load(engine, parcel.id, uuid.uuid4()).station == "dock-1"
    finally:
        engine.dispose()
    for each in (store, bench):
        each.close()
