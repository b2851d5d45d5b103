"""A station restarted mid-order (crash, kill -9, power cut) opens where it was."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from station.verdicts import Awaiting, Tone
from tests.helpers.factory import MUG_UPC, STRANGER_EAN, Bench
from tests.helpers.sounds import RecordingSoundPlayer
from tests.ui.conftest import VERDICT_TIMEOUT_MS
from tests.ui.test_main_window import row_texts
from ui.app import build_main_window
from ui.style import Role


def test_the_window_reopens_the_order_with_its_counts_and_pending_error(
    qtbot: QtBot, bench: Bench
) -> None:
    before = bench.session()
    for scan in ("BADGE-P1", "SO-1", MUG_UPC, STRANGER_EAN):
        before.handle_scan(scan)
    before.close()  # as if the process had died here: nothing else is written

    session = bench.session()
    sounds = RecordingSoundPlayer()
    window = build_main_window(session, bench.settings, sounds)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.view_shown, timeout=VERDICT_TIMEOUT_MS) as shown:
        window.start()
    assert shown.args[0].awaiting is Awaiting.ACKNOWLEDGEMENT
    assert window.header.order_label.text() == "Order SO-1"
    assert window.header.packer_label.text() == "Ana (packer)"
    assert "1 / 2" in row_texts(window, 0)
    assert window.action_bar.acknowledge_button.isEnabled()
    # What the packer saw before the stop: the error, which item, what to do, and the row.
    assert window.banner.headline() == "WRONG ITEM"
    assert "Design Patterns" in window.banner.detail()
    assert window.banner.action() == "Press Esc or scan ACKNOWLEDGE (CMD-ACK)"
    assert window.banner.role is Role.STOP and window.banner.needs_action
    assert window.order_table.lines_model.active_row == 0
    assert sounds.played == [Tone.ERROR]
    session.close()
