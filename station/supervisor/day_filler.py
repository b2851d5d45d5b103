"""Finished days summed and saved centrally ahead of time, so no supervisor waits for them.

The central dashboard and reports read a finished day from its saved totals
(station.supervisor.saved_days); a day nobody saved yet is summed by its
first reader: ~1.5 s a day for 20 busy stations, half a minute for a month's
first report. So each station's sync process (`main.py sync --watch`, niced
below the bench, never the window's process) saves the finished days of the
last AHEAD_DAYS that are missing, one day per transaction, now and then.
Twenty stations share the work through a PostgreSQL advisory lock: one sums
while the others skip, and find the day saved at their next round. Saving a
day is idempotent (its rows are replaced) and a late event still drops it
(forget_changed), so a day summed too early is summed again.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, date, datetime, timedelta, tzinfo

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import DBAPIError

from station.central.connect import CentralError, central_engine
from station.errors import UserError
from station.supervisor.figures import raw_facts
from station.supervisor.period import Period
from station.supervisor.rows import EVERYONE
from station.supervisor.saved_days import CentralDays, figure_day, finished, zone_name
from station.supervisor.tables import tables_for

log = logging.getLogger(__name__)

AHEAD_DAYS = 35  # a month's report and the week's dashboard find every finished day saved
FILL_EVERY_S = 600.0  # a day finishes once a day: a look every 10 minutes is plenty
LOCK_KEY = 0x50534644  # "PSFD": one filler at a time, whichever station it runs at


def save_next_finished_day(
    connection: Connection, tz: tzinfo, now: datetime | None = None, days: int = AHEAD_DAYS
) -> date | None:
    """Sum and save the newest finished day of the last `days` not saved yet; that day.

    None when every such day is saved, or another station is saving one now.
    Commits its own transaction on `connection` (which must have none open).
    """
    now = now or datetime.now(UTC)
    today = now.astimezone(tz).date()
    zone = zone_name(tz)
    with connection.begin():
        locked = connection.execute(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY}
        )
        if not locked.scalar_one():
            return None
        book = CentralDays(connection)
        tables = tables_for(connection)
        book.forget_changed(connection, tables)  # a saved day late events changed: summed again
        if not book.writable:  # a login that may not save them, or a schema before c0008
            return None
        wanted = [today - timedelta(days=n) for n in range(days + 1)]
        wanted = [day for day in wanted if finished(day, tz, now)]
        saved = {
            str(day)
            for (day,) in connection.execute(
                select(figure_day.c.day).where(
                    figure_day.c.zone == zone,
                    figure_day.c.day.in_([day.isoformat() for day in wanted]),
                )
            )
        }
        missing = [day for day in wanted if day.isoformat() not in saved]
        if not missing:
            return None
        day = missing[0]  # the newest first: this week's dashboard needs it soonest
        book.save(
            zone, day.isoformat(), raw_facts(connection, tables, Period(day, day, tz), EVERYONE)
        )
        return day if book.writable else None  # not saved: never the same day again and again


def save_finished_days(engine: Engine, tz: tzinfo, now: datetime | None = None) -> list[date]:
    """Every missing finished day saved, one transaction each; the days saved."""
    done: list[date] = []
    with engine.connect() as connection:
        while (day := save_next_finished_day(connection, tz, now)) is not None:
            done.append(day)
    return done


class DayFiller:
    """`save_finished_days` every FILL_EVERY_S on a thread of its own, until stopped.

    Its own login to `url`, made on its thread: a URL the sync cannot use either is
    the sync's to report (its status line), not this helper's.
    """

    def __init__(self, url: str, tz: tzinfo, every_s: float = FILL_EVERY_S) -> None:
        self._url, self._tz, self._every_s = url, tz, every_s
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="central-day-filler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        engine: Engine | None = None
        try:
            while not self._stopping.is_set():
                try:
                    engine = engine or central_engine(self._url)
                    self._round(engine)
                except (CentralError, UserError, DBAPIError) as exc:  # offline: next round
                    log.info("central day totals not saved ahead: %s", str(exc).splitlines()[0])
                except Exception:  # a bug must not end the sync process: the log tells
                    log.exception("central day totals not saved ahead")
                self._stopping.wait(self._every_s)
        finally:
            if engine is not None:
                engine.dispose()

    def _round(self, engine: Engine) -> None:
        with engine.connect() as connection:
            while not self._stopping.is_set():
                day = save_next_finished_day(connection, self._tz)
                if day is None:
                    return
                log.info("central figures of %s saved ahead of time", day)
