"""Is the station's database whole? Checked at start within a budget, fully on demand.

At start, what costs the same for a day-old and a year-old store is always
checked: the file's header, that the schema can be read, and the first and
last row of every table. SQLite's integrity_check reads every page and index
entry, so the start gives it a fixed budget: a small store is checked whole,
a larger one is checked on a thread after the start (`check_in_background`),
at most once a day: on a year's store that read takes the best part of a
minute of disk, which a station restarted several times a shift should not pay
at every start.
`main.py check` adds the foreign keys and the station's own rules.

Nothing here moves or deletes a file: a damaged store is reported with the
newest backup that passes the check, and the user decides.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, text

from station.backups import BACKUP_DIR, backups_in
from station.errors import StorageFault, StoreError, storage_problem

log = logging.getLogger(__name__)
_MAGIC = b"SQLite format 3\x00"
_INTEGRITY = "PRAGMA integrity_check"
_SHOWN = 10  # problems listed in a message; the rest are counted
WHOLE_CHECK_EVERY_S = 24 * 3600

# Our own rules: rows that point at nothing, or values no import or scan can write.
_INVARIANTS = {
    "scans that point at an order that does not exist": (
        "SELECT count(*) FROM scanevent WHERE order_id IS NOT NULL "
        "AND order_id NOT IN (SELECT id FROM orders)"
    ),
    "order events of an order that does not exist": (
        "SELECT count(*) FROM orderevent WHERE order_id NOT IN (SELECT id FROM orders)"
    ),
    "parcels of an order that does not exist": (
        "SELECT count(*) FROM parcel WHERE order_id NOT IN (SELECT id FROM orders)"
    ),
    "order lines with a quantity below 1": "SELECT count(*) FROM orderline WHERE qty < 1",
    "case barcodes worth less than 1 unit": "SELECT count(*) FROM barcode WHERE units < 1",
    "scans numbered twice at one station": (
        "SELECT count(*) FROM (SELECT station, seq FROM scanevent "
        "GROUP BY station, seq HAVING count(*) > 1)"
    ),
}


def check_header(path: Path) -> None:
    """Refuse a file that is not an SQLite database before anything opens it.

    Raises:
        StoreError: the file is damaged or not a database (or cannot be read).
    """
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except FileNotFoundError:
        return  # a first start: the file is made next
    except OSError as exc:
        raise storage_error(exc, path, "cannot be opened") from exc
    if not header:
        return  # made by a start that was killed at once: still empty, still new
    page_size = int.from_bytes(header[16:18], "big") if len(header) >= 18 else 0
    page_size = 65536 if page_size == 1 else page_size
    if not header.startswith(_MAGIC) or page_size < 512 or page_size & (page_size - 1):
        raise damaged(path, "cannot be opened", "its first bytes are not an SQLite header")


def check_schema(connection: Connection) -> None:
    """Read the schema and the first and last row of every table: cheap, whatever the size.

    Raises:
        sqlalchemy.exc.DatabaseError: a page on the way is damaged.
    """
    tables = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ).scalars()
    for table in list(tables):
        for order in ("ASC", "DESC"):
            connection.execute(text(f'SELECT * FROM "{table}" ORDER BY rowid {order} LIMIT 1'))


def page_check(path: Path, budget_s: float | None = None) -> list[str] | None:
    """SQLite's integrity_check (every page and index entry): [] when the file is whole.

    With `budget_s`, a check that would take longer is stopped and gives None
    (not checked): the start checks a small store whole and leaves a large one
    to `check_in_background`.
    """
    try:
        with _read_only(path) as db:
            timer = threading.Timer(budget_s, db.interrupt) if budget_s is not None else None
            if timer is not None:
                timer.start()
            try:
                rows = [row[0] for row in db.execute(_INTEGRITY).fetchmany(_SHOWN + 1)]
            finally:
                if timer is not None:
                    timer.cancel()
    except sqlite3.OperationalError as exc:
        if str(exc) == "interrupted":
            return None
        return [f"it cannot be read ({exc})"]
    except sqlite3.Error as exc:
        return [f"it cannot be read ({exc})"]
    return _listed(rows)


def whole_check_mark(path: Path) -> Path:
    """The file whose time says when the store last passed a whole page check."""
    return path.with_name(f"{path.name}.checked")


def mark_checked_whole(path: Path) -> None:
    """Note that every page of the store was read and found whole just now."""
    try:
        whole_check_mark(path).touch()
    except OSError as exc:  # a read-only folder: the check simply runs again next time
        log.warning("cannot note the whole check of %s: %s", path, exc)


def whole_check_due(path: Path) -> bool:
    """True unless the store passed a whole page check within the last day."""
    try:
        checked = whole_check_mark(path).stat().st_mtime
    except OSError:
        return True
    return time.time() - checked > WHOLE_CHECK_EVERY_S


def check_in_background(path: Path, on_damage: Callable[[str], None]) -> threading.Thread:
    """Run the whole page_check on a thread; `on_damage` gets the message if it fails."""

    def run() -> None:
        problems = page_check(path)
        if problems:
            log.error("store %s is damaged: %s", path, problems)
            on_damage(str(damaged(path, "is damaged", "; ".join(problems))))
        elif problems is not None:
            mark_checked_whole(path)

    thread = threading.Thread(target=run, name="integrity-check", daemon=True)
    thread.start()
    return thread


def full_check(path: Path) -> list[str]:
    """Every page and index, the foreign keys and the station's own rules: [] when whole."""
    problems = page_check(path) or []
    if problems:
        return problems  # rows cannot be trusted for the rules below
    try:
        with _read_only(path) as db:
            broken = db.execute("PRAGMA foreign_key_check").fetchall()
            for table, _rowid, parent, _fk in broken[:_SHOWN]:
                problems.append(f"a row of {table} points at a missing row of {parent}")
            if len(broken) > _SHOWN:
                problems.append(f"... and {len(broken) - _SHOWN} more missing references")
            for what, query in _INVARIANTS.items():
                count = db.execute(query).fetchone()[0]
                if count:
                    problems.append(f"{count} {what}")
    except sqlite3.Error as exc:
        problems.append(f"reading it failed: {exc}")
    return problems


def newest_good_backup(db_file: Path) -> Path | None:
    """The newest backup of `db_file` (in its folder's backups/) that passes page_check."""
    try:
        found = backups_in(db_file.parent / BACKUP_DIR, db_file.stem)
    except OSError:
        return None
    return next((b.path for b in found if page_check(b.path) == []), None)


def way_back(path: Path) -> str:
    """What to do about a damaged store: the newest good backup and how to use it."""
    backup = newest_good_backup(path)
    if backup is None:
        return (
            f"No good backup was found in {path.parent / BACKUP_DIR}. Nothing was moved or "
            f"deleted: keep {path} and ask IT (SQLite's .recover can save most rows)."
        )
    when = datetime.fromtimestamp(backup.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return (
        f"The newest good backup is {backup} (from {when}); what happened after it is not "
        f"in it. Nothing was moved or deleted. To go back to it, close PackStation, move "
        f"{path.name} and its -wal and -shm files out of {path.parent}, copy the backup "
        f"there as {path.name}, and start again."
    )


def damaged(path: Path, what: str, detail: str) -> StoreError:
    return StoreError(f"The database {path} {what}: it is damaged ({detail}). {way_back(path)}")


def storage_error(exc: BaseException, path: Path, what: str) -> StoreError:
    """The StoreError for a storage failure `exc`: cause in words, then what to do."""
    problem = storage_problem(exc, path)
    detail = getattr(exc, "orig", None) or exc
    if problem is None:
        return StoreError(
            f"The database {path} {what} ({detail}). Run `main.py check`; "
            "nothing was moved or deleted."
        )
    if problem.fault is StorageFault.DAMAGED:
        return damaged(path, what, str(detail))
    return StoreError(f"The database {path} {what}: {problem.cause}. {problem.advice}")


def write_refused(subject: str, exc: BaseException, path: Path) -> StoreError | None:
    """Why `subject` (e.g. "The scan 'X'") was not stored, for a storage failure; else None."""
    problem = storage_problem(exc, path)
    if problem is None:
        return None
    if problem.fault is StorageFault.DAMAGED:
        return StoreError(
            f"{subject} was NOT recorded: the station's database is damaged "
            f"({getattr(exc, 'orig', exc)}). Stop packing at this station. {way_back(path)}"
        )
    return StoreError(
        f"{subject} was NOT recorded: {problem.cause}. {problem.advice} Then do it again: "
        "nothing was counted."
    )


def _listed(rows: list[str]) -> list[str]:
    if rows == ["ok"]:
        return []
    return rows[:_SHOWN] + (["... and more"] if len(rows) > _SHOWN else [])


def _read_only(path: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True))
