"""The pack screen takes an order off the bench as soon as its claim is refused, unasked."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from station.central.claim_worker import bench_claims
from station.central.claims import claim_order
from station.central.connect import central_engine
from station.settings import Settings
from station.store import Store
from station.sync.exchange import sync_once
from station.sync.settings import Central as CentralSettings
from station.verdicts import Tone, Verdict, VerdictKind
from tests.central.conftest import Central
from tests.central.test_bench_claims import warehouse
from tests.central.test_claims import order_id
from tests.helpers.factory import Bench, give_tracking_ranges
from tests.helpers.sounds import RecordingSoundPlayer
from tests.helpers.wedge import FakeClock
from tests.ui.conftest import OFFSCREEN_NOISE, VERDICT_TIMEOUT_MS
from ui.app import build_main_window, connect_claims


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
def test_a_refused_claim_takes_the_order_off_the_screen_without_a_scan(
    qtbot: QtBot, central: Central, tmp_path: Path
) -> None:
    warehouse(central, tmp_path)
    one, two = central.add_station("bench-1"), central.add_station("bench-2")
    store = Store.open(tmp_path / "bench-2")
    assert sync_once(two, store, "bench-2").reached
    give_tracking_ranges(store, ["bench-2"])
    # bench-1 takes SO-1 after bench-2's last sync: bench-2's mirror cannot know.
    claim_order(central_engine(one), order_id(central, "SO-1"))
    settings = Settings(station="bench-2", central=CentralSettings(two))
    session = Bench(store, tmp_path / "bench-2", settings).session("bench-2")
    sounds = RecordingSoundPlayer()
    try:
        with bench_claims(session, two):
            window = build_main_window(session, settings, sounds, clock=FakeClock())
            qtbot.addWidget(window)
            connect_claims(window)
            shown: list[Verdict] = []
            window.verdict_shown.connect(shown.append)
            with qtbot.waitSignal(window.view_shown, timeout=VERDICT_TIMEOUT_MS):
                window.start()
            window.controller.scan("BADGE-P1")
            window.controller.scan("SO-1")  # opened at once from the mirror...
            # ...then, with no further input, the refused claim takes it off.
            qtbot.waitUntil(lambda: len(shown) == 3, timeout=VERDICT_TIMEOUT_MS)
            assert [verdict.kind for verdict in shown] == [
                VerdictKind.LOGIN,
                VerdictKind.ORDER_OPENED,
                VerdictKind.ORDER_CLAIMED_ELSEWHERE,
            ]
            assert "bench-1" in shown[-1].message and sounds.played[-1] is Tone.ERROR
            assert session.view().order is None
            window.close()
    finally:
        session.close()
        store.close()
