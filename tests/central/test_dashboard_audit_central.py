"""The office dashboard's audit state per station, from a real central database: never
verified until `audit verify --central` leaves its mark, then verified up to that link,
then the events synced since said as not yet verified; the newest anchor beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from station.audit.anchors import write_anchors
from station.audit.central import send_anchors
from station.audit.central_verify import verify_central
from station.central.connect import central_engine
from station.sync.exchange import sync_once
from tests.central.bench_events import packed_bench
from tests.central.conftest import Central
from tests.central.test_dashboard_central import BERLIN, TIMEOUT_MS, window_on
from ui.dashboard.audit_bar import COLOURS
from ui.dashboard.central_source import CentralReader
from ui.dashboard.window import DashboardWindow

STATION = "bench-1"
# The offscreen platform's warning about size hints (see tests/ui/conftest.py): not our widgets.
pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")


def shown_after_refresh(qtbot: QtBot, window: DashboardWindow, saying: str) -> str:
    with qtbot.waitSignal(
        window.audit_shown, timeout=TIMEOUT_MS, check_params_cb=lambda words: saying in words
    ) as shown:
        window.refresh()
    return str(shown.args[0])


def test_the_state_follows_the_central_verification_and_the_events_synced_after_it(
    qtbot: QtBot, central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path / STATION, STATION)
    assert sync_once(url, bench.store, STATION).pending == 0
    owner = central_engine(central.admin_url)
    send_anchors(owner, write_anchors(bench.store))
    reader = CentralReader(central.add_station("office-1"), BERLIN)  # a login of the group
    window = window_on(qtbot, reader)
    window.start()
    try:
        never = shown_after_refresh(qtbot, window, "never verified")
        assert never.startswith(
            f"Audit trail: {STATION}: never verified - run `main.py audit verify --central`"
        )
        assert "newest anchor: link " in never  # beside the state: an anchor verifies nothing
        assert COLOURS["unverified"] in window.audit.styleSheet()
        assert not window.audit_button.isVisible()  # the dashboard verifies nothing centrally

        marked = verify_central(owner, [STATION], mark=True)  # as `audit verify --central`
        assert marked.ok, marked.as_text()
        verified = f"verified intact up to link {marked.heads[STATION]:,} at "
        clean = shown_after_refresh(qtbot, window, verified)
        assert "nothing recorded since" in clean
        assert COLOURS["verified"] in window.audit.styleSheet()

        session = bench.session(STATION)
        try:
            for _ in range(3):
                session.handle_scan("BADGE-P2")
        finally:
            session.close()
        assert sync_once(url, bench.store, STATION).pending == 0
        after = shown_after_refresh(qtbot, window, "since, not yet verified")
        assert verified in after and "3 event(s) recorded since" in after
        assert COLOURS["unverified"] in window.audit.styleSheet()
    finally:
        window.worker.shutdown(wait=True)
        reader.close()
        owner.dispose()
        bench.store.close()
