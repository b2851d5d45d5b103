"""One device's own thread: started once, stopped by `close`, usable in a `with` block.

Every device here does its blocking I/O on a thread of its own (a serial
scanner, a camera, a camera's barcode reader, its recorder); this is the part
they share. A subclass implements `_run`, which loops until `_stop` is set.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Self

logger = logging.getLogger(__name__)


class DeviceThread:
    def __init__(self, thread_name: str) -> None:
        self._thread_name = thread_name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """Whether the device thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the device thread; a device is started once."""
        if self._thread is not None:
            raise RuntimeError(f"{self._thread_name} was already started")
        self._thread = threading.Thread(target=self._run, name=self._thread_name, daemon=True)
        self._thread.start()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the thread, waiting up to `timeout` seconds for it to end.

        Safe to call more than once, and from the thread itself, e.g. from a
        listener callback (then it does not wait for itself).
        """
        self._stop.set()
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return
        thread.join(timeout)
        if thread.is_alive():
            logger.error("%s: thread still running after %s s", self._thread_name, timeout)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _run(self) -> None:
        raise NotImplementedError
