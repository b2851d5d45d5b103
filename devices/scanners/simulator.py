"""A serial barcode scanner on a pseudo-terminal, for tests and the demo station.

The slave side of a pty is a real terminal device, so `SerialScanner` opens it
through pyserial exactly as it opens /dev/ttyACM0: what the tests exercise is
the real read path. Unplugging closes the master, which makes the port's reads
fail as a pulled USB cable does. POSIX only: Windows has no ptys.

Each pty is claimed (`devices.pty_claim`) as soon as it exists: only this
process's own readers can open it, so no other program takes a test's scanner.

The simulator also acts as the `PortFinder` for its one device, answering with
a fixed USB identity, so a re-plug under a new name is found the way
`ListPortsFinder` finds a real scanner.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

from devices import pty_claim
from devices.scanners.usb_identity import UsbIdentity

# pid.codes' test VID:PID, reserved for exactly this: it never names a real product.
SIMULATED_IDENTITY = UsbIdentity(vid=0x1209, pid=0x0001, serial_number="PS-SIM-0001")


class SimulatorUnpluggedError(RuntimeError):
    """Sending to a simulated scanner that is unplugged."""


class PtyScannerSimulator:
    """A scanner you can type into, unplug and plug back.

    Args:
        identity: the USB identity it reports as `PortFinder`.
        link_dir: if given, the port is a symlink named ttySIM0, ttySIM1, ... in it,
            a new name for each plug, like a USB scanner that comes back as ttyACM1.
    """

    def __init__(
        self,
        identity: UsbIdentity = SIMULATED_IDENTITY,
        link_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.identity = identity
        self._link_dir = None if link_dir is None else Path(link_dir)
        self._lock = threading.Lock()  # the scanner's thread asks find()/identify() meanwhile
        self._plugs = 0
        self._master = -1
        self._slave = -1
        self._port = ""
        self._link: Path | None = None
        self.replug()

    @property
    def port(self) -> str:
        """The port name of the current plug (of the last one, while unplugged)."""
        return self._port

    @property
    def plugged(self) -> bool:
        return self._master >= 0

    def send(self, text: str, terminator: str = "\r") -> None:
        """Send a scan as the scanner would: Latin-1 text and its terminator."""
        self.send_bytes((text + terminator).encode("latin-1"))

    def send_bytes(self, data: bytes) -> None:
        """Put raw bytes on the line."""
        if not self.plugged:
            raise SimulatorUnpluggedError("the simulated scanner is unplugged")
        view = memoryview(data)
        while view:
            view = view[os.write(self._master, view) :]

    def wait_until_queued(self, count: int, timeout: float) -> bool:
        """Whether exactly `count` bytes wait unread at the port, within `timeout` seconds.

        Sent bytes reach the port's input queue a moment later (the kernel moves them
        on its own time), so "0 queued" alone does not prove a reader took them: see
        them queued first, then wait for 0. The kernel has no notification for either,
        so this polls the queue's length.
        """
        import fcntl
        import termios

        if not self.plugged:
            raise SimulatorUnpluggedError("the simulated scanner is unplugged")
        deadline = time.monotonic() + timeout
        queued = bytearray(4)
        while True:
            fcntl.ioctl(self._slave, termios.FIONREAD, queued)
            if int.from_bytes(queued, sys.byteorder) == count:
                return True
            if time.monotonic() >= deadline:
                return False
            threading.Event().wait(0.005)

    def unplug(self) -> None:
        """Pull the cable: reads on the port fail, and the port name goes away."""
        with self._lock:
            if not self.plugged:
                return
            if self._link is not None:
                self._link.unlink(missing_ok=True)
            pty_claim.unclaim(self._slave)
            os.close(self._master)
            os.close(self._slave)
            self._master = self._slave = -1

    def replug(self) -> str:
        """Plug in again, as a new pty; return its port name."""
        import tty  # POSIX only: imported here so the module loads on Windows

        self.unplug()
        master, slave = os.openpty()
        # Raw from the start, so bytes sent before the scanner opens the port are not
        # turned from CR into LF or echoed back.
        tty.setraw(slave)
        pty_claim.claim(slave)
        port = os.ttyname(slave)
        link = None
        if self._link_dir is not None:
            link = self._link_dir / f"ttySIM{self._plugs}"
            link.symlink_to(port)
            port = str(link)
        with self._lock:
            # The slave stays open here, so the pty lives until unplug even with no reader.
            self._master, self._slave, self._port, self._link = master, slave, port, link
            self._plugs += 1
        return port

    def close(self) -> None:
        self.unplug()

    def __enter__(self) -> PtyScannerSimulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- PortFinder ----------------------------------------------------------------

    def identify(self, port: str) -> UsbIdentity | None:
        with self._lock:
            return self.identity if self.plugged and port == self._port else None

    def find(self, identity: UsbIdentity) -> str | None:
        with self._lock:
            return self._port if self.plugged and identity == self.identity else None
