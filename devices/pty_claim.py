"""Pseudo-terminals our simulators claim, so no other program can take them.

A simulator's pty gets whatever /dev/pts/N is free, and another program
configured with that name (a stray station reconnecting to /dev/pts/0 every
2 s) could open it first and lock it, taking a test's or a benchmark's port.
So a simulator claims its pty from the moment it exists, twice over:

- exclusive mode (TIOCEXCL): every open(2) fails with EBUSY, except for root,
  whom the kernel lets through;
- an exclusive flock, held on the simulator's own descriptor: a reader that
  locks its port, as pyserial's `exclusive=True` (every PackStation reader)
  does, is refused even as root.

Our own readers open such a port inside `admitted(port)`, which lifts both for
that one open; their own flock then keeps the port theirs, and exclusive mode
is back at once. (Between a reader closing the port and opening it again, a
program running as root and not locking could still open it: nothing stops root.)
POSIX only.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# The ptys this process claims, by the real path of their slave side.
_claimed: dict[str, int] = {}
# One open at a time is let in, and the registry changes under the same lock.
_door = threading.Lock()


def claim(slave_fd: int) -> None:
    """Make the pty of `slave_fd` (a terminal this process holds open) ours alone."""
    _lock_out(slave_fd)
    with _door:
        _claimed[os.path.realpath(os.ttyname(slave_fd))] = slave_fd


def unclaim(slave_fd: int) -> None:
    """Forget the pty of `slave_fd`; call before closing it."""
    with _door:
        for path, fd in list(_claimed.items()):
            if fd == slave_fd:
                del _claimed[path]


@contextmanager
def admitted(port: str) -> Iterator[None]:
    """Let this process open `port` if it is a pty claimed here; else do nothing."""
    with _door:
        fd = _claimed.get(os.path.realpath(port)) if port.startswith("/") else None
        if fd is None:
            yield
            return
        import fcntl
        import termios

        fcntl.ioctl(fd, termios.TIOCNXCL)
        fcntl.flock(fd, fcntl.LOCK_UN)
        try:
            yield
        finally:
            _lock_out(fd)


def _lock_out(fd: int) -> None:
    import fcntl
    import termios

    fcntl.ioctl(fd, termios.TIOCEXCL)
    # Taken back unless the reader just let in holds its own: then it guards the port.
    with contextlib.suppress(BlockingIOError):
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
