"""Void a label (new tracking number) or reprint any label, each with a reason on record."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from station.couriers.plan import CourierBook
from station.errors import UserError
from station.models import OrderEvent, Packer, Parcel
from station.supervisor_auth import Action, Refusal, Supervisor, SupervisorAuth, authorize
from station.verdicts import VerdictKind
from tests.helpers.factory import CABLE_EAN, MUG_UPC, TAPE_EAN, Bench, standard_bench
from tests.helpers.supervisor import approver

V = VerdictKind


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    return standard_bench(tmp_path)


def pack_so1(bench: Bench):  # type: ignore[no-untyped-def]
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC):
        session.handle_scan(scan)
    return session, session.handle_scan(CABLE_EAN).tracking


def test_voiding_a_label_prints_a_new_number_and_records_the_old_one(bench: Bench) -> None:
    session, old = pack_so1(bench)
    voided = session.wait_for_label(session.void_label(old, "label smudged", approver(bench.store)))
    assert voided.kind is V.LABEL_VOIDED and voided.tracking != old
    assert CourierBook.load().profiles["citycourier"].tracking.is_valid(voided.tracking)
    assert voided.label and Path(voided.label).is_file()
    with bench.store.session() as db:
        (parcel,) = db.exec(select(Parcel)).all()
        (event,) = db.exec(select(OrderEvent).where(OrderEvent.kind == "label_voided")).all()
    assert parcel.tracking == voided.tracking
    assert (event.reason, event.note) == ("label smudged", f"{old} -> {voided.tracking}")
    with bench.store.session() as db:
        approved_by = db.get(Packer, event.supervisor_id)
    assert approved_by is not None and approved_by.badge == "BADGE-S1"
    # The new label is the one scan-back now expects.
    assert session.handle_scan(voided.tracking).kind is V.LABEL_VERIFIED


def test_a_packers_badge_never_voids_a_label_and_each_refusal_is_recorded(bench: Bench) -> None:
    session, old = pack_so1(bench)
    refused = authorize(bench.store, "bench-1", "BADGE-P1", "1234", Action.VOID_LABEL, how="test")
    assert isinstance(refused, Refusal) and "only a supervisor may void a label" in refused.message
    with bench.store.session() as db:
        ben = db.exec(select(Packer).where(Packer.badge == "BADGE-P1")).one()
        outcomes = db.exec(select(SupervisorAuth.outcome)).all()
    assert outcomes == ["not_supervisor"]
    # A caller that skipped the gate and passes a packer as the approver: refused too.
    forged = Supervisor(ben.id, ben.name, ben.badge, "supervisor")
    with pytest.raises(UserError, match="needs a supervisor"):
        session.void_label(old, "smudged", forged)
    with bench.store.session() as db:
        assert db.exec(select(OrderEvent).where(OrderEvent.kind == "label_voided")).all() == []
        assert db.exec(select(Parcel.tracking)).all() == [old]


def test_an_order_systems_tracking_number_cannot_be_voided_here(bench: Bench) -> None:
    session = bench.session()
    for scan in ("BADGE-P1", "SO-3"):
        session.handle_scan(scan)
    tracking = session.handle_scan(TAPE_EAN).tracking
    assert tracking
    with pytest.raises(UserError, match="void it there"):
        session.void_label(tracking, "wrong box", approver(bench.store))


def test_any_earlier_label_can_be_reprinted_by_its_tracking_number(bench: Bench) -> None:
    session, first = pack_so1(bench)
    for scan in ("SO-3", TAPE_EAN):
        session.handle_scan(scan)
    again = session.reprint_label("jammed", tracking=first)
    assert again.tracking == first and again.order == "SO-1"
    with pytest.raises(UserError, match="No label with tracking number"):
        session.reprint_label("jammed", tracking="NOPE")
    with pytest.raises(UserError, match="needs a reason"):
        session.void_label(first, " ", approver(bench.store))


def test_a_packing_slip_is_not_the_last_label_a_reprint_means(bench: Bench) -> None:
    session, tracking = pack_so1(bench)
    session.print_slip()
    assert session.reprint_label("torn").tracking == tracking
