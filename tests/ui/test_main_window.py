"""The pack screen on a real PackSession, driven by a simulated wedge scanner."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot
from sqlmodel import select

from station.errors import UserError
from station.models import OrderEvent, ScanEvent
from station.session import ExceptionReason, PackSession
from station.settings import Settings
from station.verdicts import Awaiting, Tone, Verdict, VerdictKind
from tests.helpers.factory import CABLE_EAN, MUG_UPC, TAPE_EAN, Bench
from tests.helpers.sounds import RecordingSoundPlayer
from tests.ui.conftest import VERDICT_TIMEOUT_MS, PackScreen
from ui import style
from ui.dialogs import ExceptionDialog, ShortShipDialog
from ui.main_window import PROMPT_BADGE, PROMPT_ORDER, MainWindow
from ui.order_table import CHECK, Column

V = VerdictKind


def row_texts(window: MainWindow, row: int) -> list[str]:
    model = window.order_table.lines_model
    return [str(model.data(model.index(row, column))) for column in Column]


def row_background(window: MainWindow, row: int) -> object:
    model = window.order_table.lines_model
    return model.data(model.index(row, Column.NAME), Qt.ItemDataRole.BackgroundRole)


def test_start_asks_for_a_badge(window: MainWindow) -> None:
    assert window.prompt.text() == PROMPT_BADGE
    assert window.prompt.isVisible()
    assert window.header.packer_label.text() == "Nobody logged in"
    assert not window.action_bar.logout_button.isEnabled()


def test_badge_order_and_items_through_to_the_printed_label(
    screen: PackScreen,
    window: MainWindow,
    sounds: RecordingSoundPlayer,
    bench: Bench,
    qtbot: QtBot,
) -> None:
    login = screen.scan("BADGE-P1")
    assert login.kind is V.LOGIN
    assert window.header.packer_label.text() == "Ana (packer)"
    assert window.prompt.text() == PROMPT_ORDER

    assert screen.scan("SO-1").kind is V.ORDER_OPENED
    assert window.header.order_label.text() == "Order SO-1"
    # The order names a courier without a profile: the rules choose, and say why.
    assert window.header.courier_label.text() == "Stadtkurier Berlin · Same day"
    assert 'rule 1 "Berlin same day"' in window.header.courier_reason_label.text()
    assert window.header.totals_label.text() == "0 / 3 items"
    assert window.order_table.isVisible()
    assert window.order_table.lines_model.rowCount() == 2
    assert row_texts(window, 0)[1:] == ["Ceramic Mug 350 ml", "MUG-350", "0 / 2", ""]

    ok = screen.scan(MUG_UPC)
    assert ok.kind is V.OK
    assert window.banner.tone is Tone.SUCCESS
    assert window.banner.icon() == "✔"
    assert window.banner.headline() == "OK"
    assert "Ceramic Mug 350 ml 1/2" in window.banner.text()
    assert row_texts(window, 0)[Column.COUNT] == "1 / 2"
    assert window.header.totals_label.text() == "1 / 3 items"

    assert screen.scan(CABLE_EAN).kind is V.LINE_COMPLETE
    assert row_texts(window, 1)[Column.COUNT :] == ["1 / 1", CHECK]
    background = row_background(window, 1)
    assert isinstance(background, QBrush)
    # The line just completed: green, and marked as the row being scanned.
    assert background.color().name() == style.ACTIVE_ROW_DONE_COLOUR
    assert window.order_table.lines_model.active_row == 1
    assert row_background(window, 0) is None, "an incomplete line is not green"

    with qtbot.waitSignal(window.labels.label_printed, timeout=VERDICT_TIMEOUT_MS) as printed:
        done = screen.scan(MUG_UPC)
        assert done.kind is V.ORDER_COMPLETE
        assert window.banner.tone is Tone.COMPLETE
        assert window.banner.icon() == "★"
    assert printed.args[0] == done.job_id
    assert window.banner.headline() == "ORDER COMPLETE — label printed"
    label = Path(printed.args[1])
    assert label.is_file() and label.parent == bench.data_dir / "labels"
    assert window.prompt.text() == PROMPT_ORDER, "ready for the next order"
    assert window.header.order_label.text() == "No order"
    assert sounds.played == [Tone.INFO, Tone.INFO, Tone.SUCCESS, Tone.SUCCESS, Tone.COMPLETE]


def test_wrong_item_blocks_scanning_until_escape(
    screen: PackScreen, window: MainWindow, qtbot: QtBot, sounds: RecordingSoundPlayer
) -> None:
    screen.scan_all("BADGE-P1", "SO-1")
    wrong = screen.scan(TAPE_EAN)
    assert wrong.kind is V.WRONG_ITEM
    assert window.banner.tone is Tone.ERROR
    wrong_detail = window.banner.detail()
    assert "Packing Tape" in wrong_detail
    assert window.banner.icon() == "✖"
    assert window.banner.headline() == "WRONG ITEM"
    assert window.banner.action() == "Press Esc or scan ACKNOWLEDGE (CMD-ACK)"
    assert sounds.played[-1] is Tone.ERROR
    assert window.action_bar.acknowledge_button.isEnabled()

    blocked = screen.scan(MUG_UPC)
    assert blocked.kind is V.NEEDS_ACKNOWLEDGEMENT
    assert window.banner.tone is Tone.ERROR
    # The reason stays on screen: the packer still learns which item to take out.
    assert window.banner.headline() == "WRONG ITEM"
    assert window.banner.detail() == wrong_detail
    assert window.banner.action() == "Not counted. Acknowledge first (Esc / scan CMD-ACK)"
    assert row_texts(window, 0)[Column.COUNT] == "0 / 2", "nothing counted while blocked"

    acknowledged = screen.answer(lambda: qtbot.keyClick(window.input_bar.field, Qt.Key.Key_Escape))
    assert acknowledged.kind is V.ACKNOWLEDGED
    assert window.banner.tone is Tone.INFO
    assert window.banner.action() == ""
    assert not window.action_bar.acknowledge_button.isEnabled()

    assert screen.scan(MUG_UPC).kind is V.OK
    assert row_texts(window, 0)[Column.COUNT] == "1 / 2"


def test_acknowledge_barcode_and_button_also_unblock(
    screen: PackScreen, window: MainWindow, settings: Settings
) -> None:
    screen.scan_all("BADGE-P1", "SO-1")
    assert screen.scan("NOT-A-PRODUCT").kind is V.UNKNOWN_BARCODE
    assert window.banner.headline() == "UNKNOWN BARCODE"
    assert screen.scan(settings.commands.ack).kind is V.ACKNOWLEDGED
    assert screen.scan(TAPE_EAN).kind is V.WRONG_ITEM
    clicked = screen.answer(lambda: screen.click(window.action_bar.acknowledge_button))
    assert clicked.kind is V.ACKNOWLEDGED


def test_scans_queue_in_order_and_none_is_dropped(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    shown: list[Verdict] = []
    window.verdict_shown.connect(shown.append)
    for barcode in ("BADGE-P1", "SO-1", MUG_UPC, CABLE_EAN, MUG_UPC):
        screen.scanner.scan(barcode)  # no waiting: they arrive while others are in flight
    qtbot.waitUntil(lambda: len(shown) == 5, timeout=VERDICT_TIMEOUT_MS)
    assert [v.kind for v in shown] == [
        V.LOGIN,
        V.ORDER_OPENED,
        V.OK,
        V.LINE_COMPLETE,
        V.ORDER_COMPLETE,
    ]
    assert [v.scan for v in shown] == ["BADGE-P1", "SO-1", MUG_UPC, CABLE_EAN, MUG_UPC]


def test_a_verdict_is_shown_only_once_it_is_stored(
    screen: PackScreen, window: MainWindow, bench: Bench
) -> None:
    stored_when_shown: list[int] = []

    def count_stored(_verdict: Verdict) -> None:
        with bench.store.session() as db:
            stored_when_shown.append(len(db.exec(select(ScanEvent)).all()))

    window.verdict_shown.connect(count_stored)
    screen.scan_all("BADGE-P1", "SO-1", MUG_UPC)
    assert stored_when_shown == [1, 2, 3]


def test_typed_entry_with_enter_counts_as_manual(
    screen: PackScreen, window: MainWindow, bench: Bench
) -> None:
    screen.scan("BADGE-P1")
    window.input_bar.field.setFocus()
    verdict = screen.answer(lambda: (screen.human.type("SO-1"), screen.human.enter()))
    assert verdict.kind is V.ORDER_OPENED
    assert window.input_bar.text() == "", "the field is cleared after Enter"
    with bench.store.session() as db:
        events = db.exec(select(ScanEvent).order_by(ScanEvent.seq)).all()
    assert [(e.raw, e.source, e.manual) for e in events] == [
        ("BADGE-P1", "scanner", False),
        ("SO-1", "keyboard", True),
    ]


def test_park_and_log_out_buttons(screen: PackScreen, window: MainWindow) -> None:
    screen.scan_all("BADGE-P1", "SO-1", MUG_UPC)
    assert not window.action_bar.seal_button.isEnabled()
    parked = screen.answer(lambda: screen.click(window.action_bar.park_button))
    assert parked.kind is V.ORDER_PARKED
    assert window.prompt.text() == PROMPT_ORDER
    assert not window.action_bar.park_button.isEnabled()
    out = screen.answer(lambda: screen.click(window.action_bar.logout_button))
    assert out.kind is V.LOGOUT
    assert window.prompt.text() == PROMPT_BADGE
    assert window.header.packer_label.text() == "Nobody logged in"


def test_exception_dialog_with_a_typed_note(
    screen: PackScreen, window: MainWindow, qtbot: QtBot, bench: Bench
) -> None:
    screen.scan_all("BADGE-P1", "SO-1")
    screen.click(window.action_bar.exception_button)
    dialog = window.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert isinstance(dialog, ExceptionDialog)
    assert not dialog.ok_button.isEnabled()
    dialog.reason_buttons[ExceptionReason.OTHER].click()
    assert not dialog.ok_button.isEnabled(), "Other needs a note"
    dialog.note.setFocus()
    qtbot.waitUntil(dialog.note.hasFocus)
    # Typed at human speed into the dialog: typing, not a scan, so it lands there
    # (the last key once the wedge's interval has passed).
    screen.human.type("Box crushed")
    qtbot.waitUntil(lambda: dialog.note.text() == "Box crushed")
    assert window.input_bar.text() == ""
    flagged = screen.answer(lambda: screen.click(dialog.ok_button))
    assert flagged.kind is V.EXCEPTION_FLAGGED
    assert window.prompt.text() == PROMPT_ORDER
    with bench.store.session() as db:
        event = db.exec(select(OrderEvent)).one()
    assert (event.kind, event.reason, event.note) == ("exception_flagged", "other", "Box crushed")


def test_ship_short_waits_for_a_supervisor_badge(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    screen.scan_all("BADGE-P1", "SO-1", MUG_UPC)
    screen.click(window.action_bar.short_button)
    dialog = window.dialog
    assert isinstance(dialog, ShortShipDialog)
    qtbot.waitExposed(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.reason.setText("mug out of stock")
    asked = screen.answer(lambda: screen.click(dialog.ok_button))
    assert asked.kind is V.SUPERVISOR_REQUIRED
    assert window.banner.action() == "Supervisor: scan your badge to approve"
    assert window.banner.tone is Tone.ERROR
    assert screen.scan("BADGE-P2").kind is V.SUPERVISOR_REQUIRED, "a packer cannot approve"
    with qtbot.waitSignal(window.labels.label_printed, timeout=VERDICT_TIMEOUT_MS) as printed:
        approved = screen.scan("BADGE-S1")
    assert approved.kind is V.OVERRIDE
    assert window.banner.tone is Tone.COMPLETE
    assert window.banner.headline() == "SUPERVISOR APPROVED — label printed"
    assert Path(printed.args[1]).is_file()


@pytest.mark.parametrize("settings", [Settings(station="bench-1", confirm_before_label=True)])
def test_seal_button_prints_when_confirmation_is_on(
    screen: PackScreen, window: MainWindow, sounds: RecordingSoundPlayer, qtbot: QtBot
) -> None:
    screen.scan_all("BADGE-P1", "SO-3")
    assert not window.action_bar.seal_button.isEnabled()
    last = screen.scan(TAPE_EAN)
    assert last.kind is V.LINE_COMPLETE
    assert window.view is not None and window.view.awaiting is Awaiting.SEAL
    assert window.action_bar.seal_button.isEnabled()
    assert "Seal & print" in window.banner.action()
    with qtbot.waitSignal(window.labels.label_printed, timeout=VERDICT_TIMEOUT_MS) as printed:
        sealed = screen.answer(lambda: screen.click(window.action_bar.seal_button))
    assert sealed.kind is V.ORDER_COMPLETE
    assert Path(printed.args[1]).is_file()
    assert sounds.played[-1] is Tone.COMPLETE
    assert not window.action_bar.seal_button.isEnabled()


def test_a_label_the_printer_refuses_is_said_loudly_and_prints_when_it_is_back(
    screen: PackScreen,
    window: MainWindow,
    bench: Bench,
    qtbot: QtBot,
    sounds: RecordingSoundPlayer,
) -> None:
    blocker = bench.data_dir / "labels"
    blocker.write_text("a file where the label folder should be")
    screen.scan_all("BADGE-P1", "SO-3")
    with qtbot.waitSignal(window.labels.label_failed, timeout=VERDICT_TIMEOUT_MS):
        done = screen.scan(TAPE_EAN)
    assert done.kind is V.ORDER_COMPLETE, "the parcel is sealed and stored all the same"
    assert window.banner.tone is Tone.ERROR
    assert window.banner.headline() == "ORDER COMPLETE — LABEL NOT PRINTED"
    assert "prints by itself when the printer is back" in window.banner.text()
    assert "SO-3" in window.banner.text()
    assert window.header.printer_label.text() == "⚠ Label printer: 1 label(s) waiting"
    assert sounds.played[-1] is Tone.ERROR
    blocker.unlink()  # the printer is back: the queue retries by itself
    with qtbot.waitSignal(window.labels.label_printed, timeout=VERDICT_TIMEOUT_MS) as printed:
        pass
    assert Path(printed.args[1]).is_file()
    # PDF files in a folder: nothing to ask, so the header never claims the printer is fine.
    assert window.header.printer_label.text() == "Label printer: no status"
    assert window.banner.headline() == "ORDER COMPLETE — label printed"


def test_a_user_error_from_the_engine_is_a_red_banner(
    screen: PackScreen,
    window: MainWindow,
    session: PackSession,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
    sounds: RecordingSoundPlayer,
) -> None:
    def disk_full(raw: str, **_kwargs: object) -> Verdict:
        raise UserError("The disk is full: free some space, then scan again.")

    screen.scan("BADGE-P1")
    real = session.handle_scan
    monkeypatch.setattr(session, "handle_scan", disk_full)
    with qtbot.waitSignal(window.error_shown, timeout=VERDICT_TIMEOUT_MS):
        screen.scanner.scan("SO-1")
    assert window.banner.tone is Tone.ERROR
    assert "The disk is full" in window.banner.text()
    assert sounds.played[-1] is Tone.ERROR
    assert window.crash_box is None
    monkeypatch.setattr(session, "handle_scan", real)
    assert screen.scan("SO-1").kind is V.ORDER_OPENED, "the station carries on"


def test_a_bug_in_the_engine_shows_a_crash_box_and_the_station_carries_on(
    screen: PackScreen,
    window: MainWindow,
    session: PackSession,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(raw: str, **_kwargs: object) -> Verdict:
        raise ZeroDivisionError("division by zero")

    real = session.handle_scan
    monkeypatch.setattr(session, "handle_scan", broken)
    screen.scanner.scan("BADGE-P1")
    qtbot.waitUntil(lambda: window.crash_box is not None and window.crash_box.isVisible())
    assert window.crash_box is not None
    assert "ZeroDivisionError" in window.crash_box.detailedText()
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)
    window.crash_box.accept()
    monkeypatch.setattr(session, "handle_scan", real)
    assert screen.scan("BADGE-P1").kind is V.LOGIN
