"""Writing a checked import in short transactions, so the bench never waits on it.

An import runs beside a packing station, often in another process, on the
same SQLite file, which has one writer at a time. One transaction for a
whole file held the station's scans for seconds and made some fail. So the
rows are written a few at a time: each batch is one short transaction (about
BATCH_S with its commit), and between batches the import steps aside for PAUSE_S, longer
than SQLite makes a waiting writer sleep between its tries, so a waiting scan
gets in between two batches.

The file is checked in full before the first batch, so a file with a problem
still changes nothing. What a batch writes is whole (an order with its lines,
a product with its barcodes). If writing stops part way (a full disk, a
kill), the batches written stay, and importing the same file again completes
it: what is already there is recognised as unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from station.errors import UserError, storage_problem

T = TypeVar("T")

BATCH_S = 0.020  # how long a batch holds the write lock, its commit included
PAUSE_S = 0.030  # above SQLite's longest early retry sleep (25 ms)
FIRST_BATCH = 8
MIN_BATCH = 8
MAX_BATCH = 1000


class ImportInterrupted(UserError):
    """Writing stopped part way; what was written stays, and a rerun completes it."""


def write_in_batches(
    session: Session,
    items: Sequence[T],
    write: Callable[[Session, list[T]], None],
    *,
    source: str,
    noun: str,
) -> None:
    """Call `write` on slices of `items`, each in its own short transaction."""
    session.commit()  # end the checks' read transaction before the first write
    # What the bench wrote while the file was checked is copied back here, not by a scan.
    _checkpoint(session)
    done, size = 0, FIRST_BATCH
    while done < len(items):
        batch = list(items[done : done + size])
        try:
            _begin_write(session)
            started = time.monotonic()
            write(session, batch)
            took = time.monotonic() - started
            session.commit()
            held = time.monotonic() - started
        except (DBAPIError, OSError) as exc:
            session.rollback()
            raise _interrupted(exc, session, source, noun, done, len(items)) from exc
        done += len(batch)
        try:
            _checkpoint(session)
        except (DBAPIError, OSError) as exc:
            session.rollback()
            raise _interrupted(exc, session, source, noun, done, len(items)) from exc
        # Aim the next batch at BATCH_S under the lock, its commit included (the
        # rows reach the WAL file at the commit). A slow disk's flush alone may
        # take that long: batches then stay at MIN_BATCH rather than crawl.
        aim = int(len(batch) * BATCH_S / max(held, took, 1e-4))
        size = max(MIN_BATCH, min(MAX_BATCH, size * 2, aim))
        if done < len(items):
            # At least as long as the lock was held: a scan that waited long
            # polls seldom (SQLite's sleeps grow to 100 ms) and must still find a gap.
            time.sleep(max(PAUSE_S, held))


def _begin_write(session: Session) -> None:
    """Take SQLite's write lock first, so the batch's checks and writes see one state."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    # Begun already when the caller holds the store's write lock (station.store.WriteLock).
    driver: Any = connection.connection.driver_connection
    if not driver.in_transaction:
        # pysqlite opens its transaction only at the first INSERT/UPDATE/DELETE.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _checkpoint(session: Session) -> None:
    """Copy the batch from the WAL into the store here, so a scan's commit never has to.

    SQLite makes the commit that finds the WAL over 1,000 pages copy it back;
    without this, that would be a scan after a few large batches. PASSIVE
    waits for no one and blocks no writer.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
    session.commit()


def _interrupted(
    exc: BaseException, session: Session, source: str, noun: str, done: int, total: int
) -> ImportInterrupted:
    bind = session.get_bind()
    url = bind.engine.url if isinstance(bind, Connection) else bind.url
    database = url.database if bind.dialect.name == "sqlite" else None
    problem = storage_problem(exc, Path(database)) if database else None
    if problem is not None:
        cause = f"{problem.cause}. {problem.advice}"
    elif isinstance(exc, IntegrityError):
        cause = "another import or station changed the same rows meanwhile"
    else:
        cause = str(getattr(exc, "orig", exc))
    return ImportInterrupted(
        f"{source} was only partly imported: {done:,} of {total:,} {noun}s were written, "
        f"then writing stopped ({cause}). The {noun}s written are complete and in use. "
        "Import the same file again to write the rest."
    )
