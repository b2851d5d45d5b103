"""Where the dashboard reads: its own read-only connection to the station's store.

The bench's worker commits every scan; a dashboard query over a week of
events may take a while, so it never runs there (a scan would wait behind it).
The dashboard has a worker of its own and its own SQLite connections, opened
with `query_only`: they can never write nor take the write lock, and in WAL
mode they read beside the bench's writer without blocking it or being
blocked. Only the exception queue's decisions write, through the station's
`Store` and its write lock (station.exception_queue), one short insert each.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, event
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from station.audit.known import local_known
from station.audit.state import Known, Verification, full_report, station_states
from station.audit.verified_here import record_verification, recorded_verifications
from station.evidence import files_of
from station.exception_queue import WaitingOrder, waiting_orders
from station.models import utc_now
from station.paths import logs_dir
from station.supervisor.drill import DrillBy, OrderRef, Trail, order_trail, orders_behind
from station.supervisor.figures import (
    EVERYONE,
    DayAccuracy,
    FigureRow,
    Filter,
    HourRow,
    ParetoRow,
    dashboard,
)
from station.supervisor.period import Period
from station.supervisor.saved_days import LocalDays

log = logging.getLogger(__name__)
VERIFY_HERE = "press Verify audit trail, or run `main.py audit verify`"


def _read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class ReadOnlyStore:
    """Read-only sessions on a station's database file (see the module's note)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # No pool: the dashboard's one worker thread opens what it reads, and
        # nothing stays open once the window closes.
        self.engine: Engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False}, poolclass=NullPool
        )
        event.listen(self.engine, "connect", _read_only)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine) as db:
            yield db

    def close(self) -> None:
        self.engine.dispose()


@dataclass(frozen=True)
class Drill:
    """One figure of one row or bar: what a click asks for (see orders_behind)."""

    period: Period
    figure: str  # a FIGURES name, or "mistakes.<kind>"
    title: str  # what the orders list says it shows
    by: DrillBy | None = None
    key: str | None = None
    what: str | None = None  # only the facts recorded as this (an exception's reason)
    only: Filter = EVERYONE  # the station picked when the figure was clicked


@dataclass(frozen=True)
class Snapshot:
    """Everything the dashboard shows for one period and filter, read in one go."""

    period: Period
    only: Filter
    by_packer: list[FigureRow]
    by_station: list[FigureRow]
    hours: list[HourRow]
    days: list[DayAccuracy]
    mistakes: list[ParetoRow]
    reasons: list[ParetoRow]
    waiting: list[WaitingOrder]


class Reader(Protocol):
    """What the window reads, from a station's store or from the central database."""

    tz: tzinfo

    def snapshot(self, period: Period, only: Filter = EVERYONE) -> Snapshot: ...

    def orders(self, drill: Drill) -> list[OrderRef]: ...

    def waiting(self, only: Filter = EVERYONE) -> list[WaitingOrder]: ...

    def trail(self, number: str) -> tuple[Trail | None, str | None]: ...

    verifies_here: bool  # whether `verify` walks the chain from this window

    def audit_known(self) -> list[Known]: ...

    def verify(self) -> list[Known]: ...

    def close(self) -> None: ...


class DashboardReader:
    """The dashboard's queries; each is called on the dashboard's worker, never the UI's."""

    verifies_here = True

    def __init__(self, store: ReadOnlyStore, tz: tzinfo) -> None:
        self._store = store
        self.tz = tz
        self._book: LocalDays | None = None
        self._book_tried = False
        self.closed = False
        # Verifications this window ran but could not record beside the store.
        self._unrecorded: dict[str, Verification] = {}

    def _days(self) -> LocalDays | None:
        """The saved day totals beside the store (None where they cannot be written)."""
        if not self._book_tried:
            self._book_tried = True
            try:
                self._book = LocalDays(self._store.path.parent)
            # A folder that cannot be written, or a damaged file: summing every day from
            # the events is slower, not wrong. Anything else is a bug and fails the read.
            except (DatabaseError, OSError) as error:
                log.warning(
                    "saved day totals not used (%s): the figures are summed from the events",
                    error,
                )
        return self._book

    def snapshot(self, period: Period, only: Filter = EVERYONE) -> Snapshot:
        """The figures of this station's store (one station: `only` picks none out)."""
        with self._store.session() as db:
            # Each kind of fact read once for all of them; finished days from their totals.
            read = dashboard(db, period, book=self._days())
            return Snapshot(
                period=period,
                only=only,
                by_packer=read.by_packer,
                by_station=read.by_station,
                hours=read.hours,
                days=read.days,
                mistakes=read.mistakes,
                reasons=read.reasons,
                waiting=waiting_orders(db),
            )

    def orders(self, drill: Drill) -> list[OrderRef]:
        """The orders (scans, events) behind one figure, exactly those it counted."""
        with self._store.session() as db:
            refs = orders_behind(db, drill.period, drill.figure, drill.by, drill.key)
        if drill.what is not None:
            refs = [ref for ref in refs if ref.what == drill.what]
        return refs

    def waiting(self, only: Filter = EVERYONE) -> list[WaitingOrder]:
        with self._store.session() as db:
            return waiting_orders(db)

    def trail(self, number: str) -> tuple[Trail | None, str | None]:
        """The order's trail, and its camera evidence in words (None: none recorded)."""
        with self._store.session() as db:
            trail = order_trail(db, number, self.tz)
        files = files_of(self._store, number)  # type: ignore[arg-type]  # reads `session` only
        if not files:
            return trail, None
        videos = sum(file.kind == "video" for file in files)
        photos = len(files) - videos
        return trail, f"{videos} video segment(s), {photos} photo(s) kept"

    def audit_known(self) -> list[Known]:
        """What is known of each station's chain: the last verification recorded here,
        the links since, the newest anchor. Cheap (one statement): read at every refresh.

        Raises UnreadableRecord when the record of verifications is damaged.
        """
        recorded = recorded_verifications(self._store.path.parent)
        for station, done in self._unrecorded.items():
            if station not in recorded or recorded[station].at < done.at:
                recorded[station] = done
        with self._store.engine.connect() as connection:
            return local_known(connection, recorded, VERIFY_HERE)

    def verify(self) -> list[Known]:
        """Walk and hash the whole chain, record what was found, and say what is known.

        Minutes on a year's store, in Python (it holds the interpreter while it
        hashes), so it is asked for, not run at every refresh.
        """
        folder = self._store.path.parent
        report = full_report(self._store, logs_dir(folder))  # type: ignore[arg-type]  # engine only
        try:
            record_verification(folder, report)
        except OSError as exc:  # a read-only data dir: shown in this window all the same
            log.warning("audit verification not recorded in %s: %s", folder, exc)
            at = utc_now()
            for station, state in station_states(report).items():
                self._unrecorded[station] = Verification(
                    at, report.heads.get(station, 0), state.first_problem
                )
        return self.audit_known()

    def close(self) -> None:
        """Let go of the store and the saved days (on the worker, after its last read)."""
        if self._book is not None:
            self._book.close()
            self._book = None
        self._store.close()
        self.closed = True
