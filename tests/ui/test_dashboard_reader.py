"""The dashboard's reader beside the bench: its saved day totals, what it lets go of at close."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from station.supervisor.period import Period
from station.supervisor.saved_days import FILE_NAME
from tests.helpers.factory import Bench
from ui.dashboard import source
from ui.dashboard.source import DashboardReader, ReadOnlyStore
from ui.dashboard.window import DashboardWindow
from ui.dashboard.window_worker import retired_workers

TIMEOUT_MS = 10_000
TODAY = Period.today(UTC, datetime.now(UTC))


@pytest.fixture
def reader(bench: Bench) -> Iterator[DashboardReader]:
    reader = DashboardReader(ReadOnlyStore(bench.store.path), UTC)
    yield reader
    reader.close()


def test_a_damaged_saved_days_file_is_said_and_the_figures_still_read(
    bench: Bench, reader: DashboardReader, caplog: pytest.LogCaptureFixture
) -> None:
    (bench.store.path.parent / FILE_NAME).write_bytes(b"not a database, " * 64)
    assert reader.snapshot(TODAY).by_packer == []  # nothing packed, and no error
    assert "saved day totals not used (" in caplog.text
    assert "summed from the events" in caplog.text


def test_a_bug_opening_the_saved_days_fails_the_read(
    reader: DashboardReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_folder: Path) -> None:
        raise TypeError("a programming error")

    monkeypatch.setattr(source, "LocalDays", broken)
    with pytest.raises(TypeError):  # in the log and on screen, not quietly summed another way
        reader.snapshot(TODAY)


def test_the_window_closing_lets_go_of_the_store_and_the_saved_days(
    qtbot: QtBot, reader: DashboardReader
) -> None:
    window = DashboardWindow(reader, "bench-1")
    window.show()
    with qtbot.waitSignal(window.refreshed, timeout=TIMEOUT_MS):
        window.start()
    book = reader._book
    assert book is not None
    window.close()
    qtbot.waitUntil(lambda: reader.closed, timeout=TIMEOUT_MS)  # once its last read has ended
    assert reader._book is None
    qtbot.waitUntil(lambda: retired_workers() == 0, timeout=TIMEOUT_MS)
