"""Closing the dashboard while a read is under way: the bench must not crash."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from station.supervisor.figures import EVERYONE, Filter
from station.supervisor.period import Period
from tests.helpers.factory import Bench
from ui.dashboard.source import DashboardReader, ReadOnlyStore, Snapshot
from ui.dashboard.window import DashboardWindow
from ui.dashboard.window_worker import retired_workers

TIMEOUT_MS = 10_000


class GatedReader(DashboardReader):
    """The real reader, whose snapshots wait for the test to let them go."""

    gate: threading.Event
    started: threading.Event

    def snapshot(self, period: Period, only: Filter = EVERYONE) -> Snapshot:
        self.started.set()
        assert self.gate.wait(TIMEOUT_MS / 1000)
        return super().snapshot(period, only)


@pytest.fixture
def reader(bench: Bench) -> Iterator[GatedReader]:
    store = ReadOnlyStore(bench.store.path)
    reader = GatedReader(store, UTC)
    yield reader
    store.close()


def delete_now() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def test_a_window_deleted_during_a_read_keeps_its_worker_until_the_read_has_ended(
    qtbot: QtBot, reader: GatedReader
) -> None:
    for _ in range(3):
        reader.gate, reader.started = threading.Event(), threading.Event()
        window = DashboardWindow(reader, "bench-1")
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # as at the bench
        window.show()
        window.start()
        assert reader.started.wait(TIMEOUT_MS / 1000)  # a refresh is under way
        worker, thread = window.worker, window.worker._thread
        window.close()  # returns at once: the bench's screen never waits for the read
        window.deleteLater()
        delete_now()
        assert not isValid(window)
        # The read still runs: the object its answer is emitted on must still be there.
        assert isValid(worker) and thread.is_alive()
        assert retired_workers() == 1
        reader.gate.set()  # the read ends; its figures have no window to go to
        # Its last answer back on the UI thread: only then is it deleted, there.
        qtbot.waitUntil(lambda: retired_workers() == 0, timeout=TIMEOUT_MS)
        # Deleted once its thread has ended (never from under it).
        qtbot.waitUntil(lambda: not isValid(worker), timeout=TIMEOUT_MS)  # noqa: B023
        assert not thread.is_alive()


def test_the_window_closing_never_waits_for_a_read_and_the_next_one_reads(
    qtbot: QtBot, reader: GatedReader
) -> None:
    reader.gate, reader.started = threading.Event(), threading.Event()
    first = DashboardWindow(reader, "bench-1")
    first.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    first.start()
    assert reader.started.wait(TIMEOUT_MS / 1000)
    first.close()
    delete_now()
    reader.gate.set()
    second = DashboardWindow(reader, "bench-1")
    qtbot.addWidget(second)
    with qtbot.waitSignal(second.refreshed, timeout=TIMEOUT_MS):
        second.start()
    qtbot.waitUntil(lambda: retired_workers() == 0, timeout=TIMEOUT_MS)
