"""The courier of each parcel: shown while packing, on the label, or the label held with why."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from station.couriers.plan import CourierBook
from station.couriers.range_admin import add_station_range
from station.labels import LabelContent
from station.models import Order, PrintJob
from station.verdicts import VerdictKind
from tests.helpers.factory import MUG_UPC, TAPE_EAN, Bench, add_order, standard_bench

V = VerdictKind
BOOK = CourierBook.load()


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    return standard_bench(tmp_path)


def set_order(bench: Bench, number: str, **fields: object) -> None:
    with bench.store.session() as db:
        order = db.exec(select(Order).where(Order.number == number)).one()
        for name, value in fields.items():
            setattr(order, name, value)
        db.add(order)
        db.commit()


def labels(bench: Bench) -> list[LabelContent]:
    with bench.store.session() as db:
        return [LabelContent.from_json(j.content_json) for j in db.exec(select(PrintJob))]


def test_the_pack_screen_shows_the_courier_and_the_rule_that_chose_it(bench: Bench) -> None:
    session = bench.session()
    session.handle_scan("BADGE-P1")
    session.handle_scan("SO-1")
    order = session.view().order
    assert order is not None
    assert (order.courier, order.service) == ("Stadtkurier Berlin", "Same day")
    assert 'rule 1 "Berlin same day"' in order.courier_reason


def test_an_order_naming_a_known_courier_gets_its_numbers_label_and_sort_code(
    bench: Bench,
) -> None:
    set_order(bench, "SO-1", courier="HansePost", service="paket", ship_to_postcode="20095")
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, "036000291452", "4006381333931"):
        verdict = session.handle_scan(scan)
    assert verdict.kind is V.ORDER_COMPLETE
    hansepost = BOOK.profiles["hansepost"]
    assert verdict.tracking and hansepost.tracking.is_valid(verdict.tracking)
    (label,) = labels(bench)
    assert (label.courier, label.service, label.sort_code) == ("HansePost", "Paket", "LZ2")
    assert label.size == "100x150"


def test_an_order_missing_what_its_courier_requires_cannot_be_opened_until_corrected(
    bench: Bench,
) -> None:
    from station.address import correct_address

    set_order(bench, "SO-2", ship_to_phone=None)  # Berlin same day requires a phone number
    session = bench.session()
    session.handle_scan("BADGE-P1")
    refused = session.handle_scan("SO-2")
    assert refused.kind is V.LABEL_BLOCKED and refused.tone.value == "error"
    assert "Order SO-2 cannot be packed" in refused.message
    assert "Stadtkurier Berlin requires the recipient's phone number" in refused.message
    assert session.view().order is None  # not opened: nothing can be counted
    assert session.handle_scan(TAPE_EAN).kind is V.NO_ORDER_OPEN
    with bench.store.session() as db:
        change = correct_address(
            db, "SO-2", {"ship_to_phone": "+49 30 555"}, "BADGE-S1", station="bench-1"
        )
    assert change.old == {"ship_to_phone": None} and not change.sealed
    assert session.handle_scan("SO-2").kind is V.ORDER_OPENED
    session.handle_scan(TAPE_EAN)
    assert session.handle_scan("10036000291459").kind is V.ORDER_COMPLETE
    (label,) = labels(bench)
    assert label.ship_to.phone == "+49 30 555"


def test_a_station_out_of_numbers_says_so_and_prints_once_a_range_is_added(
    tmp_path: Path,
) -> None:
    bench = standard_bench(tmp_path)
    add_order(bench.store, "SO-NEW", {"TAPE-48": 1})
    session = bench.session("bench-7")  # a bench IT has not given numbers yet
    for scan in ("BADGE-P1", "SO-NEW"):
        session.handle_scan(scan)
    held = session.handle_scan(TAPE_EAN)
    assert held.kind is V.LABEL_BLOCKED
    assert "main.py ranges add citycourier" in held.message
    with bench.store.session() as db:
        add_station_range(db, "bench-7", BOOK, "citycourier", 900_000, 900_999)
        db.commit()
    sealed = session.seal()
    assert sealed.kind is V.ORDER_COMPLETE and sealed.tracking


def test_an_order_with_its_own_tracking_number_keeps_its_courier(bench: Bench) -> None:
    session = bench.session()
    for scan in ("BADGE-P1", "SO-3"):
        session.handle_scan(scan)
    done = session.handle_scan(TAPE_EAN)
    assert done.tracking == "1Z999AA10123456784"
    (label,) = labels(bench)
    assert label.courier == "DHL Express"


def test_the_packer_is_told_when_the_stations_numbers_run_low(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path)
    add_order(bench.store, "SO-NEW", {"TAPE-48": 1})
    with bench.store.session() as db:
        add_station_range(db, "bench-7", BOOK, "citycourier", 900_000, 900_009)
        db.commit()
    session = bench.session("bench-7")
    for scan in ("BADGE-P1", "SO-NEW"):
        session.handle_scan(scan)
    done = session.handle_scan(TAPE_EAN)
    assert done.kind is V.ORDER_COMPLETE and done.tracking
    assert "Only 9 Stadtkurier Berlin tracking numbers left here" in done.message
