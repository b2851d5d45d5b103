"""The bench dashboard's audit state says what is known: never verified, verified up to
a link and when, the events recorded since, or the problem found; offscreen."""

from __future__ import annotations

import sqlite3
from datetime import UTC

import pytest
from pytestqt.qtbot import QtBot

from station.audit.verified_here import FILE_NAME
from station.session import PackSession
from tests.helpers.factory import Bench
from tests.ui.test_dashboard import TIMEOUT_MS, pack
from ui.dashboard.audit_bar import COLOURS
from ui.dashboard.source import DashboardReader, ReadOnlyStore
from ui.dashboard.window import DashboardWindow


def head(bench: Bench) -> int:
    with sqlite3.connect(bench.store.path) as db:
        row = db.execute("SELECT max(seq) FROM auditlink WHERE station = 'bench-1'").fetchone()
    return int(row[0])


def shown_after_refresh(qtbot: QtBot, window: DashboardWindow, saying: str) -> str:
    """The words a refresh shows (a read queued before it may answer first: passed over)."""
    with qtbot.waitSignal(
        window.audit_shown, timeout=TIMEOUT_MS, check_params_cb=lambda words: saying in words
    ) as shown:
        window.refresh()
    return str(shown.args[0])


def opened(qtbot: QtBot, bench: Bench, *, audit_at_start: bool = False) -> DashboardWindow:
    window = DashboardWindow(
        DashboardReader(ReadOnlyStore(bench.store.path), UTC),
        "bench-1",
        audit_at_start=audit_at_start,
    )
    qtbot.addWidget(window)
    return window


@pytest.fixture
def dashboard(qtbot: QtBot, bench: Bench, session: PackSession) -> DashboardWindow:
    """The bench's dashboard (F9) after a few orders, its first reads done."""
    pack(session)
    window = opened(qtbot, bench)
    with qtbot.waitSignal(window.audit_shown, timeout=TIMEOUT_MS):
        window.start()
    return window


def test_the_state_says_never_verified_then_how_far_then_what_came_since(
    qtbot: QtBot, dashboard: DashboardWindow, bench: Bench, session: PackSession
) -> None:
    before = shown_after_refresh(qtbot, dashboard, "never verified")
    assert before.startswith("Audit trail: bench-1: never verified - press Verify audit trail")
    assert "no anchor yet" in before  # the anchor is a fact beside the state, not the state
    assert COLOURS["unverified"] in dashboard.audit.styleSheet()

    with qtbot.waitSignal(dashboard.audit_shown, timeout=TIMEOUT_MS) as checked:
        dashboard.audit_button.click()  # at the bench: when asked
    verified = f"verified intact up to link {head(bench):,} at "
    assert verified in checked.args[0] and "nothing recorded since" in checked.args[0]
    assert COLOURS["verified"] in dashboard.audit.styleSheet()

    for raw in ("BADGE-P2", "SO-2"):  # the bench goes on packing
        session.handle_scan(raw)
    after = shown_after_refresh(qtbot, dashboard, "since, not yet verified")
    assert verified in after  # what was verified stays said
    assert "2 event(s) recorded since, not yet verified" in after
    assert COLOURS["unverified"] in dashboard.audit.styleSheet()

    later = opened(qtbot, bench)  # a dashboard opened later reads the verification recorded
    assert verified in shown_after_refresh(qtbot, later, "bench-1")
    assert (bench.data_dir / FILE_NAME).is_file()


def test_a_problem_found_is_said_in_red_until_verified_again(
    qtbot: QtBot, dashboard: DashboardWindow, bench: Bench
) -> None:
    with sqlite3.connect(bench.store.path) as db:  # someone edits a scan behind the station
        db.execute("UPDATE scanevent SET raw = 'SO-9' WHERE raw = 'SO-2'")
    office = opened(qtbot, bench, audit_at_start=True)  # `main.py dashboard`: verifies at once
    with qtbot.waitSignal(
        office.audit_shown, timeout=TIMEOUT_MS, check_params_cb=lambda w: "PROBLEM" in w
    ) as shown:
        office.start()
    assert "bench-1: PROBLEM found by the verification at " in shown.args[0]
    assert "scanevent" in shown.args[0]
    assert COLOURS["broken"] in office.audit.styleSheet()

    # The bench's own window, which verified nothing, reads the problem recorded.
    assert "found by the verification" in shown_after_refresh(qtbot, dashboard, "PROBLEM")
    assert COLOURS["broken"] in dashboard.audit.styleSheet()


def test_a_damaged_record_is_said_with_what_to_do(
    qtbot: QtBot, dashboard: DashboardWindow, bench: Bench
) -> None:
    (bench.data_dir / FILE_NAME).write_text("{not json", encoding="utf-8")
    words = shown_after_refresh(qtbot, dashboard, "could not be read")
    assert words.startswith("Audit trail: could not be read (The record of the last audit")
    assert "verify again (Verify audit trail" in words

    with qtbot.waitSignal(dashboard.audit_shown, timeout=TIMEOUT_MS) as checked:
        dashboard.audit_button.click()  # writes it anew
    assert "verified intact up to link" in checked.args[0]


def test_a_verification_asked_while_a_read_fails_is_not_undone_by_that_read(
    qtbot: QtBot, dashboard: DashboardWindow, bench: Bench
) -> None:
    (bench.data_dir / FILE_NAME).write_text("{not json", encoding="utf-8")
    shown_after_refresh(qtbot, dashboard, "could not be read")
    dashboard.refresh()  # its audit read, queued first, fails again

    with qtbot.waitSignal(dashboard.audit_shown, timeout=TIMEOUT_MS) as first:
        dashboard.audit_button.click()  # as the words say: verify again
    # The failed read neither said "could not be read" over the verification under way nor
    # let the button ask for a second one.
    assert "verified intact up to link" in first.args[0]
