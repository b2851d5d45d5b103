"""Writing a checked import in short transactions, so the bench never waits on it.

An import runs beside a packing station, often in another process, on the
same SQLite file, which has one writer at a time. One transaction for a
whole file held the station's scans for seconds and made some fail. So the
rows are written a few at a time: each batch is one short transaction (about
BATCH_S with its commit), and between batches the import steps aside for
PAUSE_S. A waiting scan asks for the lock every millisecond (station.store.
WriteLock), so it gets in at the end of the batch it met: a scan waits at most
one batch. The import copies the WAL back into the store itself, before each
batch rather than just after one, when a scan that waited commits, so a scan
neither does that copy nor flushes beside it.

The file is checked in full before the first batch, so a file with a problem
still changes nothing. What a batch writes is whole (an order with its lines,
a product with its barcodes). If writing stops part way (a full disk, a
kill), the batches written stay, and importing the same file again completes
it: what is already there is recognised as unchanged.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from station.errors import UserError, storage_problem
from station.store import take_sqlite_write_lock

T = TypeVar("T")
log = logging.getLogger(__name__)

BATCH_S = 0.020  # how long a batch holds the write lock, its commit included
PAUSE_S = 0.010  # between batches: ten of a waiting scan's tries (station.store.WRITE_POLL_S)
IMPORT_POLL_S = 0.005  # how often a batch asks for the write lock while a scan holds it
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
    with _collections_between_batches():
        _write_all(session, items, write, source=source, noun=noun)
    try:
        _checkpoint(session)
    except (DBAPIError, OSError):
        # Every row is committed; the station's own checkpoints copy the rest back.
        session.rollback()
        log.warning("the checkpoint after %s failed", source, exc_info=True)


@contextmanager
def _collections_between_batches() -> Iterator[None]:
    """Python's garbage collection in the pauses, never while a batch holds the lock.

    A full collection over the parsed file's objects took up to 240 ms, and
    one that fell inside a batch held every scan that long. The file's
    objects are set aside (gc.freeze), so a collection in a pause is short.
    """
    enabled = gc.isenabled()
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _write_all(
    session: Session,
    items: Sequence[T],
    write: Callable[[Session, list[T]], None],
    *,
    source: str,
    noun: str,
) -> None:
    done, size = 0, FIRST_BATCH
    while done < len(items):
        batch = list(items[done : done + size])
        try:
            # What the WAL holds (the last batch, the bench's scans) is copied back
            # here, before the batch, not while a scan that waited commits in the pause.
            _checkpoint(session)
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
        # Aim the next batch at BATCH_S under the lock, its commit included (the
        # rows reach the WAL file at the commit). A slow disk's flush alone may
        # take that long: batches then stay at MIN_BATCH rather than crawl.
        aim = int(len(batch) * BATCH_S / max(held, took, 1e-4))
        size = max(MIN_BATCH, min(MAX_BATCH, size * 2, aim))
        if done < len(items):
            gc.collect()
            time.sleep(PAUSE_S)  # a scan that waited gets in (it asks every millisecond)


def _begin_write(session: Session) -> None:
    """Take SQLite's write lock first, so the batch's checks and writes see one state."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    # Begun already when the caller holds the store's write lock (station.store.WriteLock).
    driver: Any = connection.connection.driver_connection
    if not driver.in_transaction:
        # Asked every few ms, not after SQLite's sleeps that grow to 100 ms: the
        # bench's scans are short, and a scan asks more often than this, so it
        # still gets in first when both wait.
        take_sqlite_write_lock(driver, poll_s=IMPORT_POLL_S)


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
