"""Supervisor figures on a store packed through the real engine, with known mistakes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from station.device_urls import Role, parse_device_url
from station.session import ExceptionReason, PackSession
from station.settings import Devices, Labels, Settings
from station.store import DB_NAME
from station.supervisor.drill import order_trail, orders_behind
from station.supervisor.figures import (
    Filter,
    accuracy_per_day,
    exception_reasons,
    figures,
    mistake_pareto,
    orders_per_hour_of_day,
)
from station.supervisor.period import Period
from station.verdicts import VerdictKind
from tests.helpers.factory import (
    CABLE_EAN,
    MUG_UPC,
    STRANGER_EAN,
    TAPE_EAN,
    Bench,
    add_order,
    standard_bench,
)
from tests.helpers.supervisor import approver
from tests.station.test_query_plans import full_scans, recorded_reads

V = VerdictKind
BERLIN = ZoneInfo("Europe/Berlin")
WEEKEND = Period(date(2026, 3, 28), date(2026, 3, 30), BERLIN)
SCALE = parse_device_url("scale+serial:///dev/ttyUSB0?protocol=mt-sics", Role.SCALE)
RIGHT_G = 455  # two mugs and a cable of 100 g in a 150 g box


def pack(session: PackSession, order: str, *scans: str, grams: int = RIGHT_G) -> str:
    """Open, scan, weigh and scan the label back; returns the tracking number."""
    for scan in (order, *scans):
        verdict = session.handle_scan(scan)
        if verdict.kind in (V.WRONG_ITEM, V.UNKNOWN_BARCODE, V.OVER_SCAN):
            session.acknowledge()
    assert verdict.kind is V.ORDER_COMPLETE, verdict
    weighed = session.handle_weight(grams)
    assert weighed is not None
    sealed = session.wait_for_label(weighed)
    assert sealed.tracking, sealed
    assert session.handle_scan(sealed.tracking).kind is V.LABEL_VERIFIED
    return sealed.tracking


def pack_known_day(data_dir: Path) -> Bench:
    """Ana at bench-1 and Ben at bench-2, with these mistakes caught:

    Ana: SO-1 a wrong item, an unknown barcode, a wrong weight and a wrong label;
         SO-10 an over-scan; SO-11 clean. A reprint; SO-16 flagged as damaged.
    Ben: SO-12 a wrong item; SO-13 clean (its label voided); SO-14 shipped short.
    """
    settings = Settings(
        station="bench-1",
        devices=Devices(scale=SCALE),
        labels=Labels(scan_back="required"),
        supervisor_pin=False,  # the badge alone approves the short shipment
    )
    bench = standard_bench(data_dir, settings)
    for n in range(10, 17):
        add_order(bench.store, f"SO-{n}", {"MUG-350": 2, "CABLE-USBC": 1})
    ana = bench.session("bench-1")
    ana.handle_scan("BADGE-P1")
    for scan in ("SO-1", STRANGER_EAN, "NOT-A-BARCODE", MUG_UPC, MUG_UPC, CABLE_EAN):
        if ana.handle_scan(scan).kind in (V.WRONG_ITEM, V.UNKNOWN_BARCODE):
            ana.acknowledge()
    assert ana.handle_weight(200) is not None  # wrong weight
    sealed = ana.wait_for_label(ana.handle_weight(RIGHT_G))  # type: ignore[arg-type]
    assert ana.handle_scan(MUG_UPC).kind is V.WRONG_LABEL
    assert sealed.tracking and ana.handle_scan(sealed.tracking).kind is V.LABEL_VERIFIED
    pack(ana, "SO-10", MUG_UPC, MUG_UPC, MUG_UPC, CABLE_EAN)
    pack(ana, "SO-11", MUG_UPC, CABLE_EAN, MUG_UPC)
    ana.reprint_label("torn")
    ana.handle_scan("SO-16")
    ana.flag_exception(ExceptionReason.DAMAGED)
    ana.wait_for_printer()
    ana.close()

    ben = bench.session("bench-2")
    ben.handle_scan("BADGE-P2")
    pack(ben, "SO-12", MUG_UPC, STRANGER_EAN, MUG_UPC, CABLE_EAN)
    smudged = pack(ben, "SO-13", MUG_UPC, MUG_UPC, CABLE_EAN)
    ben.handle_scan("SO-14")
    ben.handle_scan(MUG_UPC)
    ben.request_short_ship("out of stock")
    weighed = ben.handle_weight(250) if ben.handle_scan("BADGE-S1") else None
    assert weighed is not None
    short = ben.wait_for_label(weighed)
    assert short.tracking and ben.handle_scan(short.tracking).kind is V.LABEL_VERIFIED
    ben.void_label(smudged, "smudged", approver(bench.store))
    ben.wait_for_printer()
    ben.close()
    on_known_clocks(bench)
    return bench


# Each station's inputs 20 seconds apart (by the station's numbering) from a
# known local time: Ana's the day before the clocks go forward in Berlin, Ben's
# the day after (so the days have different UTC offsets, and the day between
# has nothing), each well within one clock hour.
STARTS = {
    "bench-1": datetime(2026, 3, 28, 8, 0, tzinfo=BERLIN),
    "bench-2": datetime(2026, 3, 30, 13, 0, tzinfo=BERLIN),
}
EVENT_TABLES = ("scanevent", "orderevent", "parcel", "printjob", "printattempt")


def on_known_clocks(bench: Bench) -> None:
    with bench.store.engine.begin() as connection:
        for station, start in STARTS.items():
            base = start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
            for table in EVENT_TABLES:
                connection.exec_driver_sql(
                    f"UPDATE {table} "
                    "SET created_at = datetime(?, '+' || (seq * 20) || ' seconds') "
                    "WHERE station = ?",
                    (base, station),
                )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    bench = pack_known_day(tmp_path_factory.mktemp("known-day"))
    with bench.store.session() as session:
        yield session
    bench.store.close()


NO_MISTAKES = {
    "wrong_item": 0,
    "over_scan": 0,
    "unknown_barcode": 0,
    "wrong_weight": 0,
    "wrong_label": 0,
}


def test_each_packer_s_orders_units_mistakes_and_events_are_counted_exactly(db: Session) -> None:
    rows = {row.packer: row.as_json() for row in figures(db, WEEKEND, "packer")}
    assert set(rows) == {"BADGE-P1", "BADGE-P2"}
    ana, ben = rows["BADGE-P1"], rows["BADGE-P2"]
    assert (ana["packer_name"], ana["orders"], ana["units"], ana["orders_with_mistakes"]) == (
        "Ana",
        3,
        9,
        2,
    )
    assert ana["accuracy_pct"] == 33.33  # SO-11 alone had no mistake
    assert ana["mistakes"] == {
        "wrong_item": 1,
        "over_scan": 1,
        "unknown_barcode": 1,
        "wrong_weight": 1,
        "wrong_label": 1,
    }
    assert ana["mistakes_per_1000_units"]["wrong_label"] == 111.11  # 1 in 9 units
    assert (
        ana["exceptions_opened"],
        ana["labels_reprinted"],
        ana["labels_voided"],
        ana["short_shipments"],
    ) == (1, 1, 0, 0)
    assert (ben["orders"], ben["units"], ben["orders_with_mistakes"], ben["accuracy_pct"]) == (
        3,
        7,
        1,
        66.67,
    )
    assert ben["mistakes"] == NO_MISTAKES | {"wrong_item": 1}
    assert (
        ben["exceptions_opened"],
        ben["labels_reprinted"],
        ben["labels_voided"],
        ben["short_shipments"],
    ) == (0, 0, 1, 1)


def test_per_station_and_per_local_day_across_the_clock_change(db: Session) -> None:
    stations = {
        row.station: (row.orders, row.units, sum(row.mistakes.values()))
        for row in figures(db, WEEKEND, "station")
    }
    assert stations == {"bench-1": (3, 9, 5), "bench-2": (3, 7, 1)}
    days = {row.day: (row.orders, row.orders_with_mistakes) for row in figures(db, WEEKEND, "day")}
    assert days == {"2026-03-28": (3, 2), "2026-03-30": (3, 1)}
    saturday = Period(date(2026, 3, 28), date(2026, 3, 28), BERLIN)
    assert [row.packer for row in figures(db, saturday, "packer")] == ["BADGE-P1"]
    assert figures(db, Period(date(2026, 3, 29), date(2026, 3, 29), BERLIN), "packer") == []


def test_speed_is_orders_over_the_time_from_first_scan_to_seal(db: Session) -> None:
    ana = figures(db, WEEKEND, "packer", Filter(packer="BADGE-P1"))
    assert len(ana) == 1
    minutes = []
    for number in ("SO-1", "SO-10", "SO-11"):
        trail = order_trail(db, number, BERLIN)
        assert trail is not None
        minutes.append((trail.parcels[-1].at - trail.scans[0].at).total_seconds() / 60)
    assert all(m > 0 for m in minutes)
    assert ana[0].orders_per_hour == pytest.approx(3 / (sum(minutes) / 60))
    assert ana[0].units_per_hour == pytest.approx(9 / (sum(minutes) / 60))
    hours = {row.hour: row.orders for row in orders_per_hour_of_day(db, WEEKEND) if row.orders}
    assert hours == {8: 3, 13: 3}  # local shift hours of the seals
    assert orders_per_hour_of_day(db, WEEKEND)[8].orders_per_day == 1.0  # 3 orders, 3 days


def test_the_charts_accuracy_per_day_and_paretos(db: Session) -> None:
    per_day = [(day.day, day.orders, day.accuracy_pct) for day in accuracy_per_day(db, WEEKEND)]
    assert per_day == [
        ("2026-03-28", 3, pytest.approx(100 / 3)),
        ("2026-03-29", 0, None),
        ("2026-03-30", 3, pytest.approx(200 / 3)),
    ]
    pareto = mistake_pareto(db, WEEKEND)
    assert (pareto[0].kind, pareto[0].count) == ("wrong_item", 2)
    assert sorted(row.kind for row in pareto[1:]) == [
        "over_scan",
        "unknown_barcode",
        "wrong_label",
        "wrong_weight",
    ]
    assert [round(row.cumulative_pct, 1) for row in pareto] == [33.3, 50.0, 66.7, 83.3, 100.0]
    assert [(row.kind, row.count) for row in exception_reasons(db, WEEKEND)] == [("damaged", 1)]
    assert mistake_pareto(db, WEEKEND, Filter(station="bench-2"))[0].count == 1


def test_every_figure_leads_to_its_orders(db: Session) -> None:
    def numbers(figure: str, by: str | None = None, key: str | None = None) -> list[str]:
        return [ref.number for ref in orders_behind(db, WEEKEND, figure, by, key)]  # type: ignore[arg-type]

    assert numbers("orders", "packer", "BADGE-P1") == ["SO-1", "SO-10", "SO-11"]
    assert numbers("orders_with_mistakes") == ["SO-1", "SO-10", "SO-12"]
    assert numbers("mistakes.wrong_label") == ["SO-1"]  # scanned back after SO-1's seal
    assert numbers("mistakes.wrong_item", "station", "bench-2") == ["SO-12"]
    assert numbers("orders", "hour", "13") == ["SO-12", "SO-13", "SO-14"]
    assert numbers("exceptions_opened") == ["SO-16"]
    assert numbers("short_shipments") == ["SO-14"]
    assert numbers("labels_voided") == ["SO-13"]
    assert numbers("labels_reprinted") == ["SO-11"]
    with pytest.raises(ValueError):
        numbers("happiness")


def test_an_order_s_trail_has_every_scan_parcel_label_and_event(db: Session) -> None:
    trail = order_trail(db, "SO-1", BERLIN)
    assert trail is not None
    assert [scan.verdict for scan in trail.scans] == [
        "order_opened",
        "wrong_item",
        "acknowledged",
        "unknown_barcode",
        "acknowledged",
        "ok",
        "line_complete",
        "order_complete",
        "weight_mismatch",
        "weight_ok",
        "wrong_label",
        "label_verified",
    ]
    assert {scan.packer for scan in trail.scans} == {"BADGE-P1"}
    assert {scan.station for scan in trail.scans} == {"bench-1"}
    assert trail.scans[8].weight_g == 200
    (parcel,) = trail.parcels
    assert (parcel.parcel_no, parcel.parcel_count, parcel.weight_g, parcel.short) == (
        1,
        1,
        RIGHT_G,
        False,
    )
    assert [label.kind for label in parcel.labels] == ["label"]
    voided = order_trail(db, "SO-13", BERLIN)
    assert voided is not None
    assert [label.kind for label in voided.parcels[0].labels] == ["label", "replacement"]
    assert [(event.kind, event.reason) for event in voided.events] == [("label_voided", "smudged")]
    short = order_trail(db, "SO-14", BERLIN)
    assert short is not None and short.parcels[0].short
    assert [event.kind for event in short.events] == ["short_requested", "short_override"]
    assert short.events[-1].supervisor == "BADGE-S1"
    assert order_trail(db, "SO-404") is None


def test_no_figure_reads_a_big_table_whole(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path)
    session = bench.session()
    for scan in ("BADGE-P1", "SO-3", TAPE_EAN, "SO-1", STRANGER_EAN):
        session.handle_scan(scan)
    session.close()
    today = Period.today(UTC)
    with recorded_reads(bench.store) as reads, bench.store.session() as db:
        for by in ("packer", "station", "day"):
            assert figures(db, today, by, Filter(packer="BADGE-P1", station="bench-1"))
        assert orders_per_hour_of_day(db, today) and accuracy_per_day(db, today)
        assert mistake_pareto(db, today) and exception_reasons(db, today) == []
        for figure in ("orders", "units", "mistakes", "exceptions_resolved"):
            orders_behind(db, today, figure)
        assert order_trail(db, "SO-3") is not None
    assert full_scans(tmp_path / DB_NAME, reads) == {}
    bench.store.close()
