"""Orders in several boxes ("1/2", "2/2") and labels scanned back onto the right box."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import col, select

from station.labels import LabelContent
from station.models import Parcel, ParcelItem, PrintJob
from station.settings import Labels, Settings
from station.verdicts import Awaiting, VerdictKind
from tests.helpers.factory import CABLE_EAN, MUG_UPC, TAPE_EAN, Bench, standard_bench

V = VerdictKind


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    return standard_bench(tmp_path)


def labels(bench: Bench) -> list[LabelContent]:
    with bench.store.session() as db:
        jobs = db.exec(select(PrintJob).order_by(col(PrintJob.seq))).all()
        return [LabelContent.from_json(job.content_json) for job in jobs]


def test_an_order_in_two_boxes_gets_two_labels_numbered_1_of_2_and_2_of_2(bench: Bench) -> None:
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC):
        session.handle_scan(scan)
    closed = session.handle_scan("CMD-NEWBOX")
    assert closed.kind is V.BOX_CLOSED and "Box 1 closed with 2 unit(s)" in closed.message
    assert labels(bench) == []  # labels wait for the order: only then is "of 2" known
    done = session.wait_for_label(session.handle_scan(CABLE_EAN))
    assert done.kind is V.ORDER_COMPLETE
    first, second = labels(bench)
    assert [(x.parcel_no, x.parcel_count) for x in (first, second)] == [(1, 2), (2, 2)]
    assert first.tracking != second.tracking
    assert [t for t, _, _ in done.parcels] == [first.tracking, second.tracking]
    assert all(label and Path(label).is_file() for _, _, label in done.parcels)
    assert done.as_json()["parcels"][1]["tracking"] == second.tracking
    with bench.store.session() as db:
        contents = {
            parcel.parcel_no: sorted(
                (item.sku, item.units)
                for item in db.exec(select(ParcelItem).where(ParcelItem.parcel_id == parcel.id))
            )
            for parcel in db.exec(select(Parcel))
        }
    assert contents == {1: [("MUG-350", 2)], 2: [("CABLE-USBC", 1)]}


def test_an_empty_box_cannot_be_closed(bench: Bench) -> None:
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1"):
        session.handle_scan(scan)
    assert session.handle_scan("CMD-NEWBOX").kind is V.BOX_EMPTY


def test_a_closed_box_survives_a_restart_and_a_park(bench: Bench) -> None:
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, "CMD-NEWBOX", "CMD-CANCEL"):
        session.handle_scan(scan)
    session.close()
    restarted = bench.session()
    assert restarted.handle_scan("SO-1").kind is V.ORDER_OPENED  # not "already packed"
    restarted.handle_scan(MUG_UPC)
    restarted.handle_scan(CABLE_EAN)
    first, second = labels(bench)
    assert (first.parcel_count, second.parcel_count) == (2, 2)


def test_the_labels_own_barcode_scanned_back_confirms_it(bench: Bench) -> None:
    session = bench.session()
    for scan in ("BADGE-P1", "SO-3"):
        session.handle_scan(scan)
    done = session.handle_scan(TAPE_EAN)
    assert done.tracking
    verified = session.handle_scan(done.tracking)
    assert verified.kind is V.LABEL_VERIFIED and verified.tone.value == "success"


def test_another_orders_label_scanned_on_this_box_is_a_loud_wrong_label(bench: Bench) -> None:
    session = bench.session()
    for scan in ("BADGE-P1", "SO-3", TAPE_EAN):
        session.handle_scan(scan)
    first = labels(bench)[0].tracking
    for scan in ("SO-1", MUG_UPC, MUG_UPC):
        session.handle_scan(scan)
    second = session.handle_scan(CABLE_EAN)
    assert second.tracking and second.tracking != first
    wrong = session.handle_scan(first)  # SO-3's label, on SO-1's box
    assert wrong.kind is V.WRONG_LABEL and wrong.tone.value == "error"
    assert "belongs to order SO-3" in wrong.message


def test_required_scan_back_holds_the_next_order_until_every_label_is_scanned(
    tmp_path: Path,
) -> None:
    settings = Settings(station="bench-1", labels=replace(Labels(), scan_back="required"))
    bench = standard_bench(tmp_path, settings)
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC, "CMD-NEWBOX"):
        session.handle_scan(scan)
    done = session.handle_scan(CABLE_EAN)
    assert "Scan each label" in done.message
    assert session.view().awaiting is Awaiting.LABEL_SCAN
    refused = session.handle_scan("SO-2")
    assert refused.kind is V.WRONG_LABEL
    first, second = (label.tracking for label in labels(bench))
    assert session.handle_scan(first).kind is V.LABEL_VERIFIED
    session.close()
    restarted = bench.session()  # the check survives a restart
    assert restarted.view().awaiting is Awaiting.LABEL_SCAN
    assert restarted.handle_scan(second).kind is V.LABEL_VERIFIED
    assert restarted.view().awaiting is Awaiting.NOTHING
    assert restarted.handle_scan("SO-2").kind is V.ORDER_OPENED
