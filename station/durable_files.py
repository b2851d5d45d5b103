"""Files written whole and kept through a power cut: a temporary file, flushed, then renamed.

A reader never sees a half-written file, and once `write_whole` returns the
new content survives a power cut, the rename included (the folder is flushed
too, on POSIX; Windows cannot open a folder, and NTFS journals the rename).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_whole(target: Path, data: bytes, *, sync_folder: bool = True) -> None:
    """Replace `target` with `data`; with `sync_folder=False` the caller flushes the
    folder once after several files (`sync_folder`)."""
    # In the same folder: os.replace is atomic only within one file system.
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".tmp", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    if sync_folder:
        flush_folder(target.parent)


def flush_folder(folder: Path) -> None:
    """Make the renames in `folder` survive a power cut (POSIX only)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
