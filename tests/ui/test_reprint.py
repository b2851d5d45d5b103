"""Reprinting the last label asks why, prints it again and records who and why."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlmodel import select

from station.models import OrderEvent, Packer
from station.verdicts import VerdictKind
from tests.helpers.factory import TAPE_EAN, Bench
from tests.ui.conftest import VERDICT_TIMEOUT_MS, PackScreen
from ui.dialogs import ReprintDialog
from ui.main_window import MainWindow


def test_reprint_asks_a_reason_and_prints_the_label_again(
    screen: PackScreen, window: MainWindow, qtbot: QtBot, bench: Bench
) -> None:
    assert not window.action_bar.reprint_button.isEnabled(), "nobody logged in"
    with qtbot.waitSignal(window.labels.label_printed, timeout=VERDICT_TIMEOUT_MS) as first:
        screen.scan_all("BADGE-P1", "SO-3", TAPE_EAN)
    screen.click(window.action_bar.reprint_button)
    dialog = window.dialog
    assert isinstance(dialog, ReprintDialog)
    qtbot.waitExposed(dialog)
    assert not dialog.ok_button.isEnabled(), "no reprint without a reason"
    dialog.reason.setText("label torn")
    with qtbot.waitSignal(window.labels.label_printed, timeout=VERDICT_TIMEOUT_MS) as again:
        verdict = screen.answer(lambda: screen.click(dialog.ok_button))
    assert verdict.kind is VerdictKind.LABEL_REPRINTED
    assert verdict.tracking == "1Z999AA10123456784"
    assert Path(again.args[1]).is_file() and again.args[1] != first.args[1]
    with bench.store.session() as db:
        event = db.exec(select(OrderEvent).where(OrderEvent.kind == "label_reprinted")).one()
        packer = db.get(Packer, event.packer_id)
    assert (event.reason, packer.name if packer else None) == ("label torn", "Ana")


def test_reprint_before_any_label_says_there_is_nothing_to_reprint(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    screen.scan("BADGE-P1")
    screen.click(window.action_bar.reprint_button)
    dialog = window.dialog
    assert isinstance(dialog, ReprintDialog)
    dialog.reason.setText("just checking")
    with qtbot.waitSignal(window.error_shown, timeout=VERDICT_TIMEOUT_MS) as shown:
        screen.click(dialog.ok_button)
    assert "nothing to reprint" in shown.args[0]
