"""A restart resumes from the station's state row: same screen, same wait, bounded reads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event
from sqlmodel import col, select

from station.device_urls import Role, parse_device_url
from station.labels import LabelContent
from station.models import (
    Order,
    OrderEvent,
    OrderLine,
    Packer,
    Parcel,
    PrintAttempt,
    PrintJob,
    ScanEvent,
    StationState,
)
from station.session import PackSession
from station.settings import Devices, Settings
from station.store import Store
from station.verdicts import Awaiting, StationView, VerdictKind
from tests.helpers.factory import CABLE_EAN, MUG_UPC, STRANGER_EAN, Bench, add_order, standard_bench
from tests.helpers.supervisor import approver

V = VerdictKind
SCALE = parse_device_url("scale+serial:///dev/ttyUSB0?protocol=mt-sics", Role.SCALE)
ONE_MUG_SHORT_G = 355  # SO-1 weighs 450 g with its box
ROW_TYPES = (ScanEvent, OrderEvent, Parcel, PrintJob, PrintAttempt, Order, OrderLine, Packer)


def scale_bench(tmp_path: Path) -> Bench:
    return standard_bench(tmp_path, Settings(station="bench-1", devices=Devices(scale=SCALE)))


def restarted(bench: Bench, before: PackSession) -> PackSession:
    """The station as a new process finds it after `before` was killed."""
    before.close()
    return bench.session()


def test_a_station_killed_while_waiting_for_the_scale_resumes_with_the_weight_it_had(
    tmp_path: Path,
) -> None:
    bench = scale_bench(tmp_path)
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, CABLE_EAN, MUG_UPC):
        session.handle_scan(scan)
    wrong = session.handle_weight(ONE_MUG_SHORT_G)
    assert wrong is not None and wrong.kind is V.WEIGHT_MISMATCH

    session = restarted(bench, session)
    assert session.view().awaiting is Awaiting.WEIGHT
    shown = session.resume_verdict()
    assert shown is not None and (shown.kind, shown.message, shown.order) == (
        wrong.kind,
        wrong.message,
        "SO-1",
    )
    # The supervisor accepts the weight that was on the scale before the restart.
    accepted = session.wait_for_label(session.handle_scan("BADGE-S1"))
    assert accepted.kind is V.OVERRIDE and "355 g accepted by Sam" in accepted.message
    with bench.store.session() as db:
        job = db.exec(select(PrintJob).where(PrintJob.kind == "label")).one()
    assert LabelContent.from_json(job.content_json).weight_g == ONE_MUG_SHORT_G
    session.close()


def test_a_weight_is_stored_in_its_own_field_not_as_scan_text(tmp_path: Path) -> None:
    bench = scale_bench(tmp_path)
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, CABLE_EAN, MUG_UPC):
        session.handle_scan(scan)
    session.handle_weight(ONE_MUG_SHORT_G)
    with bench.store.session() as db:
        weighed = db.exec(select(ScanEvent).where(col(ScanEvent.weight_g).is_not(None))).one()
    assert (weighed.weight_g, weighed.source) == (ONE_MUG_SHORT_G, "scale")
    assert not weighed.raw.startswith("weight:")
    session.close()


def test_an_error_awaiting_acknowledgement_is_shown_again_after_a_restart(
    tmp_path: Path,
) -> None:
    bench = standard_bench(tmp_path)
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC):
        session.handle_scan(scan)
    wrong = session.handle_scan(STRANGER_EAN)
    assert wrong.kind is V.WRONG_ITEM

    session = restarted(bench, session)
    shown = session.resume_verdict()
    assert shown is not None and (shown.kind, shown.scan, shown.message) == (
        V.WRONG_ITEM,
        STRANGER_EAN,
        wrong.message,
    )
    assert session.view().order is not None and session.view().order.scanned == 1
    assert session.acknowledge().kind is V.ACKNOWLEDGED
    assert session.resume_verdict() is None  # scanning goes on: nothing to show again
    session.close()


def test_a_voided_label_is_the_one_asked_for_after_a_restart(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path)
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC):
        session.handle_scan(scan)
    old = session.handle_scan(CABLE_EAN).tracking
    assert old is not None
    new = session.void_label(old, "smudged", approver(session.store)).tracking
    assert new is not None

    session = restarted(bench, session)
    assert session.handle_scan(old).kind is not V.LABEL_VERIFIED  # voided: no box's label
    session.acknowledge()
    assert session.handle_scan(new).kind is V.LABEL_VERIFIED
    session.close()


def test_a_store_without_a_state_row_resumes_from_its_history(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path)
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC):
        session.handle_scan(scan)
    before = session.view()
    session.close()
    with bench.store.session() as db:  # as a store written by the version before the row
        db.exec(delete(StationState))  # type: ignore[call-overload]
        db.commit()
    session = bench.session()
    assert session.view() == before
    assert session.handle_scan(MUG_UPC).kind is V.LINE_COMPLETE
    session.close()


@contextmanager
def counted_reads(store: Store) -> Iterator[list[str]]:
    """Every SQL statement run, and a row object for every row the ORM loads."""
    reads: list[str] = []

    def statement(*args: Any) -> None:
        reads.append(args[2])

    def loaded(target: Any, _context: Any) -> None:
        reads.append(type(target).__name__)

    event.listen(store.engine, "before_cursor_execute", statement)
    for table in ROW_TYPES:
        event.listen(table, "load", loaded)
    try:
        yield reads
    finally:
        event.remove(store.engine, "before_cursor_execute", statement)
        for table in ROW_TYPES:
            event.remove(table, "load", loaded)


def test_a_start_reads_as_much_after_many_orders_as_after_one(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path)
    for n in range(10, 40):
        add_order(bench.store, f"SO-{n}", {"MUG-350": 2})

    def pack(numbers: range, left_open: str) -> None:
        session = bench.session()
        session.handle_scan("BADGE-P1")
        for n in numbers:
            for scan in (f"SO-{n}", MUG_UPC, MUG_UPC):
                session.handle_scan(scan)
        session.handle_scan(left_open)  # an order open, with a count, at the restart
        session.handle_scan(MUG_UPC)
        assert session.wait_for_printer()
        session.close()

    def start() -> tuple[int, StationView]:
        with counted_reads(bench.store) as reads:
            session = bench.session()
        view = session.view()
        session.park()
        assert session.wait_for_printer()
        session.close()
        return len(reads), view

    pack(range(10, 12), "SO-1")
    few_reads, few_view = start()
    pack(range(12, 40), "SO-2")
    many_reads, many_view = start()
    assert many_reads == few_reads
    for view, number in ((few_view, "SO-1"), (many_view, "SO-2")):
        assert view.packer_name == "Ana" and view.order is not None
        assert (view.order.number, view.order.scanned) == (number, 1)
