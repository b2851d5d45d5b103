"""Two dashboards reading the same finished days at once on a real central database.

Each reader first notes how far it has looked at the events and saves the
days it summed; both write the same rows. The one that comes second must wait
for the first and then carry on with the saved days, not lose its saving (and
sum every finished day from the events at each refresh) nor save a day twice.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, text

from station.central.connect import central_engine
from station.supervisor.figures import Dashboard, dashboard
from station.supervisor.saved_days import CentralDays
from tests.central.conftest import Central
from tests.station.test_figures import BERLIN, WEEKEND, pack_known_day
from tests.station.test_figures_central import to_central

TIMEOUT_S = 15
THURSDAY = datetime(2026, 4, 2, 9, 0, tzinfo=BERLIN)  # the weekend and its grace are over


def blocked(watcher: Connection, pid: int) -> bool:
    found = watcher.execute(text("SELECT cardinality(pg_blocking_pids(:pid))"), {"pid": pid})
    return bool(found.scalar_one())


def test_a_second_reader_waits_for_the_first_and_keeps_the_saved_days(
    central: Central, tmp_path: Path
) -> None:
    bench = pack_known_day(tmp_path)
    admin = to_central(bench, central)
    bench.store.close()
    with admin.connect() as remote:
        expected = dashboard(remote, WEEKEND)  # from the events
    office = central_engine(central.add_station("office-1"))
    first_book: CentralDays
    second: dict[str, object] = {}
    with office.connect() as one, office.connect() as two, admin.connect() as watcher:
        pid = two.execute(text("SELECT pg_backend_pid()")).scalar_one()
        two.commit()
        first_book = CentralDays(one)
        with one.begin():  # the first reader's read, still open while the second starts
            assert dashboard(one, WEEKEND, book=first_book, now=THURSDAY) == expected

            def read_second() -> None:
                book = CentralDays(two)
                with two.begin():
                    second["figures"] = dashboard(two, WEEKEND, book=book, now=THURSDAY)
                second["book"] = book

            reader = threading.Thread(target=read_second)
            reader.start()
            polls = 0  # until the second reader waits on the first's rows (no sleep: a query each)
            while not blocked(watcher, pid) and reader.is_alive():
                polls += 1
                assert polls < 100_000
        reader.join(TIMEOUT_S)
        assert not reader.is_alive()
    book = second["book"]
    assert isinstance(book, CentralDays) and isinstance(second["figures"], Dashboard)
    assert first_book.writable and book.writable  # neither fell back to the events
    assert second["figures"] == expected
    with admin.connect() as remote:
        saved = remote.execute(text("SELECT day FROM figure_day ORDER BY day")).scalars().all()
        assert saved == ["2026-03-28", "2026-03-29", "2026-03-30"]
        # Each day saved once: read back from the book, the same figures.
        assert dashboard(remote, WEEKEND, book=CentralDays(remote), now=THURSDAY) == expected
    office.dispose()
    admin.dispose()
