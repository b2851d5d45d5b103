"""The supervisor dashboard on a real store packed through the real engine, offscreen."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlmodel import select

import main
from station.evidence import EvidenceFile
from station.exception_queue import ExceptionDesk
from station.importers.packers import hash_pin
from station.models import Packer
from station.session import ExceptionReason, PackSession
from station.supervisor.drill import OrderRef, Trail
from station.supervisor.figures import EVERYONE, Filter
from station.supervisor.period import Period
from station.supervisor_auth import SupervisorAuth
from station.verdicts import VerdictKind
from tests.helpers.factory import CABLE_EAN, MUG_CASE, MUG_UPC, TAPE_EAN, Bench
from ui.dashboard.figure_table import COLUMNS, FigureTable
from ui.dashboard.source import DashboardReader, ReadOnlyStore, Snapshot
from ui.dashboard.window import DashboardWindow
from ui.main_window import MainWindow

TIMEOUT_MS = 10_000
VIDEOS_ASKED: list[str] = []  # the orders whose evidence the dashboard was asked to open


def pack(session: PackSession) -> None:
    """Ana packs SO-1 with one wrong item caught and flags SO-3; Ben packs SO-2 cleanly."""
    scans = ["BADGE-P1", "SO-1", MUG_UPC, TAPE_EAN, "CMD-ACK", MUG_UPC, CABLE_EAN]
    scans += ["BADGE-P2", "SO-2", MUG_CASE, TAPE_EAN, "BADGE-P1", "SO-3"]
    for scan in scans:
        session.handle_scan(scan)
    assert session.flag_exception(ExceptionReason.DAMAGED, "box crushed").kind is (
        VerdictKind.EXCEPTION_FLAGGED
    )


class ThreadNotingReader(DashboardReader):
    """The real reader, noting the thread each snapshot is read on."""

    threads: list[str]

    def snapshot(self, period: Period, only: Filter = EVERYONE) -> Snapshot:
        self.threads.append(threading.current_thread().name)
        return super().snapshot(period, only)


@pytest.fixture
def reader(bench: Bench) -> Iterator[ThreadNotingReader]:
    store = ReadOnlyStore(bench.store.path)
    reader = ThreadNotingReader(store, UTC)
    reader.threads = []
    yield reader
    store.close()


@pytest.fixture
def dashboard(
    qtbot: QtBot, bench: Bench, session: PackSession, reader: ThreadNotingReader
) -> DashboardWindow:
    pack(session)
    desk = ExceptionDesk(bench.store, session.station, session.sequence)
    window = DashboardWindow(
        reader, "bench-1", desk=desk, supervisor_badge="BADGE-S1", open_video=VIDEOS_ASKED.append
    )
    qtbot.addWidget(window)
    window.resize(1600, 950)
    window.show()
    with qtbot.waitSignal(window.refreshed, timeout=TIMEOUT_MS):
        window.start()
    return window


def cells(table: FigureTable, row: int) -> dict[str, str]:
    texts = {}
    for number, column in enumerate(COLUMNS, start=1):
        item = table.item(row, number)
        texts[column.title.replace("\n", " ")] = item.text() if item else ""
    first = table.item(row, 0)
    texts["who"] = first.text() if first else ""
    return texts


def click_cell(qtbot: QtBot, table: FigureTable, row: int, title: str) -> None:
    column = 1 + [c.title.replace("\n", " ") for c in COLUMNS].index(title)
    item = table.item(row, column)
    assert item is not None
    table.scrollToItem(item)
    centre = table.visualItemRect(item).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def test_the_window_shows_the_figures_of_the_packed_store(dashboard: DashboardWindow) -> None:
    ana, ben = cells(dashboard.by_packer, 0), cells(dashboard.by_packer, 1)
    assert ana["who"] == "Ana  (BADGE-P1)"
    assert (ana["Orders"], ana["Units"], ana["Accuracy"], ana["Orders with a mistake"]) == (
        "1",
        "3",
        "0.00 %",
        "1",
    )
    assert ana["Wrong item /1,000 u (n)"] == "333.3 (1)"  # 1 wrong item in 3 units
    assert ana["Exceptions opened"] == "1"
    assert ben["who"] == "Ben  (BADGE-P2)"
    assert (ben["Orders"], ben["Units"], ben["Accuracy"]) == ("1", "7", "100.00 %")
    assert ben["Wrong item /1,000 u (n)"] == "0.0 (0)"
    station = cells(dashboard.by_station, 0)
    assert (station["who"], station["Orders"], station["Accuracy"]) == ("bench-1", "2", "50.00 %")
    assert dashboard.kpis.buttons["accuracy_pct"].value.text() == "50.00 %"
    assert (dashboard.mistake_chart.kinds, dashboard.mistake_chart.values) == (["wrong_item"], [1])
    assert (dashboard.reason_chart.kinds, dashboard.reason_chart.values) == (["damaged"], [1])
    assert sum(dashboard.hour_chart.values) == 2
    assert dashboard.accuracy_chart.values[-1] == 50.0
    # Every figure says how it is computed.
    header = dashboard.by_packer.horizontalHeaderItem(3)
    assert header is not None and header.toolTip().startswith("100 x (orders packed")
    assert dashboard.queue.table.rowCount() == 1
    assert dashboard.tabs.tabText(1) == "Exception queue (1)"


def add_video(bench: Bench, number: str) -> None:
    """A closed video segment of the order, as the camera's recorder stores one."""
    now = datetime.now(UTC)
    with bench.store.session() as db:
        db.add(
            EvidenceFile(
                order_number=number,
                station="bench-1",
                kind="video",
                path=f"evidence/{number}/0001.mp4",
                sha256="0" * 64,
                size=1,
                started_at=now,
                ended_at=now,
            )
        )
        db.commit()


def test_a_click_on_a_packers_figure_lists_exactly_its_orders_and_opens_a_trail(
    qtbot: QtBot, dashboard: DashboardWindow, bench: Bench
) -> None:
    drills: list[list[OrderRef]] = []
    dashboard.orders_shown.connect(drills.append)
    for row, title, expected in (
        (0, "Orders", ["SO-1"]),
        (1, "Orders", ["SO-2"]),
        (0, "Wrong item /1,000 u (n)", ["SO-1"]),
        (1, "Orders with a mistake", []),
        (0, "Exceptions opened", ["SO-3"]),
    ):
        with qtbot.waitSignal(dashboard.orders_shown, timeout=TIMEOUT_MS):
            click_cell(qtbot, dashboard.by_packer, row, title)
        assert [ref.number for ref in drills[-1]] == expected
    with qtbot.waitSignal(dashboard.orders_shown, timeout=TIMEOUT_MS):
        click_cell(qtbot, dashboard.by_packer, 0, "Wrong item /1,000 u (n)")
    (ref,) = drills[-1]
    assert (ref.what, ref.packer, ref.station) == ("wrong_item", "BADGE-P1", "bench-1")

    add_video(bench, "SO-1")
    with qtbot.waitSignal(dashboard.trail_shown, timeout=TIMEOUT_MS) as shown:
        dashboard.drill_panel.orders.choose(0)
    trail: Trail = shown.args[0]
    assert trail.number == "SO-1"
    assert [scan.verdict for scan in trail.scans].count("wrong_item") == 1
    text = dashboard.drill_panel.trail.toPlainText()
    assert "Order SO-1" in text and "wrong item" in text and "BADGE-P1" in text
    assert trail.parcels and trail.parcels[0].tracking in text
    assert "Video: 1 video segment(s), 0 photo(s) kept" in text
    dashboard.drill_panel.video_button.click()  # the hook to the evidence viewer
    assert VIDEOS_ASKED[-1] == "SO-1"


def test_a_bar_leads_to_its_orders(qtbot: QtBot, dashboard: DashboardWindow) -> None:
    with qtbot.waitSignal(dashboard.orders_shown, timeout=TIMEOUT_MS) as shown:
        dashboard.reason_chart.bar_clicked.emit(0)
    assert [(ref.number, ref.what) for ref in shown.args[0]] == [
        ("SO-3", "exception_flagged: damaged")
    ]
    with qtbot.waitSignal(dashboard.orders_shown, timeout=TIMEOUT_MS) as shown:
        dashboard.accuracy_chart.bar_clicked.emit(len(dashboard.accuracy_chart.days) - 1)
    assert [ref.number for ref in shown.args[0]] == ["SO-1"]


def test_it_reads_again_by_itself_off_the_ui_thread(
    qtbot: QtBot, dashboard: DashboardWindow, session: PackSession, reader: ThreadNotingReader
) -> None:
    session.handle_scan("NOT-IN-THE-CATALOG")  # an unknown barcode: a mistake caught
    dashboard.timer.setInterval(50)
    with qtbot.waitSignal(dashboard.refreshed, timeout=TIMEOUT_MS) as refreshed:
        pass
    snapshot: Snapshot = refreshed.args[0]
    assert {row.kind for row in snapshot.mistakes} == {"wrong_item", "unknown_barcode"}
    assert "unknown_barcode" in dashboard.mistake_chart.kinds
    assert set(reader.threads) == {"dashboard-worker"}
    assert threading.current_thread() is threading.main_thread()


def scan_at(qtbot: QtBot, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(window.verdict_shown, timeout=TIMEOUT_MS):
        window.controller.scan(text)


# Bringing the open dashboard forward: the offscreen platform has no window manager to ask.
@pytest.mark.qt_log_ignore(r"^This plugin does not support (raise|propagateSizeHints)\(\)$")
def test_f9_opens_it_for_a_supervisor_only(qtbot: QtBot, window: MainWindow) -> None:
    scan_at(qtbot, window, "BADGE-P1")
    with qtbot.waitSignal(window.error_shown, timeout=TIMEOUT_MS) as refused:
        qtbot.keyClick(window, Qt.Key.Key_F9)
    assert "for supervisors" in refused.args[0]
    assert window.dashboard is None or window.dashboard.window is None

    scan_at(qtbot, window, "BADGE-S1")  # Sam has no PIN on file: the badge opens it
    qtbot.keyClick(window, Qt.Key.Key_F9)
    opener = window.dashboard
    assert opener is not None
    qtbot.waitUntil(lambda: opener.window is not None, timeout=TIMEOUT_MS)
    dashboard = opener.window
    assert dashboard is not None and dashboard.isVisible()
    assert dashboard.supervisor == "BADGE-S1"
    qtbot.waitUntil(lambda: dashboard.snapshot is not None, timeout=TIMEOUT_MS)
    qtbot.keyClick(window, Qt.Key.Key_F9)  # again: the same window comes forward
    assert opener.window is dashboard
    scan_at(qtbot, window, "CMD-DASHBOARD")  # a bench without a keyboard: the same
    assert opener.window is dashboard


def test_f9_asks_a_supervisors_pin_and_records_each_attempt(
    qtbot: QtBot, window: MainWindow, bench: Bench
) -> None:
    with bench.store.session() as db:
        sam = db.exec(select(Packer).where(Packer.badge == "BADGE-S1")).one()
        sam.pin_hash = hash_pin("4711")
        db.add(sam)
        db.commit()
    scan_at(qtbot, window, "BADGE-S1")
    qtbot.keyClick(window, Qt.Key.Key_F9)
    opener = window.dashboard
    assert opener is not None
    qtbot.waitUntil(lambda: opener.pin_pad is not None, timeout=TIMEOUT_MS)
    pad = opener.pin_pad
    assert pad is not None
    for digit in "1234":  # wrong: asked again, saying so; the dashboard stays shut
        pad.keys[digit].click()
    pad.ok_button.click()
    qtbot.waitUntil(lambda: opener.pin_pad is not pad, timeout=TIMEOUT_MS)
    assert opener.pin_pad is not None
    assert opener.pin_pad.question.text().startswith("Wrong PIN for Sam")
    assert opener.window is None
    for digit in "4711":  # on the keypad, as with gloves on
        opener.pin_pad.keys[digit].click()
    opener.pin_pad.ok_button.click()
    qtbot.waitUntil(lambda: opener.window is not None, timeout=TIMEOUT_MS)
    with bench.store.session() as db:
        outcomes = db.exec(
            select(SupervisorAuth.outcome).where(SupervisorAuth.action == "open the dashboard")
        ).all()
    assert sorted(outcomes) == ["allowed", "wrong_pin"]


def test_the_office_dashboard_refuses_a_missing_store_a_packer_and_a_wrong_pin(
    bench: Bench, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def refused(data_dir: Path, *words: str) -> str:
        assert main.main(["dashboard", "--data-dir", str(data_dir), *words]) == 2
        return capsys.readouterr().err

    assert "There is no station database" in refused(tmp_path / "empty", "--supervisor", "X")
    assert "Ana is a packer" in refused(bench.data_dir, "--supervisor", "BADGE-P1")
    with bench.store.session() as db:
        sam = db.exec(select(Packer).where(Packer.badge == "BADGE-S1")).one()
        sam.pin_hash = hash_pin("4711")
        db.add(sam)
        db.commit()
    assert "type your PIN" in refused(bench.data_dir, "--supervisor", "BADGE-S1")
    wrong = refused(bench.data_dir, "--supervisor", "BADGE-S1", "--pin", "1111")
    assert "Wrong PIN for Sam" in wrong and "--pin" in wrong


def test_a_store_with_nothing_packed_shows_dashes_not_errors(
    qtbot: QtBot, reader: ThreadNotingReader
) -> None:
    window = DashboardWindow(reader, "bench-1")
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.refreshed, timeout=TIMEOUT_MS):
        window.start()
    assert window.kpis.buttons["accuracy_pct"].value.text() == "—"
    assert window.by_packer.rowCount() == window.by_station.rowCount() == 0
    assert window.mistake_chart.chart().title().endswith("none in this period")
    assert window.queue.count.text() == "No order is waiting in exception."
    assert not window.queue.release_button.isEnabled()  # no desk: nothing to decide


def test_today_moves_on_at_midnight_while_a_range_stays(
    qtbot: QtBot, reader: ThreadNotingReader
) -> None:
    clock = [datetime(2026, 12, 3, 23, 59, tzinfo=UTC)]
    window = DashboardWindow(reader, "bench-1", now=lambda: clock[0])
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.refreshed, timeout=TIMEOUT_MS) as first:
        window.start()
    assert first.args[0].period.start.isoformat() == "2026-12-03"
    clock[0] = datetime(2026, 12, 4, 0, 1, tzinfo=UTC)
    with qtbot.waitSignal(window.refreshed, timeout=TIMEOUT_MS) as moved:
        window.refresh()
    assert moved.args[0].period.start.isoformat() == "2026-12-04"
    assert window.from_date.date().toString("yyyy-MM-dd") == "2026-12-04"
    window.from_date.setDate(window.from_date.date().addDays(-3))
    with qtbot.waitSignal(window.refreshed, timeout=TIMEOUT_MS) as ranged:
        window.range_button.click()
    clock[0] = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    with qtbot.waitSignal(window.refreshed, timeout=TIMEOUT_MS) as kept:
        window.refresh()
    assert kept.args[0].period == ranged.args[0].period
    assert (kept.args[0].period.start.isoformat(), kept.args[0].period.days) == ("2026-12-01", 4)


def test_a_store_it_cannot_read_is_said_on_screen_and_it_reads_again_later(
    qtbot: QtBot, tmp_path: Path
) -> None:
    broken = ReadOnlyStore(tmp_path / "not-a-station.db")  # no tables: every read fails
    window = DashboardWindow(DashboardReader(broken, UTC), "bench-1")
    qtbot.addWidget(window)
    window.start()
    qtbot.waitUntil(lambda: window.status.text().startswith("Could not read"), timeout=TIMEOUT_MS)
    assert window.snapshot is None
    window.refresh()  # not stuck: the next refresh runs
    assert window.status.text() == "Reading…"
    qtbot.waitUntil(lambda: window.status.text().startswith("Could not read"), timeout=TIMEOUT_MS)
    broken.close()
