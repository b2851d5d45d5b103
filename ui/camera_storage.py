"""The evidence on disk, kept in bounds while the station runs (station/evidence_storage.py).

At the start, files a crash left unhashed are recorded; then every few minutes
retention and the free-space guard run, on a worker of their own: packing never waits
for them. A disk still short of room shows in the status bar until there is room again.

Whether each camera's files are being kept is an entry of its own (`RecordingHealth`):
the disk's sweep saying "ok" must not hide a recorder that lost its last segment.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from station import evidence_storage
from station.settings import CameraSettings
from station.store import Store
from ui.status_bar import DeviceHealth, DeviceStatusBar, Level
from ui.thread_relay import let_worker_finish
from ui.worker import Worker

log = logging.getLogger(__name__)

EVIDENCE_KEY = "evidence"
SWEEP_EVERY_MS = 5 * 60 * 1000


def recording_key(camera_id: str) -> str:
    return f"recording:{camera_id}"


class RecordingHealth:
    """One camera's recording in the status bar: "not recording" from a segment or photo
    it lost until it keeps a file of every kind it lost (a kept photo says nothing of the
    video). Its own entry, so neither the disk's sweep nor another camera's recorder can
    clear it. Called on the recording thread; the status bar queues to the UI thread.
    """

    def __init__(self, status_bar: DeviceStatusBar, camera_id: str) -> None:
        self._status_bar = status_bar
        self._key = recording_key(camera_id)
        self._title = f"Evidence {camera_id}"
        self._lock = threading.Lock()
        self._lost: dict[str, str] = {}  # kind ("video", "photo") -> why its last was lost

    def lost(self, kind: str, problem: str) -> None:
        with self._lock:
            self._lost[kind] = problem
            problems = list(self._lost.values())
        self._report_lost(problems)

    def kept(self, kind: str) -> None:
        with self._lock:
            if self._lost.pop(kind, None) is None:
                return  # nothing was lost: the entry stays as it is (or absent)
            problems = list(self._lost.values())
        if problems:
            self._report_lost(problems)
            return
        self._status_bar.report(
            DeviceHealth(
                self._key, self._title, "recording", Level.OK, f"{self._title}: recording again."
            )
        )

    def _report_lost(self, problems: list[str]) -> None:
        tooltip = "\n".join(
            [
                f"{self._title}: not recording.",
                *problems,
                "Packing goes on. Free disk space (see Video disk); it tries again by itself.",
            ]
        )
        self._status_bar.report(
            DeviceHealth(self._key, self._title, "not recording", Level.FAULT, tooltip)
        )


class EvidenceKeeper(QObject):
    """Runs the evidence sweeps on its worker; shows a full disk in the status bar."""

    def __init__(
        self,
        store: Store,
        station: str,
        settings: CameraSettings,
        status_bar: DeviceStatusBar,
        writing: Callable[[Path], bool],
    ) -> None:
        super().__init__(status_bar)
        self._store = store
        self._data_dir = store.path.parent
        self._station = station
        self._settings = settings
        self._status_bar = status_bar
        self._writing = writing
        self._started = time.time()
        self._worker = Worker(self, name="evidence-keeper")
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.sweep_now)
        self.last: evidence_storage.Sweep | None = None

    def start(self) -> None:
        from devices.camera.clips import duration_of

        store, data_dir, station, writing = (
            self._store,
            self._data_dir,
            self._station,
            self._writing,
        )
        started = self._started

        def ours(path: Path) -> bool:
            # Written since this start: the recorder hashes it as it closes it.
            return writing(path) or path.stat().st_mtime >= started

        self._worker.run(
            lambda: evidence_storage.record_unhashed(
                store, data_dir, station, duration_of, skip=ours
            ),
            lambda count: log.info("evidence: %d unhashed files recorded at the start", count),
            self._on_failed,
        )
        self.sweep_now(leftovers=True)  # files a crash left after their deletion row
        self._timer.start(SWEEP_EVERY_MS)

    def stop(self) -> None:
        self._timer.stop()
        # A sweep may still run (hashing a long video): not deleted with the window.
        let_worker_finish(self._worker)

    def sweep_now(self, leftovers: bool = False) -> None:
        store, data_dir, station, settings = (
            self._store,
            self._data_dir,
            self._station,
            self._settings,
        )
        self._worker.run(
            lambda: evidence_storage.sweep(
                store,
                data_dir,
                station,
                retention_days=settings.retention_days,
                min_free_mb=settings.min_free_mb,
                leftovers=leftovers,
            ),
            self._on_swept,
            self._on_failed,
        )

    def _on_swept(self, result: evidence_storage.Sweep) -> None:
        self.last = result
        warning = result.warning(self._settings.min_free_mb)
        if warning is None:
            health = DeviceHealth(
                EVIDENCE_KEY,
                "Video disk",
                "ok",
                Level.OK,
                f"Video disk: {result.free_mb} MB free.",
            )
        else:
            log.warning("evidence: %s", warning)
            health = DeviceHealth(EVIDENCE_KEY, "Video disk", "almost full", Level.WARNING, warning)
        self._status_bar.report(health)

    def _on_failed(self, exc: BaseException) -> None:
        # The sweep is housekeeping: a failure is logged and shown, never a stop.
        log.error("evidence sweep failed", exc_info=exc)
        self._status_bar.report(
            DeviceHealth(
                EVIDENCE_KEY, "Video disk", "not checked", Level.WARNING, f"Video disk: {exc}"
            )
        )
