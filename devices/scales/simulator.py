"""A scale on a pseudo-terminal, speaking MT-SICS, NCI or CAS, for tests and the demo.

Point a `SerialScale` at `ScaleSimulator.port` and it talks to this thread
through a real pty and the real pyserial, as it would to a scale. The test
(or the demo) sets what is on the platter with `set_weight()`; MT-SICS `S`
is held until the weight settles, as a balance does, and answered `S I`
after `busy_after` seconds if it does not; NCI answers W/S/Z at once; CAS
streams a line every `stream_interval` seconds. POSIX only (it needs a pty).
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType

from devices.scales import sim_frames
from devices.scales.protocols import ProtocolName, protocol_named
from devices.scales.pty_link import PtyLink
from devices.scales.sim_frames import SimWeight


class ScaleSimulator:
    """A simulated scale on its own thread.

    Args:
        protocol: "mt-sics", "nci" or "cas".
        unit: what the display shows: "g", "kg", "lb" or "oz".
        stream_interval: seconds between CAS lines.
        busy_after: seconds an MT-SICS `S` waits for a settled weight before `S I`.
    """

    def __init__(
        self,
        protocol: ProtocolName,
        *,
        unit: str = "g",
        stream_interval: float = 0.05,
        busy_after: float = 0.5,
    ) -> None:
        if unit not in sim_frames.PLACES:
            raise ValueError(f"unit must be one of {', '.join(sim_frames.PLACES)}")
        protocol_named(protocol)  # an unknown name fails here, by name
        self.protocol: ProtocolName = protocol
        self.unit = unit
        self._stream_interval = stream_interval
        self._busy_after = busy_after
        self._dir = Path(tempfile.mkdtemp(prefix="scale-sim-"))
        self.port = str(self._dir / "ttyScale")
        self._cond = threading.Condition()
        self._weight = SimWeight()
        self._outbox: list[bytes] = []
        self._inbox = b""
        self._held: list[float] = []  # deadlines of MT-SICS S commands waiting to settle
        self._next_line = 0.0
        self._commands = 0
        self._want_plugged = True
        self._closing = False
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._link: PtyLink | None = PtyLink(Path(self.port))
        self._thread = threading.Thread(target=self._run, name="scale simulator", daemon=True)
        self._thread.start()

    # --- what a test or the demo does ------------------------------------

    def set_weight(self, grams: int, stable: bool = True) -> None:
        """Put `grams` on the platter; `stable=False` keeps it swinging."""
        self._change(SimWeight(grams, stable))

    def set_overload(self) -> None:
        """Too heavy, until the next `set_weight()`."""
        self._change(SimWeight(self._weight.grams, False, overload=True))

    def send_raw(self, data: bytes) -> None:
        """Put `data` on the line as it is (line noise, a foreign format)."""
        with self._cond:
            self._outbox.append(data)
        self._wake()

    @property
    def commands_received(self) -> int:
        return self._commands

    def wait_for_commands(self, count: int, timeout: float) -> bool:
        """Wait until `count` commands have arrived since the start; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._commands >= count, timeout)

    def unplug(self, timeout: float = 5.0) -> None:
        """Pull the cable: the pty goes away and `port` dangles until `plug()`."""
        self._plug(False, timeout)

    def plug(self, timeout: float = 5.0) -> None:
        """Put it back: a new pty behind the same `port`."""
        self._plug(True, timeout)

    def close(self) -> None:
        with self._cond:
            self._closing = True
        self._wake()
        self._thread.join(timeout=5.0)
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> ScaleSimulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _change(self, weight: SimWeight) -> None:
        with self._cond:
            self._weight = weight
        self._wake()

    def _plug(self, plugged: bool, timeout: float) -> None:
        with self._cond:
            self._want_plugged = plugged
            self._wake()
            if not self._cond.wait_for(lambda: (self._link is not None) == plugged, timeout):
                raise TimeoutError("the simulator thread did not answer")

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError):  # already woken: one byte is enough
            os.write(self._wake_w, b"!")

    # --- the simulator thread ---------------------------------------------

    def _run(self) -> None:
        try:
            while self._step():
                pass
        finally:
            with self._cond:
                if self._link is not None:
                    self._link.close()
                    self._link = None

    def _step(self) -> bool:
        with self._cond:
            if self._closing:
                return False
            self._sync_plug()
            self._send_pending(time.monotonic())
            timeout = self._idle_time(time.monotonic())
            fds = [self._wake_r] if self._link is None else [self._wake_r, self._link.master]
        readable, _, _ = select.select(fds, [], [], timeout)
        if self._wake_r in readable:
            os.read(self._wake_r, 4096)
        with self._cond:
            if self._link is not None and self._link.master in readable:
                self._receive(self._link.read())
        return True

    def _sync_plug(self) -> None:
        if self._want_plugged and self._link is None:
            self._link = PtyLink(Path(self.port))
            self._inbox = b""
        elif not self._want_plugged and self._link is not None:
            self._link.close()
            self._link = None
            self._held.clear()
        self._cond.notify_all()

    def _send_pending(self, now: float) -> None:
        if self._link is None:
            self._outbox.clear()
            return
        for data in self._outbox:
            self._link.write(data)
        self._outbox.clear()
        if self.protocol == "cas" and now >= self._next_line:
            self._link.write(sim_frames.cas_line(self._weight, self.unit))
            self._next_line = now + self._stream_interval
        if self._held:
            self._answer_held(now)

    def _answer_held(self, now: float) -> None:
        assert self._link is not None
        settled = sim_frames.mt_sics_answer("S", self._weight, self.unit)
        for deadline in list(self._held):
            if settled is not None or now >= deadline:
                self._link.write(settled if settled is not None else sim_frames.mt_sics_busy())
                self._held.remove(deadline)

    def _idle_time(self, now: float) -> float | None:
        if self._link is None:
            return None
        due = list(self._held)
        if self.protocol == "cas":
            due.append(self._next_line)
        return max(0.0, min(due) - now) if due else None

    def _receive(self, data: bytes) -> None:
        self._inbox += data
        separators = b"\r\n" if self.protocol == "mt-sics" else b"\r"
        while True:
            end = min((i for i in map(self._inbox.find, separators) if i >= 0), default=-1)
            if end < 0:
                break
            command = self._inbox[:end].decode("latin-1").strip()
            self._inbox = self._inbox[end + 1 :]
            if command:
                self._commands += 1
                self._answer(command)
        self._cond.notify_all()

    def _answer(self, command: str) -> None:
        assert self._link is not None
        if self.protocol == "nci":
            self._link.write(sim_frames.nci_answer(command, self._weight, self.unit))
        elif self.protocol == "mt-sics":
            answer = sim_frames.mt_sics_answer(command, self._weight, self.unit)
            if answer is None:
                self._held.append(time.monotonic() + self._busy_after)
            else:
                self._link.write(answer)
