"""Errors the environment or the user causes: shown as a clear message, never a traceback.

`storage_problem` is the one place that tells what a failed database or file
operation means (the disk is full, the media is read-only, this user may not
write there, the disk failed, the file is damaged), so the start, the scan
path and the check command all say the same thing about the same cause.
"""

from __future__ import annotations

import enum
import errno
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path


class UserError(Exception):
    """An expected problem with a message that says what is wrong and what to do."""


class StoreError(UserError):
    """The database file cannot be opened, upgraded or written."""


class StorageFault(enum.Enum):
    FULL = "full"
    READ_ONLY = "read-only"
    PERMISSION = "permission"
    IO = "io"
    DAMAGED = "damaged"
    BUSY = "busy"


@dataclass(frozen=True)
class StorageProblem:
    """What went wrong with the station's files, in words, and what to do about it."""

    fault: StorageFault
    cause: str  # e.g. "the disk holding /data is full"
    advice: str  # e.g. "Free space on that disk, then start again."


# SQLite primary result codes (the low byte of an extended code).
_SQLITE_FAULTS = {
    3: StorageFault.PERMISSION,  # SQLITE_PERM
    5: StorageFault.BUSY,  # SQLITE_BUSY
    6: StorageFault.BUSY,  # SQLITE_LOCKED
    8: StorageFault.READ_ONLY,  # SQLITE_READONLY
    10: StorageFault.IO,  # SQLITE_IOERR
    11: StorageFault.DAMAGED,  # SQLITE_CORRUPT
    13: StorageFault.FULL,  # SQLITE_FULL
    14: StorageFault.PERMISSION,  # SQLITE_CANTOPEN: checked against the folder below
    26: StorageFault.DAMAGED,  # SQLITE_NOTADB
}
_OS_FAULTS = {
    errno.ENOSPC: StorageFault.FULL,
    errno.EDQUOT: StorageFault.FULL,
    errno.EFBIG: StorageFault.FULL,
    errno.EROFS: StorageFault.READ_ONLY,
    errno.EACCES: StorageFault.PERMISSION,
    errno.EPERM: StorageFault.PERMISSION,
    errno.EIO: StorageFault.IO,
}
# Less room than this is a full disk, whatever SQLite called the failure: it
# reports some failed writes (the WAL index, a grown file) as "disk I/O error".
_NEARLY_FULL_BYTES = 1_000_000


def storage_problem(exc: BaseException, path: Path) -> StorageProblem | None:
    """What `exc` (a sqlite3 or OS error, bare or wrapped) means for the file `path`.

    None when it is not a storage problem (then it is a bug, shown as one).
    """
    fault = _fault(exc)
    if fault is None:
        return None
    folder = path.parent
    if fault in (StorageFault.IO, StorageFault.PERMISSION) and _nearly_full(folder):
        fault = StorageFault.FULL
    if fault in (StorageFault.IO, StorageFault.PERMISSION) and _read_only_mount(folder):
        fault = StorageFault.READ_ONLY
    if fault is StorageFault.PERMISSION and not folder.exists():
        return StorageProblem(
            fault,
            f"the folder {folder} does not exist and cannot be made",
            "Create it (or choose another with --data-dir), then start again.",
        )
    return _DESCRIBE[fault](path)


def _fault(exc: BaseException) -> StorageFault | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.Error):
            code = getattr(current, "sqlite_errorcode", None)
            if code is not None and code & 0xFF in _SQLITE_FAULTS:
                return _SQLITE_FAULTS[code & 0xFF]
        if isinstance(current, OSError) and current.errno in _OS_FAULTS:
            return _OS_FAULTS[current.errno]
        # SQLAlchemy keeps the driver's error in `orig`.
        current = getattr(current, "orig", None) or current.__cause__
    return None


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < _NEARLY_FULL_BYTES
    except OSError:
        return False


def _read_only_mount(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # gone, or Windows (no statvfs)
        return False


def _full(path: Path) -> StorageProblem:
    return StorageProblem(
        StorageFault.FULL,
        f"the disk holding {path.parent} is full",
        "Free space on that disk (or ask IT to), then try again. Nothing was lost: "
        "what was stored before is still there.",
    )


def _read_only(path: Path) -> StorageProblem:
    return StorageProblem(
        StorageFault.READ_ONLY,
        f"{path} is on read-only media or is marked read-only",
        f"Make {path.parent} writable again (a disk remounted read-only after errors needs "
        "IT; a USB stick may have a lock switch), then try again. Nothing was changed.",
    )


def _permission(path: Path) -> StorageProblem:
    return StorageProblem(
        StorageFault.PERMISSION,
        f"this user may not write {path} (permission denied)",
        f"Give this user write permission to {path.parent} and the files in it (ask IT), "
        "or start PackStation as the user who owns them. Nothing was changed.",
    )


def _io(path: Path) -> StorageProblem:
    return StorageProblem(
        StorageFault.IO,
        f"the disk holding {path} failed to read or write (I/O error)",
        "Check the disk: a removed USB drive, a lost network share or a failing disk. "
        "Then try again; if it keeps failing, copy the whole data folder to a good disk "
        "and start from there with --data-dir. Do not delete anything.",
    )


def _damaged(path: Path) -> StorageProblem:
    return StorageProblem(
        StorageFault.DAMAGED,
        f"the database {path} is damaged",
        "Run `main.py check` for details. Nothing was moved or deleted.",
    )


def _busy(path: Path) -> StorageProblem:
    return StorageProblem(
        StorageFault.BUSY,
        f"another program held the database {path} for too long",
        "Wait a moment and try again; if an import is running, let it finish.",
    )


_DESCRIBE = {
    StorageFault.FULL: _full,
    StorageFault.READ_ONLY: _read_only,
    StorageFault.PERMISSION: _permission,
    StorageFault.IO: _io,
    StorageFault.DAMAGED: _damaged,
    StorageFault.BUSY: _busy,
}
