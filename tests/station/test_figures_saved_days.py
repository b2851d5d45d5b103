"""Saved per-day totals give exactly the figures summed from the events (the known-mistakes store).

The known weekend of test_figures (Ana on Saturday, Ben on Monday, across the
clock change) is read once from its events and once through saved days: every
figure, chart and filter must be equal, whether the days are summed and saved
now, read back from the file, partly unfinished, or changed by a late event.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from station.store import DB_NAME, Store
from station.supervisor.figures import (
    BY_CHOICES,
    Dashboard,
    Facts,
    Filter,
    dashboard,
    days_of,
    hours_of,
    mistakes_of,
    reasons_of,
    rows_of,
)
from station.supervisor.period import Period
from station.supervisor.saved_days import FILE_NAME, DayBook, LocalDays
from station.supervisor.tables import Database
from tests.helpers.factory import Bench
from tests.station.test_figures import BERLIN, WEEKEND, pack_known_day

FILTERS = (
    Filter(),
    Filter(packer="BADGE-P1"),
    Filter(station="bench-2"),
    Filter(packer="BADGE-P2", station="bench-1"),
    Filter(packer="NO-SUCH-BADGE"),
)


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    bench = pack_known_day(tmp_path_factory.mktemp("known-day"))
    yield bench
    bench.store.close()


def everything(
    db: Database, period: Period, only: Filter, book: DayBook | None, now: datetime | None = None
) -> Dashboard:
    facts = Facts(db, period, only, book, now)
    return Dashboard(
        by_packer=rows_of(facts, "packer"),
        by_station=rows_of(facts, "station"),
        by_day=rows_of(facts, "day"),
        hours=hours_of(facts),
        days=days_of(facts),
        mistakes=mistakes_of(facts),
        reasons=reasons_of(facts),
    )


def saved_days(folder: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(folder / FILE_NAME) as connection:
        return connection.execute("SELECT zone, day FROM figure_day ORDER BY day").fetchall()


def test_saved_days_give_the_figures_the_events_give(bench: Bench, tmp_path: Path) -> None:
    book = LocalDays(tmp_path)
    with bench.store.session() as db:
        for only in FILTERS:
            from_events = dashboard(db, WEEKEND, only)
            assert dashboard(db, WEEKEND, only, book) == from_events  # summed now, then saved
            assert dashboard(db, WEEKEND, only, book) == from_events  # read back
        known = dashboard(db, WEEKEND)
    assert [row.orders for row in known.by_packer] == [3, 3]
    zone = "Europe/Berlin"
    assert saved_days(tmp_path) == [
        (zone, "2026-03-28"),
        (zone, "2026-03-29"),
        (zone, "2026-03-30"),
    ]
    book.close()


def test_days_not_finished_are_read_from_the_events(bench: Bench, tmp_path: Path) -> None:
    """Monday noon: Saturday is over with its grace, Sunday's grace runs until Monday's end."""
    book = LocalDays(tmp_path)
    monday_noon = datetime(2026, 3, 30, 12, 0, tzinfo=BERLIN).astimezone(UTC)
    with bench.store.session() as db:
        for only in FILTERS:
            expected = everything(db, WEEKEND, only, None)
            assert everything(db, WEEKEND, only, book, monday_noon) == expected
    assert saved_days(tmp_path) == [("Europe/Berlin", "2026-03-28")]
    book.close()


def test_an_event_arriving_late_for_a_saved_day_is_counted(bench: Bench, tmp_path: Path) -> None:
    """A station syncing after a day offline: the day saved without it is summed again."""
    (tmp_path / "copy").mkdir()
    with (
        sqlite3.connect(bench.store.path) as source,
        sqlite3.connect(tmp_path / "copy" / DB_NAME) as copy,
    ):
        source.backup(copy)
    store = Store.open(tmp_path / "copy")
    book = LocalDays(tmp_path)
    with store.session() as db:
        before = dashboard(db, WEEKEND, book=book)
    late_wrong_item(store)
    with store.session() as db:
        after = dashboard(db, WEEKEND)
        assert after != before
        assert sum(row.count for row in after.mistakes) == sum(r.count for r in before.mistakes) + 1
        assert dashboard(db, WEEKEND, book=book) == after
    book.close()
    store.close()


def copy_of(bench: Bench, folder: Path) -> Store:
    folder.mkdir(exist_ok=True)
    with sqlite3.connect(bench.store.path) as source, sqlite3.connect(folder / DB_NAME) as copy:
        source.backup(copy)
    return Store.open(folder)


def test_a_store_restored_from_an_older_backup_drops_every_saved_day(
    bench: Bench, tmp_path: Path
) -> None:
    store = copy_of(bench, tmp_path / "station")
    late_wrong_item(store)
    book = LocalDays(tmp_path)
    with store.session() as db:
        newer = dashboard(db, WEEKEND, book=book)  # saved with the extra wrong item
    store.close()
    (tmp_path / "station" / DB_NAME).unlink()
    restored = copy_of(bench, tmp_path / "station")  # the backup from before it
    with restored.session() as db:
        older = dashboard(db, WEEKEND)
        assert older != newer
        assert dashboard(db, WEEKEND, book=book) == older
    book.close()
    restored.close()


def late_wrong_item(store: Store) -> None:
    """A wrong item of Ana's on Saturday, stored after the day was saved (as a sync would)."""
    with store.engine.begin() as connection:
        names = [row[1] for row in connection.exec_driver_sql("PRAGMA table_info(scanevent)")]
        copied = {name: name for name in names}
        copied |= {"id": "lower(hex(randomblob(16)))", "seq": "seq + 1000", "units_counted": "0"}
        connection.exec_driver_sql(
            f"INSERT INTO scanevent ({', '.join(names)}) "
            f"SELECT {', '.join(copied[name] for name in names)} FROM scanevent "
            "WHERE station = 'bench-1' AND verdict = 'wrong_item' LIMIT 1"
        )


def test_every_grouping_equals_the_events_from_saved_days(bench: Bench, tmp_path: Path) -> None:
    book = LocalDays(tmp_path)
    with bench.store.session() as db:
        Facts(db, WEEKEND, book=book).counted  # noqa: B018  # saves the days
        for by in BY_CHOICES:
            saved = [row.as_json() for row in rows_of(Facts(db, WEEKEND, book=book), by)]
            assert saved == [row.as_json() for row in rows_of(Facts(db, WEEKEND), by)]
    book.close()


def test_a_store_without_events_saves_empty_days(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "empty")
    book = LocalDays(tmp_path)
    with store.session() as db:
        assert isinstance(db, Session)
        assert dashboard(db, WEEKEND, book=book) == dashboard(db, WEEKEND)
    assert len(saved_days(tmp_path)) == 3
    book.close()
    store.close()


def test_a_saved_days_file_damaged_while_in_use_leaves_the_figures_to_the_events(
    bench: Bench, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    book = LocalDays(tmp_path)
    with bench.store.session() as db:
        expected = dashboard(db, WEEKEND)
        assert dashboard(db, WEEKEND, book=book) == expected  # the days saved
        (tmp_path / FILE_NAME).write_bytes(b"not a database, " * 64)  # then the file damaged
        for _ in range(2):  # said once, not at every refresh
            assert dashboard(db, WEEKEND, book=book) == expected
    assert caplog.text.count("saved day totals not used") == 1
    book.close()
