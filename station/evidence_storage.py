"""Keeping evidence within the disk: retention, pins, a free-space guard, and files a
crash left unhashed.

- Retention: a file whose recording ended more than `retention_days` ago is deleted,
  unless its order is pinned.
- Pinned: an order flagged in exception or shipped short (a request, an override, a
  short parcel). Its evidence is what a dispute needs; nothing here deletes it.
- Free-space guard: below `min_free_mb` free, the oldest unpinned files go first until
  there is room again; the caller warns the station. Packing never waits for it.
- A deletion is a row of its own (EvidenceDeletion), written before the file goes: the
  evidence rows stay append-only, and a crash between the two leaves a file that the
  next sweep deletes again.
- A segment or photo that was being closed when the station was killed has no row: the
  next start hashes it and records it (`record_unhashed`).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, union
from sqlmodel import col, select

from station import evidence
from station.evidence import EvidenceDeletion, EvidenceFile
from station.models import Order, OrderEvent, Parcel, utc_now
from station.store import Store

log = logging.getLogger(__name__)

# The order events that pin an order's evidence.
PINNING_EVENTS = ("exception_flagged", "short_requested", "short_override")
EVIDENCE_SUFFIXES = (".webm", ".jpg")
RETENTION = "retention"
DISK_SPACE = "disk_space"


@dataclass(frozen=True)
class Sweep:
    """What one pass did, and whether the disk is still short of room."""

    deleted: int
    freed_bytes: int
    recorded: int  # files a crash had left unhashed, now recorded
    free_mb: int
    short_of_space: bool

    def warning(self, min_free_mb: int) -> str | None:
        """What the station shows when space is short; None when it is not."""
        if not self.short_of_space:
            return None
        return (
            f"Disk almost full: {self.free_mb} MB free (the station keeps {min_free_mb} MB). "
            "The oldest videos were deleted; what is left is pinned (orders in exception or "
            "shipped short). Packing goes on; free some space or ask IT."
        )


def _pinned_numbers() -> Any:
    """The numbers of the orders whose evidence is never deleted (an SQL subquery)."""
    flagged = (
        select(Order.number)
        .join(OrderEvent, col(OrderEvent.order_id) == col(Order.id))
        .where(col(OrderEvent.kind).in_(PINNING_EVENTS))
    )
    short = (
        select(Order.number)
        .join(Parcel, col(Parcel.order_id) == col(Order.id))
        .where(col(Parcel.short).is_(True))
    )
    return union(flagged, short)


def pinned_orders(store: Store) -> set[str]:
    """Orders whose evidence is never deleted: in exception, or shipped short."""
    with store.session() as db:
        return set(db.exec(_pinned_numbers()).scalars().all())


def _oldest_unpinned(store: Store, limit: int, ended_before: datetime | None) -> list[EvidenceFile]:
    """Up to `limit` kept files of unpinned orders, oldest first (read by the index, not
    all of them: a month of 2 s segments is some 400,000 rows)."""
    query = (
        select(EvidenceFile)
        .where(col(EvidenceFile.id).not_in(select(EvidenceDeletion.evidence_id)))
        .where(col(EvidenceFile.order_number).not_in(_pinned_numbers()))
    )
    if ended_before is not None:
        query = query.where(col(EvidenceFile.ended_at) < ended_before)
    with store.session() as db:
        return list(
            db.exec(
                query.order_by(col(EvidenceFile.started_at), col(EvidenceFile.path)).limit(limit)
            )
        )


def sweep(
    store: Store,
    data_dir: Path,
    station: str,
    *,
    retention_days: int,
    min_free_mb: int,
    now: datetime | None = None,
    free_bytes: Callable[[Path], int] | None = None,
    leftovers: bool = False,
) -> Sweep:
    """Delete what retention and the free-space guard ask for (never a pinned order's).

    With `leftovers` (once per start), files whose deletion was recorded but that a crash
    left on disk are deleted too.
    """
    folder = evidence.evidence_dir(data_dir)
    free_of = free_bytes or _free_bytes
    now = now or utc_now()
    deleted = freed = 0
    if retention_days > 0:
        limit = now - timedelta(days=retention_days)
        while batch := _oldest_unpinned(store, 500, limit):
            deleted += _delete(store, data_dir, station, batch, RETENTION)
            freed += sum(row.size for row in batch)
    need = min_free_mb * 1024 * 1024
    free = free_of(folder if folder.exists() else data_dir)
    # A handful at a time, the disk measured again after each.
    while free < need and (batch := _oldest_unpinned(store, 8, None)):
        deleted += _delete(store, data_dir, station, batch, DISK_SPACE)
        freed += sum(row.size for row in batch)
        free = free_of(folder if folder.exists() else data_dir)
    if leftovers:
        _delete_leftovers(store, data_dir)
    return Sweep(deleted, freed, 0, free // (1024 * 1024), free < need)


def _delete(
    store: Store, data_dir: Path, station: str, rows: list[EvidenceFile], reason: str
) -> int:
    if not rows:
        return 0
    # The rows first, in one commit: a crash before the files go leaves them to the next sweep.
    with store.write_lock, store.session() as db:
        first = evidence.next_seq(db, EvidenceDeletion, station)
        for number, row in enumerate(rows):
            db.add(
                EvidenceDeletion(
                    evidence_id=row.id, station=station, seq=first + number, reason=reason
                )
            )
        db.commit()
    for row in rows:
        _unlink(data_dir / row.path)
    log.info("evidence: %d files deleted (%s)", len(rows), reason)
    return len(rows)


def _delete_leftovers(store: Store, data_dir: Path) -> None:
    """Files whose deletion was recorded but that are still there (a crash in between)."""
    with store.session() as db:
        paths = db.exec(
            select(EvidenceFile.path).join(
                EvidenceDeletion, col(EvidenceDeletion.evidence_id) == col(EvidenceFile.id)
            )
        ).all()
    for path in paths:
        _unlink(data_dir / path)


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
        if path.parent.is_dir() and not any(path.parent.iterdir()):
            path.parent.rmdir()  # the order's folder, once empty
    except OSError as exc:
        log.warning("evidence file %s not deleted: %s", path, exc)


def _free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free


def record_unhashed(
    store: Store,
    data_dir: Path,
    station: str,
    duration_of: Callable[[Path], float | None],
    *,
    skip: Callable[[Path], bool] = lambda _path: False,
) -> int:
    """Hash and record every evidence file that has no row (a crash came before its row).

    Its order is its folder's name, its start the time in its name (else its file's
    time); `duration_of` says how long a video is (None: no frame in it, and it is deleted,
    as the recorder deletes a segment that got no frame). `skip` names
    files still being written (the recorder's open segment).
    """
    folder = evidence.evidence_dir(data_dir)
    if not folder.is_dir():
        return 0
    with store.session() as db:
        newest = db.exec(select(func.max(EvidenceFile.created_at))).one()
        # A crash's leftovers are younger than the last row recorded before it: only the
        # order folders changed since are looked into, not a month of them.
        since = None if newest is None else newest - timedelta(minutes=10)
        known = set(
            db.exec(
                select(EvidenceFile.path).where(
                    col(EvidenceFile.created_at) >= since if since else True
                )
            ).all()
        )
    cutoff = 0.0 if since is None else since.replace(tzinfo=since.tzinfo or UTC).timestamp()
    count = 0
    recent = [order for order in folder.iterdir() if order.stat().st_mtime >= cutoff]
    # A file closed and recorded has its row written after its last change: a file changed
    # since `since`, if recorded, has its row among `known`.
    candidates = (path for order in recent for path in order.glob("*"))
    for path in sorted(path for path in candidates if path.stat().st_mtime >= cutoff):
        relative = path.relative_to(data_dir).as_posix()
        if relative in known or path.suffix not in EVIDENCE_SUFFIXES or skip(path):
            continue
        started = _stamp_of(path)
        kind = "video" if path.suffix == ".webm" else "photo"
        seconds = duration_of(path) if kind == "video" else 0.0
        if seconds is None:
            # Killed as it began: no frame to keep (the recorder deletes such a segment too).
            log.warning("evidence: %s has no picture (the station stopped); deleted", relative)
            path.unlink(missing_ok=True)
            continue
        ended = started + timedelta(seconds=seconds)
        closed = evidence.ClosedFile(path.parent.name, station, kind, path, started, ended)
        evidence.record(store, data_dir, closed)
        log.warning("evidence: %s had no hash (the station stopped); recorded now", relative)
        count += 1
    return count


def _stamp_of(path: Path) -> datetime:
    # Names are <station>-<YYYYmmddTHHMMSSffffff>-...: the stamp is the part that parses.
    for part in path.stem.split("-"):
        try:
            return datetime.strptime(part, "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
        except ValueError:
            continue
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)
