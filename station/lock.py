"""One running PackStation per data dir: two writers would interleave a station's events."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from station.errors import UserError

LOCK_NAME = "station.lock"


class DataDirBusy(UserError):
    """Another PackStation process uses this data dir."""


class DataDirLock:
    """An OS file lock: released by the OS when the process dies, even by kill -9."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._file: IO[str] | None = None

    def acquire(self) -> DataDirLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise DataDirBusy(
                f"Another PackStation is already running on {self.path.parent}. "
                "Close it first, or pass a different --data-dir."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _lock(handle: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
