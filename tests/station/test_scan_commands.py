"""Command barcodes for scan-only work: each is a stored scan with its verdict."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select

from station.models import OrderEvent, ScanEvent
from station.settings import Commands, SettingsError, settings_from_dict
from station.verdicts import Awaiting, VerdictKind
from station.workflow_types import SHORT_REASONS
from tests.helpers.factory import MUG_UPC, TAPE_EAN, Bench, standard_bench

V = VerdictKind
C = Commands()


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    return standard_bench(tmp_path)


def stored_verdicts(bench: Bench) -> list[tuple[str, str]]:
    with bench.store.session() as db:
        rows = db.exec(select(ScanEvent).order_by(col(ScanEvent.seq))).all()
    return [(row.raw, row.verdict) for row in rows]


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (C.exception_missing, "item_missing"),
        (C.exception_damaged, "damaged"),
        (C.exception_wrong_item, "wrong_item_in_tote"),
    ],
)
def test_each_exception_reason_has_its_own_barcode(bench: Bench, command: str, reason: str) -> None:
    session = bench.session()
    session.handle_scan("BADGE-P1")
    session.handle_scan("SO-1")

    flagged = session.handle_scan(command)

    assert flagged.kind is V.EXCEPTION_FLAGGED
    assert reason.replace("_", " ") in flagged.message
    assert session.view().order is None
    with bench.store.session() as db:
        event = db.exec(select(OrderEvent)).one()
    assert (event.kind, event.reason) == ("exception_flagged", reason)
    assert stored_verdicts(bench)[-1] == (command, "exception_flagged")


@pytest.mark.parametrize(
    ("command", "words"),
    list(zip((C.short_no_stock, C.short_damaged, C.short_not_found), SHORT_REASONS, strict=True)),
)
def test_each_ship_short_reason_has_its_own_barcode(bench: Bench, command: str, words: str) -> None:
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC):
        session.handle_scan(scan)

    asked = session.handle_scan(command)

    assert asked.kind is V.SUPERVISOR_REQUIRED
    assert session.view().awaiting is Awaiting.SUPERVISOR
    approved = session.wait_for_label(session.handle_scan("BADGE-S1"))
    assert approved.kind is V.OVERRIDE
    with bench.store.session() as db:
        reasons = db.exec(select(OrderEvent.kind, OrderEvent.reason)).all()
    assert ("short_requested", words) in reasons
    assert ("short_override", words) in reasons


@pytest.mark.parametrize("command", [C.reprint, C.void, C.slip])
def test_a_label_errand_is_stored_and_left_to_the_window(bench: Bench, command: str) -> None:
    session = bench.session()
    session.handle_scan("BADGE-P1")

    verdict = session.handle_scan(command)

    assert verdict.kind is V.ERRAND
    assert verdict.scan == command
    assert stored_verdicts(bench)[-1] == (command, "errand")


def test_an_errand_needs_a_packer(bench: Bench) -> None:
    assert bench.session().handle_scan(C.reprint).kind is V.NOT_LOGGED_IN


@pytest.mark.parametrize("command", [C.label_printed, C.label_reprint])
def test_did_the_label_print_is_answered_by_scan_even_before_a_login(
    bench: Bench, command: str
) -> None:
    verdict = bench.session().handle_scan(command)
    assert verdict.kind is V.ERRAND
    assert stored_verdicts(bench) == [(command, "errand")]


def test_bulk_print_by_scan_names_the_last_sealed_order(bench: Bench) -> None:
    session = bench.session()
    session.handle_scan("BADGE-P1")
    assert session.handle_scan(C.bulk).kind is V.NO_ORDER_OPEN, "nothing sealed yet"
    session.handle_scan("SO-3")
    session.wait_for_label(session.handle_scan(TAPE_EAN))

    verdict = session.handle_scan(C.bulk)

    assert (verdict.kind, verdict.order) == (V.ERRAND, "SO-3")


def test_an_errand_waits_for_an_acknowledgement_like_any_scan(bench: Bench) -> None:
    session = bench.session()
    for scan in ("BADGE-P1", "SO-1", TAPE_EAN):  # tape is not in SO-1: wrong item
        session.handle_scan(scan)

    assert session.handle_scan(C.reprint).kind is V.NEEDS_ACKNOWLEDGEMENT


def test_a_torn_label_can_be_reprinted_while_the_station_waits_for_it(tmp_path: Path) -> None:
    settings = settings_from_dict(
        {"station": {"name": "bench-1"}, "labels": {"scan_back": "required"}}
    )
    bench = standard_bench(tmp_path, settings)
    session = bench.session()
    for scan in ("BADGE-P1", "SO-3", TAPE_EAN):
        session.handle_scan(scan)
    assert session.view().awaiting is Awaiting.LABEL_SCAN

    assert session.handle_scan(C.reprint).kind is V.ERRAND
    assert session.view().awaiting is Awaiting.LABEL_SCAN, "still waits for the label"


@pytest.mark.parametrize("command", [C.ok, C.close, *C.reason_codes()])
def test_a_dialog_barcode_with_no_dialog_does_nothing_and_needs_no_acknowledgement(
    bench: Bench, command: str
) -> None:
    session = bench.session()
    session.handle_scan("BADGE-P1")
    session.handle_scan("SO-1")

    verdict = session.handle_scan(command)

    assert verdict.kind is V.NOTHING_TO_CHOOSE
    assert session.view().awaiting is Awaiting.NOTHING
    assert session.handle_scan(MUG_UPC).kind is V.OK


def test_reason_barcodes_are_the_prefix_and_a_digit() -> None:
    commands = Commands(reason="WHY-")
    assert commands.reason_codes()[0] == "WHY-1" and len(commands.reason_codes()) == 9
    assert [commands.reason_number(text) for text in ("WHY-3", "WHY-0", "WHY-12", "3")] == [
        3,
        None,
        None,
        None,
    ]


def test_a_command_barcode_that_is_also_a_reason_barcode_is_refused() -> None:
    with pytest.raises(SettingsError, match="distinct"):
        settings_from_dict({"commands": {"ok": "CMD-REASON-1"}})
