"""The central link in the status bar, from a sync process beside the window.

The window starts `main.py sync --watch` (station/sync/watch.py) with its own
data dir and config, and reads the link's status from the lines it prints.
A process, not a thread: a sync thread in the window's process added about
20 ms to the scan p99 (the GIL while it builds batches; README, Central
database), a process nothing measurable. QProcess tells us on the UI thread,
so no thread of ours is needed here. Closing the window closes the process's
stdin, which ends it; if the window dies, the OS closes the pipe just the same.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from station.settings import Settings
from station.sync.link import SYNC_NOW, LinkStatus
from ui.status_bar import DeviceStatusBar, central_health

log = logging.getLogger(__name__)

MAIN = Path(__file__).resolve().parents[1] / "main.py"
STOP_WAIT_MS = 5000  # the sync ends after its batch in flight; killing it is safe too


def sync_command(data_dir: Path, config: Path) -> list[str]:
    """The sync process for this station: same interpreter, data dir and config."""
    return [
        sys.executable,
        str(MAIN),
        "sync",
        "--watch",
        "--data-dir",
        str(data_dir),
        "--config",
        str(config),
    ]


class CentralLink(QObject):
    """Runs the sync process, restarts it if it ends, and says how the link is."""

    status_changed = Signal(object)  # LinkStatus, or None while the first exchange runs

    def __init__(self, command: list[str], restart_after_s: float, parent: QObject) -> None:
        super().__init__(parent)
        self._process = QProcess(self)
        self._process.setProgram(command[0])
        self._process.setArguments(command[1:])
        self._process.readyReadStandardOutput.connect(self._on_process_output)
        self._process.readyReadStandardError.connect(self._on_process_error_output)
        self._process.finished.connect(self._on_process_finished)
        self._process.errorOccurred.connect(self._on_process_error_occurred)
        self._restart = QTimer(self)
        self._restart.setSingleShot(True)
        self._restart.setInterval(int(restart_after_s * 1000))
        self._restart.timeout.connect(self.start)
        self._stopping = False

    def start(self) -> None:
        self._stopping = False
        self.status_changed.emit(None)
        self._process.start()

    def sync_now(self) -> None:
        """Ask for an exchange at once (after a packed order, say)."""
        if self._process.state() is QProcess.ProcessState.Running:
            self._process.write(f"{SYNC_NOW}\n".encode())

    def stop(self) -> None:
        """End the sync process (after its batch in flight); blocks STOP_WAIT_MS at most."""
        self._stopping = True
        self._restart.stop()
        if self._process.state() is QProcess.ProcessState.NotRunning:
            return
        self._process.closeWriteChannel()
        if not self._process.waitForFinished(STOP_WAIT_MS):
            log.warning("the sync process did not end in time; killed")
            self._process.kill()
            self._process.waitForFinished(STOP_WAIT_MS)

    def _on_process_output(self) -> None:
        while self._process.canReadLine():
            line = bytes(self._process.readLine().data()).decode("utf-8", "replace").strip()
            try:
                status = LinkStatus.from_json(line)
            except ValueError:
                log.warning("sync process said: %s", line)
                continue
            self.status_changed.emit(status)

    def _on_process_error_output(self) -> None:
        text = bytes(self._process.readAllStandardError().data()).decode("utf-8", "replace")
        for line in text.splitlines():
            if line.strip():
                log.warning("sync process: %s", line)

    def _on_process_finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        if self._stopping:
            return
        log.warning("the sync process ended (exit %s); restarting it", code)
        self._went_away(f"the sync process ended (exit {code}); it restarts by itself")

    def _on_process_error_occurred(self, error: QProcess.ProcessError) -> None:
        if error is QProcess.ProcessError.FailedToStart and not self._stopping:
            self._went_away(f"the sync process could not start: {self._process.errorString()}")

    def _went_away(self, problem: str) -> None:
        self.status_changed.emit(LinkStatus(online=False, waiting=0, problem=problem))
        self._restart.start()


def connect_central_link(
    status_bar: DeviceStatusBar, settings: Settings, data_dir: Path, config: Path
) -> list[Callable[[], None]]:
    """Start the sync process if [central] has a url; returns its closer (none without)."""
    if settings.central.url is None:
        return []
    link = CentralLink(sync_command(data_dir, config), settings.central.sync_interval_s, status_bar)
    link.status_changed.connect(lambda status: status_bar.report(central_health(status)))
    link.start()
    return [link.stop]
