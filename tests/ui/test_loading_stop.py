"""A stop at the dock is acknowledged before a scanned close counts, as in replay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from station.models import utc_now
from station.verdicts import VerdictKind
from tests.helpers.factory import Bench
from tests.helpers.sealed import seal_orders
from tests.helpers.sounds import RecordingSoundPlayer
from ui.loading.close_dialog import CloseLoadDialog
from ui.loading.mode import LoadingMode, attach_loading_mode
from ui.main_window import MainWindow
from ui.style import Role

TIMEOUT_MS = 10_000
DHL = "JJDSO0000000101"
POSTNL = "JJDSO0000000201"


@pytest.fixture
def mode(window: MainWindow, bench: Bench, sounds: RecordingSoundPlayer) -> LoadingMode:
    seal_orders(bench.store, "bench-1", 2, sealed_at=utc_now() - timedelta(minutes=10))
    return attach_loading_mode(window, window.controller, bench.settings, sounds)


def scan(qtbot: QtBot, mode: LoadingMode, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(mode.dock.answered, timeout=TIMEOUT_MS):
        window.controller.scan(text)


def test_a_close_scanned_while_a_stop_waits_is_not_taken(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode
) -> None:
    for text in ("CMD-LOAD", "DHL Express", DHL, POSTNL):  # the last: wrong courier, a stop
        scan(qtbot, mode, window, text)

    scan(qtbot, mode, window, "CMD-CLOSE-LOAD")

    assert mode.dialog is None, "the close dialog would cover the stop"
    assert mode.last is not None and mode.last.kind is VerdictKind.NEEDS_ACKNOWLEDGEMENT
    assert "Not closed" in mode.last.verdict.message and mode.last.load_open
    assert mode.screen.banner.role is Role.STOP
    scan(qtbot, mode, window, "CMD-ACK")
    window.controller.scan("CMD-CLOSE-LOAD")  # acknowledged: now the close goes on
    assert isinstance(mode.dialog, CloseLoadDialog)
