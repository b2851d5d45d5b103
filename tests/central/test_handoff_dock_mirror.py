"""A dock PC loads parcels sealed at other stations, from the mirror its sync pulls."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from sqlmodel import select

from devices.pdf.manifest import render_manifest_pdf
from station import queries
from station.couriers.plan import CourierBook
from station.event_sequence import SeqCounter
from station.handoff import loads, mirror_pull
from station.handoff.closing import Handover, close_load, not_loaded
from station.handoff.commands import load_json
from station.handoff.engine import LoadingSession
from station.handoff.loads import uncollected
from station.handoff.warehouse import remember
from station.models import OrderEvent, Parcel, PrintJob, utc_now
from station.settings import Labels, Settings
from station.store import Store
from station.sync.exchange import sync_once
from tests.central.conftest import Central
from tests.helpers.sealed import seal_orders

DHL = "JJDSO0000000101"  # SO-000001, DHL Express
POSTNL = "JJDSO0000000201"  # SO-000002, PostNL
UPS = "JJDSO0000000301"  # SO-000003, UPS


def dock(
    store: Store, station: str, labels: Labels | None = None, warehouse: str = "main"
) -> LoadingSession:
    with store.session() as db:
        seq = SeqCounter(queries.next_seq(db, station))
    settings = Settings(station=station, labels=labels or Labels(), warehouse=warehouse)
    return LoadingSession(store, settings, CourierBook.load(), seq)


def bench_event(store: Store, tracking: str, kind: str, reason: str = "", note: str = "") -> None:
    """What the bench's exception queue or void writes for the parcel's order."""
    with store.session() as db:
        parcel = queries.parcel_by_tracking(db, tracking)
        assert parcel is not None
        seq = queries.next_seq(db, parcel.station)
        db.add(
            OrderEvent(
                station=parcel.station,
                seq=seq,
                order_id=parcel.order_id,
                kind=kind,
                reason=reason,
                note=note,
            )
        )
        db.commit()


def test_a_dock_loads_other_stations_parcels_from_its_mirror_offline_too(
    central: Central, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench_url, dock_url = central.add_station("bench-1"), central.add_station("dock-1")
    bench = Store.open(tmp_path / "bench-1")
    seal_orders(bench, "bench-1", 3, sealed_at=utc_now() - timedelta(minutes=10))
    bench_event(bench, UPS, "order_cancelled", reason="customer called")
    assert sync_once(bench_url, bench, "bench-1").reached
    data_dir = tmp_path / "dock-1"
    store = Store.open(data_dir)
    with store.session() as db:  # the dock sealed nothing itself
        assert queries.first(db, select(Parcel)) is None
    assert sync_once(dock_url, store, "dock-1").reached

    # The link is gone now: every verdict comes from the mirror.
    loading = dock(store, "dock-1")
    for line in ("CMD-LOAD", "DHL Express"):
        loading.handle_scan(line)
    loaded = loading.handle_scan(DHL).verdict
    assert (loaded.kind, loaded.tracking) == ("loaded", DHL)
    wrong = loading.handle_scan(POSTNL).verdict
    assert wrong.kind == "wrong_courier" and "PostNL" in wrong.message
    loading.handle_scan("CMD-ACK")
    again = loading.handle_scan(DHL).verdict
    assert again.kind == "already_loaded"

    answer = close_load(loading, Handover("Dee Driver"), data_dir, render_manifest_pdf)
    assert answer.parcels == 1
    manifest = Path(str(answer.manifest)).with_suffix(".csv").read_text(encoding="utf-8")
    assert DHL in manifest
    # Its order was imported at its bench only: the number comes with the mirror all the same.
    listed = json.loads(Path(str(answer.manifest)).with_suffix(".json").read_text("utf-8"))
    assert [(p["tracking"], p["order"]) for p in listed["parcels"]] == [(DHL, "SO-000001")]

    # Never collected (the supervisor's list): the bench's other parcels, with their orders.
    with store.session() as db:
        pending = uncollected(db, timedelta(0), utc_now())
    assert [(p.tracking, p.courier) for p in pending] == [(POSTNL, "PostNL"), (UPS, "UPS")]

    # Cancelled at its bench: not ready at the dock, saying why.
    ups = dock(store, "dock-1")
    for line in ("CMD-LOAD", "UPS"):
        ups.handle_scan(line)
    cancelled = ups.handle_scan(UPS).verdict
    assert cancelled.kind == "not_ready" and "customer called" in cancelled.message
    assert "Order SO-000003 was cancelled" in cancelled.message

    # Weeks later the mirror has let the bench's parcels go, but not those on this dock's
    # loads: `handoff show` still lists what the manifest lists (a courier's dispute).
    monkeypatch.setattr(mirror_pull, "KEEP", timedelta(0))
    mirror_pull.apply_changes(store, mirror_pull.MirrorChanges())
    with store.session() as db:
        load = loads.find_load(db, str(answer.load))
        assert load is not None
        shown = load_json(db, load)
    assert [(p["tracking"], p["order"]) for p in shown["parcels"]] == [(DHL, "SO-000001")]
    with store.session() as db:
        assert uncollected(db, timedelta(0), utc_now()) == []  # the others are let go
    store.close()
    bench.close()


def test_the_mirror_follows_voids_scan_backs_and_other_docks_loads(
    central: Central, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mirror_pull, "SLICE", 2)  # written in several short transactions
    bench_url = central.add_station("bench-1")
    one_url, two_url = central.add_station("dock-1"), central.add_station("dock-2")
    bench = Store.open(tmp_path / "bench-1")
    seal_orders(bench, "bench-1", 2)
    sync_once(bench_url, bench, "bench-1")
    one, two = Store.open(tmp_path / "dock-1"), Store.open(tmp_path / "dock-2")
    sync_once(one_url, one, "dock-1")
    sync_once(two_url, two, "dock-2")

    # Scan-back required: the bench never scanned the label back.
    strict = dock(one, "dock-1", Labels(scan_back="required"))
    for line in ("CMD-LOAD", "PostNL"):
        strict.handle_scan(line)
    missing = strict.handle_scan(POSTNL).verdict
    assert missing.kind == "not_ready" and "never scanned back at bench-1" in missing.message

    # dock-2 loads the DHL parcel and syncs; dock-1 learns it at its next sync.
    second = dock(two, "dock-2")
    for line in ("CMD-LOAD", "DHL Express", DHL):
        second.handle_scan(line)
    sync_once(two_url, two, "dock-2")
    # The bench voids the PostNL label (a new one replaces it) and syncs.
    with bench.session() as db:  # the new number, and the new label's print job
        parcel = queries.parcel_by_tracking(db, POSTNL)
        assert parcel is not None
        parcel.tracking = "JJDSO0000000299"
        job = PrintJob(
            station="bench-1",
            seq=queries.next_seq(db, "bench-1"),
            parcel_id=parcel.id,
            content_json="{}",
        )
        db.add_all([parcel, job])
        db.commit()
    bench_event(bench, "JJDSO0000000299", "label_voided", note=f"{POSTNL} -> JJDSO0000000299")
    sync_once(bench_url, bench, "bench-1")
    sync_once(one_url, one, "dock-1")

    strict.handle_scan("CMD-ACK")
    void = strict.handle_scan(POSTNL).verdict
    assert void.kind == "not_ready" and "voided" in void.message
    assert "JJDSO0000000299" in void.message
    strict.handle_scan("CMD-ACK")
    close_load(
        strict, Handover("Dee"), tmp_path / "dock-1", render_manifest_pdf, default_reason="later"
    )
    for line in ("CMD-LOAD", "DHL Express"):
        strict.handle_scan(line)
    elsewhere = strict.handle_scan(DHL).verdict
    assert elsewhere.kind == "already_loaded" and "dock-2, still open" in elsewhere.message
    for store in (one, two, bench):
        store.close()


def test_a_docks_lists_are_its_warehouses(central: Central, tmp_path: Path) -> None:
    urls = {name: central.add_station(name) for name in ("north-1", "south-1", "dock-n")}
    sealed_at = utc_now() - timedelta(minutes=10)
    for name, prefix in (("north-1", "NO"), ("south-1", "SU")):
        bench = Store.open(tmp_path / name)
        remember(bench, name, name.split("-")[0])  # as the window does from [station] warehouse
        seal_orders(bench, name, 2, prefix=prefix, sealed_at=sealed_at)
        sync_once(urls[name], bench, name)
        bench.close()
    store = Store.open(tmp_path / "dock-n")
    remember(store, "dock-n", "north")
    sync_once(urls["dock-n"], store, "dock-n")

    loading = dock(store, "dock-n", warehouse="north")
    for line in ("CMD-LOAD", "DHL Express"):
        loading.handle_scan(line)
    # The close lists north's DHL parcel only; south's is another dock's business.
    assert [p.tracking for p in not_loaded(loading)] == ["JJDNO0000000101"]
    # South's parcel still loads here if it turns up (the verdicts do not change).
    assert loading.handle_scan("JJDSU0000000101").kind == "loaded"
    with store.session() as db:
        north = uncollected(db, timedelta(0), utc_now(), warehouse="north")
        every = uncollected(db, timedelta(0), utc_now())
    assert [p.tracking for p in north] == ["JJDNO0000000101", "JJDNO0000000201"]
    assert len(every) == 4  # south's too (one is on this load, which is still open)
    with psycopg.connect(central.admin_url) as db:
        rows = db.execute("SELECT * FROM station_warehouse ORDER BY station").fetchall()
        rows = [(station, warehouse) for station, warehouse, _at in rows]
    assert rows == [("dock-n", "north"), ("north-1", "north"), ("south-1", "south")]
    store.close()
