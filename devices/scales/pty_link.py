"""A pseudo-terminal reachable at a fixed path, that can be unplugged and plugged again.

A new pty gets a new /dev/pts/N, so the simulator publishes each one through
a symlink it owns: the scale keeps its port setting across an unplug, as it
would with a real USB adapter coming back. Each pty is claimed
(`devices.pty_claim`): only this process's own readers can open it. POSIX only.
"""

from __future__ import annotations

import contextlib
import os
import tty
from pathlib import Path

from devices import pty_claim


class PtyLink:
    """One pty; `master` is the scale's end, `path` the port a reader opens."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.master, self._slave = os.openpty()
        # Raw before anyone opens the port: a cooked pty would echo the
        # scale's own output back to it and rewrite CR/LF.
        tty.setraw(self._slave)
        pty_claim.claim(self._slave)
        # The scale never waits for a reader: output nobody takes is dropped.
        os.set_blocking(self.master, False)
        # Holding the slave open keeps the pty alive while no reader has it
        # open (the master would read EIO otherwise).
        staging = path.with_name(path.name + ".new")
        staging.unlink(missing_ok=True)
        os.symlink(os.ttyname(self._slave), staging)
        os.replace(staging, path)

    def write(self, data: bytes) -> int:
        """Write what fits; return the number of bytes taken."""
        try:
            return os.write(self.master, data)
        except (BlockingIOError, OSError):
            return 0

    def read(self) -> bytes:
        try:
            return os.read(self.master, 4096)
        except (BlockingIOError, OSError):
            return b""

    def close(self) -> None:
        """Unplug: the path goes first, so no reader can reopen the dying pty."""
        self.path.unlink(missing_ok=True)
        pty_claim.unclaim(self._slave)
        for fd in (self.master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
