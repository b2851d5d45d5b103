"""The pack workflow as a packer meets it, through PackSession."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from station.couriers.plan import CourierBook
from station.models import OrderEvent, Parcel, ScanEvent
from station.settings import Settings
from station.verdicts import Awaiting, VerdictKind
from station.workflow import ExceptionReason
from tests.helpers.factory import (
    CABLE_EAN,
    MUG_CASE,
    MUG_UPC,
    STRANGER_EAN,
    TAPE_EAN,
    Bench,
    standard_bench,
)

V = VerdictKind


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    return standard_bench(tmp_path)


def scan_all(session, *scans: str) -> list[VerdictKind]:
    return [session.handle_scan(scan).kind for scan in scans]


def test_full_order_counts_every_unit_and_prints_its_label(bench: Bench) -> None:
    session = bench.session()
    kinds = scan_all(session, "BADGE-P1", "SO-1", MUG_UPC, CABLE_EAN)
    assert kinds == [V.LOGIN, V.ORDER_OPENED, V.OK, V.LINE_COMPLETE]
    last = session.wait_for_label(session.handle_scan(MUG_UPC))
    assert last.kind is V.ORDER_COMPLETE
    assert (last.order, last.sku, last.scanned, last.expected) == ("SO-1", "MUG-350", 2, 2)
    assert last.label is not None and Path(last.label).is_file()
    # No tracking number on the order: the courier's own scheme, from the station's range.
    citycourier = CourierBook.load().profiles["citycourier"]
    assert last.tracking and citycourier.tracking.is_valid(last.tracking)
    assert session.view().order is None, "the station is ready for the next order"


def test_order_tracking_number_is_used_when_the_order_brings_one(bench: Bench) -> None:
    session = bench.session()
    verdict = [session.handle_scan(s) for s in ("BADGE-P1", "SO-3", TAPE_EAN)][-1]
    assert verdict.kind is V.ORDER_COMPLETE
    assert verdict.tracking == "1Z999AA10123456784"


@pytest.mark.parametrize(
    "scan", [MUG_UPC, "0" + MUG_UPC, "]E00" + MUG_UPC, "(01)00" + MUG_UPC, "]C10100" + MUG_UPC]
)
def test_every_form_of_the_same_gtin_counts_for_the_product(bench: Bench, scan: str) -> None:
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-1")
    verdict = session.handle_scan(scan)
    assert (verdict.kind, verdict.sku, verdict.scanned) == (V.OK, "MUG-350", 1)


def test_gs1_lot_expiry_and_serial_are_recorded_with_the_scan(bench: Bench) -> None:
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-1")
    session.handle_scan("]C10100" + MUG_UPC + "17271231" + "10LOT42\x1d" + "21SN7")
    with bench.store.session() as db:
        event = db.exec(select(ScanEvent).where(ScanEvent.verdict == "ok")).one()
    assert (event.lot, event.expiry, event.serial) == ("LOT42", "2027-12-31", "SN7")
    assert event.raw.startswith("]C1")


def test_case_barcode_counts_its_units(bench: Bench) -> None:
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-2")
    verdict = session.handle_scan(MUG_CASE)
    assert (verdict.kind, verdict.scanned, verdict.expected) == (V.LINE_COMPLETE, 6, 6)


def test_case_that_would_exceed_the_line_is_an_over_scan_and_counts_nothing(bench: Bench) -> None:
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-1")
    verdict = session.handle_scan(MUG_CASE)
    assert verdict.kind is V.OVER_SCAN
    assert verdict.scanned == 0
    assert session.view().order.scanned == 0  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", [STRANGER_EAN, "NOT-A-BARCODE"])
def test_errors_block_scanning_until_acknowledged(bench: Bench, bad: str) -> None:
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-1")
    first = session.handle_scan(bad).kind
    assert first in (V.WRONG_ITEM, V.UNKNOWN_BARCODE)
    assert session.view().awaiting is Awaiting.ACKNOWLEDGEMENT
    blocked = session.handle_scan(MUG_UPC)
    assert blocked.kind is V.NEEDS_ACKNOWLEDGEMENT
    assert session.view().order.scanned == 0  # type: ignore[union-attr]
    assert session.handle_scan("CMD-ACK").kind is V.ACKNOWLEDGED
    assert session.handle_scan(MUG_UPC).kind is V.OK


def test_over_scan_of_a_complete_line_needs_acknowledgement(bench: Bench) -> None:
    session = bench.session()
    kinds = scan_all(session, "BADGE-P1", "SO-1", CABLE_EAN, CABLE_EAN, MUG_UPC)
    assert kinds[-2:] == [V.OVER_SCAN, V.NEEDS_ACKNOWLEDGEMENT]


def test_scans_before_login_and_before_an_order_are_refused(bench: Bench) -> None:
    session = bench.session()
    assert scan_all(session, MUG_UPC, "SO-1") == [V.NOT_LOGGED_IN, V.NOT_LOGGED_IN]
    assert scan_all(session, "BADGE-P1", MUG_UPC) == [V.LOGIN, V.NO_ORDER_OPEN]
    unknown = session.handle_scan("???")
    assert unknown.kind is V.UNKNOWN_BARCODE
    assert session.view().awaiting is Awaiting.NOTHING, "no order open: nothing to acknowledge"


def test_one_order_at_a_time_and_reopening_the_open_one_is_harmless(bench: Bench) -> None:
    session = bench.session()
    assert scan_all(session, "BADGE-P1", "SO-1", "SO-2", "SO-1") == [
        V.LOGIN,
        V.ORDER_OPENED,
        V.ANOTHER_ORDER_OPEN,
        V.ORDER_OPENED,
    ]


def test_packed_order_cannot_be_packed_again(bench: Bench) -> None:
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-3", TAPE_EAN)
    assert session.handle_scan("SO-3").kind is V.ORDER_ALREADY_PACKED


def test_parked_order_keeps_its_scans(bench: Bench) -> None:
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-1", MUG_UPC)
    assert session.handle_scan("CMD-CANCEL").kind is V.ORDER_PARKED
    assert session.view().order is None
    reopened = session.handle_scan("SO-1")
    assert reopened.kind is V.ORDER_OPENED
    assert session.view().order.scanned == 1  # type: ignore[union-attr]


def test_exception_sends_the_order_to_a_supervisor(bench: Bench) -> None:
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-1")
    flagged = session.flag_exception(ExceptionReason.DAMAGED, "mug cracked")
    assert flagged.kind is V.EXCEPTION_FLAGGED
    assert session.handle_scan("SO-1").kind is V.ORDER_IN_EXCEPTION
    assert scan_all(session, "BADGE-S1", "SO-1") == [V.LOGIN, V.ORDER_OPENED]
    with bench.store.session() as db:
        kinds = [e.kind for e in db.exec(select(OrderEvent).order_by(OrderEvent.seq))]
        reason = db.exec(select(OrderEvent.reason, OrderEvent.note)).first()
    assert kinds == ["exception_flagged", "exception_released"]
    assert reason == ("damaged", "mug cracked")


def test_other_exception_needs_a_note(bench: Bench) -> None:
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-1")
    with pytest.raises(ValueError, match="note"):
        session.flag_exception(ExceptionReason.OTHER, "  ")


def test_shipping_short_needs_a_supervisor_badge(bench: Bench) -> None:
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-1", MUG_UPC)
    asked = session.request_short_ship("mug out of stock")
    assert asked.kind is V.SUPERVISOR_REQUIRED
    assert session.handle_scan("BADGE-P2").kind is V.SUPERVISOR_REQUIRED, "a packer cannot approve"
    assert session.handle_scan(CABLE_EAN).kind is V.SUPERVISOR_REQUIRED, "nothing counts meanwhile"
    approved = session.wait_for_label(session.handle_scan("BADGE-S1"))
    assert approved.kind is V.OVERRIDE
    assert approved.label is not None and Path(approved.label).is_file()
    with bench.store.session() as db:
        override = db.exec(select(OrderEvent).where(OrderEvent.kind == "short_override")).one()
        parcel = db.exec(select(Parcel)).one()
    assert override.reason == "mug out of stock"
    assert override.supervisor_id is not None
    assert parcel.short


def test_confirm_setting_waits_for_seal(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path, Settings(station="bench-1", confirm_before_label=True))
    session = bench.session()
    last = scan_all(session, "BADGE-P1", "SO-3", TAPE_EAN)[-1]
    assert last is V.LINE_COMPLETE
    assert session.view().awaiting is Awaiting.SEAL
    sealed = session.wait_for_label(session.seal())
    assert sealed.kind is V.ORDER_COMPLETE and sealed.label


def test_seal_before_complete_is_refused(bench: Bench) -> None:
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-1")
    assert session.seal().kind is V.ORDER_INCOMPLETE


def test_typed_entry_is_recorded_as_manual_and_can_be_restricted(tmp_path: Path) -> None:
    settings = Settings(station="bench-1", manual_entry_supervisors_only=True)
    bench = standard_bench(tmp_path, settings)
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-1")
    refused = session.handle_scan(MUG_UPC, source="keyboard", manual=True)
    assert refused.kind is V.SUPERVISOR_REQUIRED
    session.handle_scan("BADGE-S1")
    allowed = session.handle_scan(MUG_UPC, source="keyboard", manual=True)
    assert allowed.kind is V.OK
    with bench.store.session() as db:
        manual = db.exec(select(ScanEvent).where(ScanEvent.verdict == "ok")).one()
    assert manual.manual and manual.source == "keyboard"


def test_every_input_is_stored_with_its_verdict(bench: Bench) -> None:
    session = bench.session()
    verdicts = [session.handle_scan(s) for s in ("x", "BADGE-P1", "SO-1", STRANGER_EAN, "CMD-ACK")]
    with bench.store.session() as db:
        stored = db.exec(select(ScanEvent.raw, ScanEvent.verdict).order_by(ScanEvent.seq)).all()
    assert [tuple(row) for row in stored] == [(v.scan, v.kind.value) for v in verdicts]


def test_a_new_session_resumes_the_open_order_and_a_pending_error(bench: Bench) -> None:
    first = bench.session()
    scan_all(first, "BADGE-P1", "SO-1", MUG_UPC, STRANGER_EAN)
    second = bench.session()
    view = second.view()
    assert view.packer_name == "Ana"
    assert view.order is not None and view.order.number == "SO-1"
    assert view.order.scanned == 1
    assert view.awaiting is Awaiting.ACKNOWLEDGEMENT
    assert scan_all(second, "CMD-ACK", MUG_UPC)[-1] is V.LINE_COMPLETE


def test_logout_keeps_the_order_open_at_the_station(bench: Bench) -> None:
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-1", MUG_UPC, "CMD-LOGOUT")
    assert session.handle_scan(MUG_UPC).kind is V.NOT_LOGGED_IN
    scan_all(session, "BADGE-P2")
    verdict = session.handle_scan(MUG_UPC)
    assert (verdict.kind, verdict.scanned) == (V.LINE_COMPLETE, 2)


def test_a_refused_label_is_kept_and_prints_after_a_restart(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path / "data")
    blocker = tmp_path / "data" / "labels"
    blocker.write_text("a file where the label folder should be")
    session = bench.session()
    verdict = [session.handle_scan(s) for s in ("BADGE-P1", "SO-3", TAPE_EAN)][-1]
    assert verdict.kind is V.ORDER_COMPLETE, "the packer's verdict never waits for the printer"
    answered = session.wait_for_label(verdict)
    assert answered.label is None
    assert "NOT PRINTED" in answered.message
    session.close()
    blocker.unlink()
    restarted = bench.session()
    assert restarted.wait_for_printer(timeout=30)
    labels = list(blocker.glob("*.pdf"))
    assert len(labels) == 1
    restarted.close()
    again = bench.session()
    assert again.wait_for_printer(timeout=30)
    assert list(blocker.glob("*.pdf")) == labels, "a delivered label never prints twice"
    again.close()


def test_a_label_refused_while_running_prints_by_itself_once_the_printer_is_back(
    tmp_path: Path,
) -> None:
    bench = standard_bench(tmp_path / "data")
    blocker = tmp_path / "data" / "labels"
    blocker.write_text("not a folder")
    session = bench.session()
    verdict = [session.handle_scan(s) for s in ("BADGE-P1", "SO-3", TAPE_EAN)][-1]
    assert session.wait_for_label(verdict).label is None
    blocker.unlink()
    assert session.wait_for_printer(timeout=30), "retried with backoff until delivered"
    assert len(list(blocker.glob("*.pdf"))) == 1
    session.close()


def test_over_scan_messages_tell_the_packer_what_to_do(bench: Bench) -> None:
    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-1")
    case = session.handle_scan(MUG_CASE)
    assert "is 6 units" in case.message and "needs only 2 more" in case.message
    scan_all(session, "CMD-ACK", CABLE_EAN)
    extra = session.handle_scan(CABLE_EAN)
    assert "already complete (1/1)" in extra.message


class _RefusingPrinter:
    """A printer whose label data can never fit: a permanent refusal."""

    def __init__(self, folder: Path) -> None:
        from devices.pdf.file_printer import FileLabelPrinter

        self._files = FileLabelPrinter(folder)

    def print_label(self, job_id: str, label):  # type: ignore[no-untyped-def]
        from station.ports import PermanentPrintError

        if label.order_number == "SO-3":
            raise PermanentPrintError("the address does not fit the label.")
        return self._files.print_label(job_id, label)


def test_a_label_that_can_never_print_does_not_hold_back_the_next_ones(tmp_path: Path) -> None:
    from station.session import PackSession

    bench = standard_bench(tmp_path)
    printer = _RefusingPrinter(tmp_path / "labels")
    session = PackSession(bench.store, bench.settings, printer, "bench-1")
    refused = [session.handle_scan(s) for s in ("BADGE-P1", "SO-3", TAPE_EAN)][-1]
    answered = session.wait_for_label(refused)
    assert answered.label is None
    assert "fix the order, then reprint" in answered.message
    done = [session.handle_scan(s) for s in ("SO-1", MUG_UPC, MUG_UPC, CABLE_EAN)][-1]
    printed = session.wait_for_label(done)
    assert printed.label is not None and Path(printed.label).is_file()
    session.close()
    restarted = PackSession(bench.store, bench.settings, printer, "bench-1")
    assert restarted.wait_for_printer(timeout=30)
    assert len(list((tmp_path / "labels").glob("*.pdf"))) == 1, "nothing resent at restart"
    restarted.close()


def test_a_database_that_cannot_be_written_refuses_the_scan_and_changes_nothing(
    bench: Bench,
) -> None:
    from sqlalchemy import event

    from station.store import StoreError

    session = bench.session()
    scan_all(session, "BADGE-P1", "SO-1")
    bench.store.engine.dispose()  # new connections from here on are read-only
    event.listen(
        bench.store.engine, "connect", lambda conn, _rec: conn.execute("PRAGMA query_only=ON")
    )
    with pytest.raises(StoreError, match="NOT recorded"):
        session.handle_scan(MUG_UPC)
    assert session.view().order.scanned == 0  # type: ignore[union-attr]
    session.close()
