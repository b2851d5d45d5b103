"""Void a label and bulk print at the bench: a supervisor's badge and PIN first, every
attempt recorded; a packer's badge, scanned or typed, never unlocks either."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlmodel import col, select

from station.importers.packers import hash_pin
from station.models import OrderEvent, Packer
from station.supervisor_auth import SupervisorAuth
from station.verdicts import VerdictKind
from tests.helpers.factory import CABLE_EAN, MUG_UPC, Bench
from tests.ui.conftest import VERDICT_TIMEOUT_MS, PackScreen
from ui.dialogs import VoidDialog
from ui.main_window import MainWindow
from ui.pin_pad import PinPad
from ui.supervisor_gate import BadgeAsk

V = VerdictKind


def attempts(bench: Bench) -> list[tuple[str, str, str]]:
    with bench.store.session() as db:
        rows = db.exec(select(SupervisorAuth).order_by(col(SupervisorAuth.created_at))).all()
    return [(row.action, row.outcome, row.how) for row in rows]


def badge_asked(qtbot: QtBot, window: MainWindow) -> BadgeAsk:
    qtbot.waitUntil(lambda: isinstance(window.supervisor_gate.dialog, BadgeAsk))
    asked = window.supervisor_gate.dialog
    assert isinstance(asked, BadgeAsk)
    qtbot.waitExposed(asked)
    asked.activateWindow()
    qtbot.waitUntil(asked.isActiveWindow)
    return asked


def test_a_packers_badge_scanned_or_typed_never_voids_nor_bulk_prints(
    screen: PackScreen, window: MainWindow, qtbot: QtBot, bench: Bench
) -> None:
    screen.scan_all("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC, CABLE_EAN)

    screen.click(window.action_bar.void_button)
    badge_asked(qtbot, window)
    with qtbot.waitSignal(window.error_shown, timeout=VERDICT_TIMEOUT_MS) as refused:
        screen.scanner.scan("BADGE-P2")  # another packer's badge, scanned
    assert "only a supervisor may void a label" in refused.args[0]

    screen.click(window.action_bar.bulk_button)
    asked = badge_asked(qtbot, window)
    with qtbot.waitSignal(window.error_shown, timeout=VERDICT_TIMEOUT_MS) as refused:
        asked.badge.setText("BADGE-P1")  # their own, typed
        asked.badge.returnPressed.emit()
    assert "only a supervisor may bulk print labels" in refused.args[0]

    assert window.dialog is None, "neither the void nor the bulk print dialog opened"
    assert attempts(bench) == [
        ("void a label", "not_supervisor", "scanner"),
        ("bulk print labels", "not_supervisor", "keyboard"),
    ]


def test_the_logged_in_supervisor_still_types_the_pin_then_voids(
    screen: PackScreen, window: MainWindow, qtbot: QtBot, bench: Bench
) -> None:
    with bench.store.session() as db:
        sam = db.exec(select(Packer).where(Packer.badge == "BADGE-S1")).one()
        sam.pin_hash = hash_pin("4711")
        db.add(sam)
        db.commit()
        sam_id = sam.id
    old = screen.scan_all("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC, CABLE_EAN)[-1].tracking
    assert old
    screen.scan("BADGE-S1")  # Sam takes over the bench

    gate = window.supervisor_gate
    screen.click(window.action_bar.void_button)
    qtbot.waitUntil(lambda: isinstance(gate.dialog, PinPad), timeout=VERDICT_TIMEOUT_MS)
    pad = gate.dialog
    assert isinstance(pad, PinPad)
    for digit in "1234":  # wrong: asked again, saying so
        pad.keys[digit].click()
    pad.ok_button.click()
    qtbot.waitUntil(lambda: gate.dialog is not pad, timeout=VERDICT_TIMEOUT_MS)
    again = gate.dialog
    assert isinstance(again, PinPad) and again.question.text().startswith("Wrong PIN for Sam")
    assert window.dialog is None
    for digit in "4711":
        again.keys[digit].click()
    again.ok_button.click()
    qtbot.waitUntil(lambda: isinstance(window.dialog, VoidDialog), timeout=VERDICT_TIMEOUT_MS)
    dialog = window.dialog
    assert isinstance(dialog, VoidDialog)
    dialog.tracking.setText(old)
    dialog.reason.setText("smudged")

    voided = screen.answer(lambda: screen.click(dialog.ok_button))

    assert voided.kind is V.LABEL_VOIDED
    with bench.store.session() as db:
        event = db.exec(select(OrderEvent).where(OrderEvent.kind == "label_voided")).one()
    assert event.supervisor_id == sam_id
    assert attempts(bench) == [
        ("void a label", "wrong_pin", "keyboard"),
        ("void a label", "allowed", "keyboard"),
    ]


def test_a_void_closed_unanswered_leaves_no_instruction_on_the_band(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    screen.scan_all("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC, CABLE_EAN)  # sealed
    assert screen.scan("CMD-VOID").kind is V.ERRAND and window.banner.headline() == "COMMAND"
    asked = badge_asked(qtbot, window)
    screen.scanner.scan("CMD-CLOSE")  # no supervisor at hand: the badge asked is closed
    qtbot.waitUntil(lambda: not asked.isVisible(), timeout=VERDICT_TIMEOUT_MS)
    assert window.banner.headline() == "Scan an order", "not 'a supervisor's badge first'"

    screen.scan("CMD-VOID")
    badge_asked(qtbot, window)
    screen.scanner.scan("BADGE-S1")  # a supervisor with no PIN: the void dialog opens
    qtbot.waitUntil(lambda: isinstance(window.dialog, VoidDialog), timeout=VERDICT_TIMEOUT_MS)
    screen.scanner.scan("CMD-CLOSE")  # nothing voided after all
    qtbot.waitUntil(lambda: window.dialog is None, timeout=VERDICT_TIMEOUT_MS)
    assert window.banner.headline() == "Scan an order"


def test_the_pin_pad_is_closed_by_scanning_close(
    screen: PackScreen, window: MainWindow, qtbot: QtBot, bench: Bench
) -> None:
    with bench.store.session() as db:
        sam = db.exec(select(Packer).where(Packer.badge == "BADGE-S1")).one()
        sam.pin_hash = hash_pin("4711")
        db.add(sam)
        db.commit()
    screen.scan_all("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC, CABLE_EAN, "CMD-VOID")
    badge_asked(qtbot, window)
    screen.scanner.scan("BADGE-S1")
    qtbot.waitUntil(lambda: isinstance(window.supervisor_gate.dialog, PinPad))
    pad = window.supervisor_gate.dialog
    assert isinstance(pad, PinPad)
    qtbot.waitExposed(pad)
    pad.activateWindow()
    qtbot.waitUntil(pad.isActiveWindow)

    screen.scanner.scan("CMD-CLOSE")  # a scanner alone: the supervisor walked away

    qtbot.waitUntil(lambda: not pad.isVisible(), timeout=VERDICT_TIMEOUT_MS)
    assert window.banner.headline() == "Scan an order", "closed, not 'nothing to choose'"
