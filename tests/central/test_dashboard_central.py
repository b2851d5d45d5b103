"""The dashboard on an office PC: every station's figures from a real central database, offscreen.

Two stations' known day (tests/station/test_figures) is pushed as the sync
does; the window reads it through the same queries as at a station, picks one
station, opens an order's trail, shows each station's anchors, and says so
plainly when the central database does not answer.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

import main
from station.supervisor.drill import Trail
from station.supervisor.figures import Filter, dashboard
from station.supervisor.period import Period
from tests.central.conftest import Central
from tests.station.test_figures import BERLIN, WEEKEND, pack_known_day
from tests.station.test_figures_central import to_central
from tests.ui.test_dashboard import cells
from ui.dashboard.central_source import CentralReader
from ui.dashboard.source import Drill
from ui.dashboard.window import DashboardWindow

TIMEOUT_MS = 15_000
# The offscreen platform's warning about size hints (see tests/ui/conftest.py): not our widgets.
pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")


def window_on(qtbot: QtBot, reader: CentralReader) -> DashboardWindow:
    window = DashboardWindow(reader, "all stations", audit_at_start=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def show(qtbot: QtBot, window: DashboardWindow, period: Period) -> None:
    with qtbot.waitSignal(window.refreshed, timeout=TIMEOUT_MS):
        window.show_period(period)


def test_the_office_dashboard_reads_every_station_and_picks_one(
    qtbot: QtBot, central: Central, tmp_path: Path
) -> None:
    bench = pack_known_day(tmp_path)
    admin = to_central(bench, central)
    admin.dispose()
    bench.store.close()
    reader = CentralReader(central.add_station("office-1"), BERLIN)  # a login of the group
    window = window_on(qtbot, reader)
    window._rolling = None  # a range of days stays as chosen
    show(qtbot, window, WEEKEND)
    assert [cells(window.by_station, row)["who"] for row in range(2)] == ["bench-1", "bench-2"]
    assert [cells(window.by_packer, row)["who"].split()[0] for row in range(2)] == ["Ana", "Ben"]
    assert window.station_choice.isVisible()
    assert [window.station_choice.itemText(i) for i in range(3)] == [
        "All stations",
        "bench-1",
        "bench-2",
    ]
    with qtbot.waitSignal(window.refreshed, timeout=TIMEOUT_MS) as refreshed:
        window.station_choice.setCurrentIndex(2)
        window.station_choice.activated.emit(2)
    snapshot = refreshed.args[0]
    assert [row.station for row in snapshot.by_station] == ["bench-2"]
    assert [row.packer for row in snapshot.by_packer] == ["BADGE-P2"]
    with reader.engine.connect() as connection:  # the same figures as the queries give
        expected = dashboard(connection, WEEKEND, Filter(station="bench-2"))
    assert snapshot.by_packer == expected.by_packer

    with qtbot.waitSignal(window.orders_shown, timeout=TIMEOUT_MS) as listed:
        window.drill(Drill(WEEKEND, "orders", "Orders packed: everyone", only=window.only))
    assert sorted(ref.number for ref in listed.args[0]) == ["SO-12", "SO-13", "SO-14"]  # Ben's

    with qtbot.waitSignal(window.trail_shown, timeout=TIMEOUT_MS) as shown:
        window.open_trail("SO-14")
    trail: Trail = shown.args[0]
    assert trail.number == "SO-14" and trail.parcels

    with qtbot.waitSignal(window.audit_shown, timeout=TIMEOUT_MS) as checked:
        window.check_audit()
    assert checked.args[0].startswith("Audit trail: bench-2: never verified")  # the one picked
    assert "bench-1: never verified" in window.audit.toolTip()  # every station's, on hover
    window.worker.shutdown(wait=True)
    reader.close()


class HeldReader(CentralReader):
    """The real reader, held between its figures and its queue until the test lets it go."""

    held: threading.Event
    reading: threading.Event

    def _waiting(self, *args: Any) -> Any:
        self.reading.set()
        assert self.held.wait(TIMEOUT_MS / 1000)
        return super()._waiting(*args)


def test_a_station_picked_during_a_read_shows_that_station_s_figures(
    qtbot: QtBot, central: Central, tmp_path: Path
) -> None:
    bench = pack_known_day(tmp_path)
    to_central(bench, central).dispose()
    bench.store.close()
    reader = HeldReader(central.add_station("office-1"), BERLIN)
    reader.held, reader.reading = threading.Event(), threading.Event()
    reader.held.set()
    window = window_on(qtbot, reader)
    window._rolling = None
    show(qtbot, window, WEEKEND)  # both stations, and both offered
    reader.held.clear()
    reader.reading.clear()
    window.refresh()
    assert reader.reading.wait(TIMEOUT_MS / 1000)  # every station's figures already read
    window.station_choice.setCurrentIndex(2)
    window.station_choice.activated.emit(2)  # bench-2 picked while that read goes on
    with (
        qtbot.waitSignal(window.refreshed, timeout=TIMEOUT_MS) as refreshed,
        qtbot.waitSignal(window.orders_shown, timeout=TIMEOUT_MS) as listed,
    ):
        # A figure still on screen clicked meanwhile: bench-1's row of every station's table.
        window.by_station.cell_drilled.emit("orders", "station", "bench-1", "Orders: bench-1")
        reader.held.set()
    assert sorted(ref.number for ref in listed.args[0]) == ["SO-1", "SO-10", "SO-11"]  # Ana's
    # Not every station's figures under "bench-2" until the next refresh: bench-2's at once.
    assert [row.station for row in refreshed.args[0].by_station] == ["bench-2"]
    assert [cells(window.by_station, row)["who"] for row in range(1)] == ["bench-2"]
    assert window.by_station.rowCount() == 1
    window.worker.shutdown(wait=True)
    reader.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_central_database_is_said_in_the_window(qtbot: QtBot) -> None:
    url = f"postgresql://office@127.0.0.1:{closed_port()}/central"
    reader = CentralReader(url, BERLIN)
    window = window_on(qtbot, reader)
    window.start()
    qtbot.waitUntil(
        lambda: window.status.text().startswith("Central database not reached"),
        timeout=TIMEOUT_MS,
    )
    assert window.by_packer.rowCount() == 0
    assert window.refresh_button.isEnabled()  # the window still answers
    window.worker.shutdown(wait=True)
    reader.close()


def test_main_dashboard_central_without_a_url_says_what_to_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "office.toml"
    config.write_text("", encoding="utf-8")
    args = ["dashboard", "--central", "--config", str(config), "--data-dir", str(tmp_path)]
    assert main.main(args) == 2
    assert "[central] url" in capsys.readouterr().err
    at_station = ["dashboard", "--config", str(config), "--data-dir", str(tmp_path)]
    assert main.main(at_station) == 2  # neither a badge nor --central
    assert "--supervisor BADGE" in capsys.readouterr().err
