"""The office dashboard's audit state per station, from a real central database: never
verified until `audit verify --central` leaves its mark, then verified up to that link,
then the events synced since said as not yet verified; the newest anchor beside it."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg.types.json import Jsonb
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from station.audit.anchors import write_anchors
from station.audit.central import send_anchors
from station.audit.central_verify import verify_central
from station.audit.known import central_known
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


def test_a_problem_found_centrally_shows_until_a_newer_clean_verification(
    qtbot: QtBot, central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path / STATION, STATION)
    assert sync_once(url, bench.store, STATION).pending == 0
    bench.store.close()
    owner = central_engine(central.admin_url)
    reader = CentralReader(central.add_station("office-1"), BERLIN)
    window = window_on(qtbot, reader)
    window.start()
    with psycopg.connect(central.admin_url, autocommit=True) as admin:
        row = admin.execute("SELECT id, data FROM scanevent ORDER BY seq LIMIT 1").fetchone()
        assert row is not None
        scan_id, data = row
        admin.execute(  # someone with the database's password, in psql
            "UPDATE scanevent SET data = jsonb_set(data, '{raw}', '\"X\"') WHERE id = %s",
            (scan_id,),
        )
        owner_name = admin.execute("SELECT current_user").fetchone()
    assert owner_name is not None
    try:
        shown_after_refresh(qtbot, window, "never verified")  # the start's own refresh
        broken = verify_central(owner, [STATION], mark=True)  # as `audit verify --central`
        assert not broken.ok
        assert not broken.notes, broken.notes
        problem = shown_after_refresh(qtbot, window, "PROBLEM")
        assert f"{STATION}: PROBLEM found by the verification at " in problem
        assert f" by {owner_name[0]}: " in problem
        first = broken.first()
        assert first is not None and first.message in problem
        assert COLOURS["broken"] in window.audit.styleSheet()

        # A supervisor with a station's login cannot clear it, nor can the owner, in SQL.
        for login in (url, central.admin_url):
            with psycopg.connect(login, autocommit=True) as db:
                for clear in ("DELETE FROM audit_finding", "UPDATE audit_finding SET problems = 1"):
                    with pytest.raises(psycopg.Error, match=r"append-only|permission denied"):
                        db.execute(clear)
        assert "PROBLEM" in shown_after_refresh(qtbot, window, "PROBLEM")

        with psycopg.connect(central.admin_url, autocommit=True) as admin:
            admin.execute("UPDATE scanevent SET data = %s WHERE id = %s", (Jsonb(data), scan_id))
        clean = verify_central(owner, [STATION], mark=True)
        assert clean.ok, clean.as_text()
        verified = shown_after_refresh(qtbot, window, "verified intact up to link")
        assert f"verified intact up to link {clean.heads[STATION]:,} at " in verified
        assert COLOURS["verified"] in window.audit.styleSheet()
        with psycopg.connect(central.admin_url) as admin:  # superseded, not cleared
            kept = admin.execute("SELECT count(*) FROM audit_finding").fetchone()
        assert kept == (1,)
    finally:
        window.worker.shutdown(wait=True)
        reader.close()
        owner.dispose()


def test_a_problem_found_with_a_stations_login_is_recorded_under_that_login(
    central: Central, tmp_path: Path
) -> None:
    url = central.add_station(STATION)
    bench = packed_bench(tmp_path / STATION, STATION)
    assert sync_once(url, bench.store, STATION).pending == 0
    bench.store.close()
    with psycopg.connect(central.admin_url, autocommit=True) as admin:
        admin.execute("DELETE FROM orderevent WHERE seq = (SELECT min(seq) FROM orderevent)")
    station_login = central_engine(url)
    try:
        report = verify_central(station_login, [STATION], mark=True)
        with station_login.connect() as connection:
            known = central_known(connection)
            login = connection.execute(text("SELECT current_user")).scalar_one()
    finally:
        station_login.dispose()

    assert not report.ok
    assert [each.level for each in known] == ["broken"]
    verification = known[0].verified
    assert verification is not None and verification.by == login
    assert verification.problems == len(report.problems)
    assert "The problems were not recorded" not in report.as_text()
