"""Copies of the station's store: taken while it packs, a little at a time, and pruned.

A copy is made with SQLite's online backup API in small steps with a pause
between them, inside one read snapshot of the store: in WAL mode a reader
never blocks the writer, so a scan committed meanwhile waits for no lock (it
shares only the disk), and the copy is of one moment even while scans go on
(without the snapshot, a write by the station would restart the copy). It is
written under a temporary name and renamed once complete and on disk, so a
copy in `backups/` is always whole.

Retention fits a year's store: the newest 2 copies, plus the newest copy of
each of the last 4 weeks (at most 5 copies, as the newest is also its
week's); copies taken before a schema upgrade are kept apart, the newest 2.

`BackupScheduler` runs this on its own thread while the station is open (a
copy when one is due, then every day), and checkpoints the WAL file now and
then so it stays small without a scan ever doing it.
"""

from __future__ import annotations

import itertools
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from station.durable_files import flush_folder

log = logging.getLogger(__name__)

BACKUP_DIR = "backups"
SCHEDULED = "daily"  # the reason of a copy the scheduler takes
DAILY_KEPT = 2
WEEKLY_KEPT = 4
UPGRADE_KEPT = 2
BACKUP_EVERY = timedelta(days=1)
PAGES_PER_STEP = 64  # 256 KB with 4 KB pages: a step takes a millisecond or two
PAUSE_S = 0.005  # between steps, so scans get the disk
FLUSH_EVERY_STEPS = 8  # 2 MB
CHECKPOINT_EVERY_S = 60.0
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    reason: str


def backups_in(folder: Path, stem: str) -> list[BackupFile]:
    """The copies in `folder` of the store named `stem`, newest first."""
    found = []
    for path in folder.glob(f"{stem}-*.db"):
        parts = path.stem[len(stem) + 1 :].split("-", 1)
        try:
            taken = datetime.strptime(parts[0], _STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue  # not one of ours
        found.append(BackupFile(path, taken, parts[1] if len(parts) > 1 else ""))
    return sorted(found, key=lambda backup: backup.taken_at, reverse=True)


def to_keep(backups: list[BackupFile]) -> set[Path]:
    """The copies retention keeps (see the module docstring); the rest may go."""
    upgrades = [b for b in backups if b.reason.startswith("rev-")]
    scheduled = [b for b in backups if not b.reason.startswith("rev-")]
    keep = {b.path for b in upgrades[:UPGRADE_KEPT]}
    keep |= {b.path for b in scheduled[:DAILY_KEPT]}
    weeks: dict[tuple[int, int], Path] = {}
    for backup in scheduled:  # newest first: the first of each week is its newest
        week = backup.taken_at.isocalendar()[:2]
        if week not in weeks and len(weeks) < WEEKLY_KEPT:
            weeks[week] = backup.path
    return keep | set(weeks.values())


def prune(folder: Path, stem: str) -> list[Path]:
    """Delete the copies retention does not keep; returns them."""
    backups = backups_in(folder, stem)
    keep = to_keep(backups)
    gone = [b.path for b in backups if b.path not in keep]
    for path in gone:
        for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):  # if one was opened
            part.unlink(missing_ok=True)
    return gone


def backup_due(folder: Path, stem: str, now: datetime | None = None) -> bool:
    """True when the newest copy is a day old or there is none."""
    backups = backups_in(folder, stem)
    now = now or datetime.now(UTC)
    return not backups or now - backups[0].taken_at >= BACKUP_EVERY


def back_up(
    db_file: Path,
    reason: str,
    *,
    pages: int = PAGES_PER_STEP,
    pause_s: float = PAUSE_S,
    now: datetime | None = None,
) -> Path:
    """Copy the store to `<its folder>/backups/` and prune old copies; returns the copy."""
    folder = db_file.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime(_STAMP)
    target = folder / f"{db_file.stem}-{stamp}-{reason}.db"
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)  # a copy a kill interrupted
    _copy(db_file, partial, pages, pause_s)
    os.replace(partial, target)
    flush_folder(folder)
    prune(folder, db_file.stem)
    return target


def _copy(source_file: Path, target_file: Path, pages: int, pause_s: float) -> None:
    source = sqlite3.connect(source_file, isolation_level=None)
    target = sqlite3.connect(target_file, isolation_level=None)
    try:
        source.execute("PRAGMA busy_timeout=5000")
        # One read snapshot for the whole copy: the station's writes meanwhile
        # neither wait for it nor restart it.
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchall()
        # The copy is not synced page by page: it counts only once renamed, after
        # one sync. But a few MB are flushed as it grows, so that a scan's own
        # commit never waits behind a flush of the whole copy (the disk is shared).
        target.execute("PRAGMA journal_mode=OFF")
        target.execute("PRAGMA synchronous=OFF")
        with open(target_file, "rb") as written:
            steps = itertools.count(1)

            def between_steps(_status: int, _remaining: int, _total: int) -> None:
                if next(steps) % FLUSH_EVERY_STEPS == 0:
                    os.fsync(written.fileno())
                time.sleep(pause_s)

            source.backup(target, pages=pages, progress=between_steps)
            source.execute("COMMIT")
            # The WAL grew while the snapshot held it; checkpoint it here, before
            # the next scan's commit would (SQLite's auto-checkpoint runs on a commit).
            source.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            target.close()
            os.fsync(written.fileno())
    finally:
        target.close()
        source.close()


def checkpoint(db_file: Path) -> None:
    """Copy the WAL back into the store without waiting for, or blocking, any writer.

    With the store's journal_size_limit, the next commit then starts the WAL
    file over, so it stays a few MB however long the station runs.
    """
    connection = sqlite3.connect(db_file, isolation_level=None)
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    finally:
        connection.close()


class BackupScheduler:
    """Back the store up when due (at start too) and checkpoint its WAL, on its own thread."""

    def __init__(
        self,
        db_file: Path,
        *,
        first_after_s: float = 10.0,
        every_s: float = CHECKPOINT_EVERY_S,
        on_error: Callable[[str], None] | None = None,
        on_backup: Callable[[Path], None] | None = None,
    ) -> None:
        self._db_file = db_file
        self._first_after_s = first_after_s
        self._every_s = every_s
        self._on_error = on_error
        self._on_backup = on_backup
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="backups", daemon=True)
        self.taken: list[Path] = []  # the copies this scheduler made, oldest first

    def start(self) -> BackupScheduler:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop; a copy in progress is finished first (it is a few seconds at most)."""
        self._stop.set()
        self._thread.join(timeout=120)

    def _loop(self) -> None:
        # The first round waits a little: the window's start has the disk first.
        wait = self._first_after_s
        while not self._stop.wait(wait):
            wait = self._every_s
            try:
                self.run_once()
            except (OSError, sqlite3.Error) as exc:  # the station packs on; it is told
                log.warning("backup of %s failed: %s", self._db_file, exc)
                if self._on_error is not None:
                    self._on_error(
                        f"The station's daily backup failed ({exc}). Packing goes on; "
                        "free disk space or call IT."
                    )

    def run_once(self) -> Path | None:
        """One round: a copy if one is due, then a checkpoint; returns the copy, if any."""
        copy = None
        folder = self._db_file.parent / BACKUP_DIR
        if backup_due(folder, self._db_file.stem):
            copy = back_up(self._db_file, SCHEDULED)
            self.taken.append(copy)
            log.info("store backed up to %s", copy)
            if self._on_backup is not None:
                self._on_backup(copy)
        checkpoint(self._db_file)
        return copy
