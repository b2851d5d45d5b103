"""The exception queue widget: release and cancel as a supervisor would, offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from station.errors import UserError
from station.exception_queue import CANCELLED, RELEASED, Decision, ExceptionDesk
from station.lock import DataDirLock
from station.session import ExceptionReason, PackSession
from station.verdicts import VerdictKind
from tests.helpers.factory import Bench
from ui.dashboard.opening import OfficeDesk
from ui.exception_queue import ExceptionQueue, waited
from ui.worker import Worker

TIMEOUT_MS = 10_000
_workers: list[Worker] = []


@pytest.fixture(autouse=True)
def _shut_workers_down() -> Iterator[None]:
    """Each queue's worker is shut down after the test, whether its widget is still there
    or already freed (a weak reference is all qtbot keeps of it)."""
    yield
    while _workers:
        _workers.pop().shutdown()


@pytest.fixture
def queue(qtbot: QtBot, bench: Bench, session: PackSession) -> ExceptionQueue:
    session.handle_scan("BADGE-P1")
    session.handle_scan("SO-3")
    session.flag_exception(ExceptionReason.DAMAGED, "box crushed")
    session.handle_scan("SO-1")
    session.flag_exception(ExceptionReason.ITEM_MISSING, "")
    desk = ExceptionDesk(bench.store, session.station, session.sequence)
    return make_queue(qtbot, desk, desk, "BADGE-S1")


def make_queue(
    qtbot: QtBot, reads: ExceptionDesk, desk: ExceptionDesk | None, badge: str, read_only: str = ""
) -> ExceptionQueue:
    worker = Worker(name="queue-test")
    _workers.append(worker)
    widget = ExceptionQueue(reads.waiting, desk, badge, worker, UTC, read_only=read_only)
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignal(widget.loaded, timeout=TIMEOUT_MS):
        widget.reload()
    return widget


def row_texts(queue: ExceptionQueue, row: int) -> list[str]:
    return [
        item.text() if (item := queue.table.item(row, c)) else ""
        for c in range(queue.table.columnCount())
    ]


def test_each_waiting_order_shows_reason_note_who_where_and_since(queue: ExceptionQueue) -> None:
    first = row_texts(queue, 0)
    assert first[:5] == ["SO-3", "damaged", "box crushed", "Ana (BADGE-P1)", "bench-1"]
    assert row_texts(queue, 1)[:2] == ["SO-1", "item missing"]
    assert queue.count.text() == "2 order(s) waiting in exception"
    # Nothing chosen, nothing to do.
    assert not queue.release_button.isEnabled() and not queue.cancel_button.isEnabled()


def test_release_sends_the_order_back_to_packing(
    qtbot: QtBot, queue: ExceptionQueue, session: PackSession
) -> None:
    queue.choose("SO-3")
    queue.words.setText("new box found")
    with qtbot.waitSignal(queue.decided, timeout=TIMEOUT_MS) as decided:
        queue.release_button.click()
    decision: Decision = decided.args[0]
    assert (decision.number, decision.kind, decision.supervisor) == ("SO-3", RELEASED, "Sam")
    qtbot.waitUntil(lambda: [w.number for w in queue.waiting] == ["SO-1"], timeout=TIMEOUT_MS)
    assert queue.message.text() == "Order SO-3 released by Sam: it can be packed again."
    session.handle_scan("BADGE-P2")
    assert session.handle_scan("SO-3").kind is VerdictKind.ORDER_OPENED


def test_after_a_release_the_next_order_is_not_chosen_in_its_place(
    qtbot: QtBot, queue: ExceptionQueue
) -> None:
    # The decided order's row was left selected with the next order in it: a second
    # click on Release (a double-click) released an order nobody chose.
    queue.choose("SO-3")
    with qtbot.waitSignal(queue.decided, timeout=TIMEOUT_MS):
        queue.release_button.click()
    qtbot.waitUntil(lambda: [w.number for w in queue.waiting] == ["SO-1"], timeout=TIMEOUT_MS)

    assert queue.chosen() is None
    assert not queue.release_button.isEnabled() and not queue.cancel_button.isEnabled()


def test_cancel_needs_a_reason_then_the_order_can_never_be_packed(
    qtbot: QtBot, queue: ExceptionQueue, session: PackSession
) -> None:
    queue.choose("SO-1")
    queue.cancel_button.click()  # no reason typed: asked for, nothing stored
    assert queue.message.text() == "Type why order SO-1 is cancelled, then Cancel order again."
    assert [w.number for w in queue.waiting] == ["SO-3", "SO-1"]

    queue.words.setText("customer cancelled by phone")
    with qtbot.waitSignal(queue.decided, timeout=TIMEOUT_MS) as decided:
        queue.cancel_button.click()
    assert decided.args[0].kind == CANCELLED
    qtbot.waitUntil(lambda: [w.number for w in queue.waiting] == ["SO-3"], timeout=TIMEOUT_MS)
    session.handle_scan("BADGE-P2")
    refused = session.handle_scan("SO-1")
    assert refused.kind is VerdictKind.ORDER_CANCELLED
    assert "customer cancelled by phone" in refused.message


def test_a_packers_badge_decides_nothing(
    qtbot: QtBot, bench: Bench, session: PackSession, queue: ExceptionQueue
) -> None:
    desk = ExceptionDesk(bench.store, session.station, session.sequence)
    as_packer = make_queue(qtbot, desk, desk, "BADGE-P2")
    as_packer.choose("SO-3")
    with qtbot.waitSignal(as_packer.refused, timeout=TIMEOUT_MS) as refused:
        as_packer.release_button.click()
    assert "Ben is not a supervisor" in refused.args[0]
    qtbot.waitUntil(lambda: len(as_packer.waiting) == 2, timeout=TIMEOUT_MS)


def test_read_only_shows_the_list_and_why_nothing_can_be_decided(
    qtbot: QtBot, bench: Bench, session: PackSession, queue: ExceptionQueue
) -> None:
    desk = ExceptionDesk(bench.store, session.station, session.sequence)
    why = "The station is running on this data dir: release or cancel at the bench."
    viewer = make_queue(qtbot, desk, None, "BADGE-S1", read_only=why)
    viewer.choose("SO-3")
    assert viewer.table.rowCount() == 2
    assert not viewer.release_button.isEnabled() and not viewer.cancel_button.isEnabled()
    assert viewer.message.text() == why


def test_waiting_time_in_words() -> None:
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert waited(now - timedelta(minutes=7), now) == "7 min"
    assert waited(now - timedelta(hours=2, minutes=5), now) == "2 h 05 min"
    assert waited(now - timedelta(days=3, hours=4), now) == "3 d 4 h"
    assert waited((now - timedelta(minutes=90)).replace(tzinfo=None), now) == "1 h 30 min"


def test_away_from_the_bench_a_decision_waits_for_the_station_to_close(
    qtbot: QtBot, bench: Bench, session: PackSession, queue: ExceptionQueue
) -> None:
    office = OfficeDesk(bench.store, session.station, bench.data_dir)
    station_running = DataDirLock(bench.data_dir).acquire()
    try:
        with pytest.raises(UserError, match="The station is running on this data dir"):
            office.release("SO-3", "BADGE-S1")
    finally:
        station_running.release()
    assert [w.number for w in office.waiting()] == ["SO-3", "SO-1"]
    assert office.release("SO-3", "BADGE-S1").kind == RELEASED  # closed: it decides
    assert [w.number for w in office.waiting()] == ["SO-1"]
