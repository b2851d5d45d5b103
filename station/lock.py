"""One running PackStation per data dir: two writers would interleave a station's events."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from station.errors import UserError

LOCK_NAME = "station.lock"


class DataDirBusy(UserError):
    """Another PackStation process uses this data dir."""


class DataDirLock:
    """An OS file lock (flock, or LockFileEx on Windows) held while the station runs.

    The OS releases it when the process dies, even by kill -9, so a crash never
    leaves a stale lock behind. That is why the "soft" lock filelock falls back
    to on file systems without flock (a file that merely exists) is refused:
    after a crash it would keep the station from starting.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._lock = FileLock(self.path, timeout=0, fallback_to_soft=False)

    def acquire(self) -> DataDirLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except Timeout:
            raise DataDirBusy(
                f"Another PackStation is already running on {self.path.parent}. "
                "Close it first, or pass a different --data-dir."
            ) from None
        return self

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release()
