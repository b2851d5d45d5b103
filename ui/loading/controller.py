"""The bridge from the loading screen to the loading engine, as ui.controller is for packing.

Every call into `LoadingSession` (which commits before it answers) runs on one
background `Worker`, in the order the inputs came; answers come back on the UI
thread as signals. The close renders and writes the manifest there too.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal

from station.errors import UserError
from station.handoff.closing import (
    Handover,
    LeftBehind,
    ManifestPrinter,
    close_load,
    not_loaded,
)
from station.handoff.engine import LoadAnswer, LoadingSession
from station.handoff.loads import Uncollected, uncollected
from station.handoff.manifest_data import PdfRenderer
from station.models import utc_now
from ui.thread_relay import signal_relay
from ui.worker import Worker

if TYPE_CHECKING:
    from station.handoff.decide_worker import LoadDecider
    from ui.loading.cage_photo import CagePhoto

log = logging.getLogger(__name__)
T = TypeVar("T")


class LoadingController(QObject):
    """Queue dock inputs for the engine and announce what it answered."""

    answered = Signal(object)  # LoadAnswer
    closed = Signal(object)  # LoadAnswer of a close (its manifest written)
    left_behind_listed = Signal(object)  # list[LeftBehind] of the open load
    view_loaded = Signal(object)  # LoadAnswer | None: where the dock stands
    uncollected_listed = Signal(object)  # list[Uncollected]: sealed, on no closed load
    user_error_raised = Signal(str)  # a dock input refused (never the close: close_failed)
    # str: why the close did not happen (refused, or a bug also sent as `crashed`). Its own
    # signal: a refused scan queued before the close must not end the close's wait.
    close_failed = Signal(str)
    crashed = Signal(str)
    # LoadAnswer: the central database put a parcel loaded here on another dock's load.
    taken_off = Signal(object)

    def __init__(
        self,
        loading: LoadingSession,
        data_dir: Path,
        render_pdf: PdfRenderer,
        printer: ManifestPrinter | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.loading = loading
        self._data_dir = data_dir
        self._render_pdf = render_pdf
        self._printer = printer
        self._worker = Worker(self, name="dock-worker")
        self._decider: LoadDecider | None = None
        # The camera that photographs the cage at the close (ui.loading.cage_photo), if any.
        self.cage_photo: CagePhoto | None = None
        # What the decider's thread calls: the signal, never a bound method (which would
        # let that thread free this object, see ui.thread_relay).
        self.relay_taken_off: Callable[[LoadAnswer], None] = signal_relay(self.taken_off)

    def use_central(self, url: str) -> None:
        """Confirm each parcel loaded with the central database (station.handoff.decide_worker)."""
        # Imported here: a dock without a central database never loads the PostgreSQL driver.
        from station.handoff.decide_worker import LoadDecider

        self._decider = LoadDecider(url, self.loading)
        self._decider.on_taken_off(self.relay_taken_off)
        self._decider.start()

    @property
    def prints_manifest(self) -> bool:
        """A document printer is configured: the close prints the manifest too."""
        return self._printer is not None

    @property
    def pending(self) -> int:
        return self._worker.pending

    def scan(self, raw: str, *, source: str = "scanner") -> None:
        loading = self.loading
        self._run(lambda: loading.handle_scan(raw, source=source), self.answered.emit)

    def load_view(self) -> None:
        self._run(self.loading.view, self.view_loaded.emit)

    def list_left_behind(self) -> None:
        loading = self.loading
        self._run(lambda: not_loaded(loading), self.left_behind_listed.emit)

    def list_uncollected(self) -> None:
        """Parcels sealed but on no closed load (answered by `uncollected_listed`)."""
        store, warehouse = self.loading.store, self.loading.settings.warehouse

        def job() -> list[Uncollected]:
            with store.session() as db:  # this dock's warehouse (other stations' parcels)
                return uncollected(db, timedelta(0), utc_now(), warehouse=warehouse)

        self._run(job, self.uncollected_listed.emit)

    def load_parcel(self, tracking: str) -> None:
        """A parcel of the not-loaded list put on the load after all (from the close screen)."""
        self.scan(tracking, source="button")

    def close(self, handover: Handover, reasons: Mapping[str, str]) -> None:
        loading, folder, render, printer = (
            self.loading,
            self._data_dir,
            self._render_pdf,
            self._printer,
        )

        camera, decider = self.cage_photo, self._decider

        def job() -> LoadAnswer:
            if decider is not None:
                decider.wait_for_all()  # a parcel another dock has comes off first
            taken = handover
            if camera is not None and handover.photo is None and loading.state.load is not None:
                taken = replace(handover, photo=camera.take(folder, loading.station))
            return close_load(
                loading, taken, folder, render, reasons=dict(reasons), printer=printer
            )

        self._worker.run(job, self.closed.emit, self._on_close_failed)

    def shutdown(self) -> None:
        # The queued inputs first (each a commit; a close waits for the central answers
        # still out, so the decider must still be asking), then the decider, which never
        # waits on the network.
        self._worker.shutdown()
        if self._decider is not None:
            self._decider.stop()

    def _run(self, job: Callable[[], T], done: Callable[[T], None]) -> None:
        self._worker.run(job, done, self._on_worker_failed)

    def _on_worker_failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            log.warning("dock input refused: %s", exc)
            self.user_error_raised.emit(str(exc))
        else:
            self._crash(exc)

    def _on_close_failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            log.warning("close refused: %s", exc)
            self.close_failed.emit(str(exc))
        else:
            self._crash(exc)
            self.close_failed.emit(
                "The close failed on a fault in the station (reported). "
                "Try again, or call a supervisor."
            )

    def _crash(self, exc: BaseException) -> None:
        log.error("bug in the loading engine", exc_info=exc)
        details = "".join(traceback.format_exception(exc))
        self.crashed.emit(f"{type(exc).__name__}: {exc}\n\n{details}")


__all__ = ["Handover", "LeftBehind", "LoadingController"]
