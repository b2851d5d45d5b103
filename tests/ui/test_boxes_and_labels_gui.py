"""The pack screen's box and label buttons: close a box, void a label, print a slip."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from station.verdicts import VerdictKind
from tests.helpers.factory import CABLE_EAN, MUG_UPC, TAPE_EAN
from tests.ui.conftest import VERDICT_TIMEOUT_MS, PackScreen
from ui.dialogs import VoidDialog
from ui.main_window import MainWindow

V = VerdictKind


def test_close_box_button_splits_the_order_and_labels_read_1_of_2_and_2_of_2(
    screen: PackScreen, window: MainWindow
) -> None:
    assert not window.action_bar.new_box_button.isEnabled(), "no order open"
    screen.scan_all("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC)
    closed = screen.answer(lambda: screen.click(window.action_bar.new_box_button))
    assert closed.kind is V.BOX_CLOSED
    assert window.banner.headline() == "BOX CLOSED"
    done = screen.scan(CABLE_EAN)
    assert done.kind is V.ORDER_COMPLETE and len(done.parcels) == 2


def test_void_asks_which_label_and_why_then_prints_a_new_number(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    screen.scan_all("BADGE-S1", "SO-1", MUG_UPC, MUG_UPC)  # a supervisor: a void is theirs
    old = screen.scan(CABLE_EAN).tracking
    assert old
    screen.click(window.action_bar.void_button)
    qtbot.waitUntil(lambda: window.dialog is not None, timeout=VERDICT_TIMEOUT_MS)
    dialog = window.dialog
    assert isinstance(dialog, VoidDialog)
    qtbot.waitExposed(dialog)
    dialog.reason.setText("smudged")
    assert not dialog.ok_button.isEnabled(), "a void needs the label's tracking number"
    dialog.tracking.setText(old)
    voided = screen.answer(lambda: screen.click(dialog.ok_button))
    assert voided.kind is V.LABEL_VOIDED and voided.tracking not in (None, old)
    assert window.banner.headline().startswith("LABEL VOIDED")


def test_packing_slip_button_sends_the_last_orders_slip(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    screen.scan_all("BADGE-P1", "SO-3", TAPE_EAN)
    with qtbot.waitSignal(window.labels.label_printed, timeout=VERDICT_TIMEOUT_MS) as printed:
        slip = screen.answer(lambda: screen.click(window.action_bar.slip_button))
    assert slip.kind is V.SLIP_PRINTING and slip.order == "SO-3"
    assert "slip" in printed.args[1] and printed.args[1].endswith(".pdf")


def test_bulk_print_button_opens_the_days_parcels_for_the_logged_in_supervisor(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    from ui.bulk_print_dialog import BulkPrintDialog

    screen.scan_all("BADGE-S1", "SO-3", TAPE_EAN)  # Sam: no PIN on file, the badge unlocks it
    screen.click(window.action_bar.bulk_button)
    qtbot.waitUntil(lambda: window.dialog is not None, timeout=VERDICT_TIMEOUT_MS)
    dialog = window.dialog
    assert isinstance(dialog, BulkPrintDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=VERDICT_TIMEOUT_MS)
    cell = dialog.table.item(0, 0)
    assert cell is not None and cell.text() == "SO-3"
    dialog.close()
