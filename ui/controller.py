"""The bridge from the pack screen to the engine: inputs in, verdicts out as signals.

Every call into `PackSession` (which commits to SQLite before it answers) runs
on the one background `Worker`, in the order the inputs came, and each answer
comes back on the UI thread as `verdict_returned(verdict, view)`: the screen
only ever shows a verdict that is already stored. The pack screen's inputs and
answers go through this object; only the label preview reads stored labels on
its own (`PackSession.label_of`), and the bulk print dialog its list of parcels.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, SignalInstance

from station.errors import UserError
from station.print_outcomes import LabelOutcome, LabelQuestion
from station.resume import ScreenAtStop, screen_at_stop
from station.session import ExceptionReason, PackSession
from station.supervisor_auth import Supervisor
from station.verdicts import StationView, Verdict
from ui.worker import Worker

log = logging.getLogger(__name__)

_Answer = tuple[Verdict, StationView]


class StationController(QObject):
    """Queue inputs for the session and announce what it answered."""

    verdict_returned = Signal(object, object)  # Verdict, StationView
    label_reported = Signal(object)  # LabelOutcome of one print attempt
    view_loaded = Signal(object)  # StationView
    resumed = Signal(object, object)  # ScreenAtStop, StationView: the screen at the last stop
    user_error_raised = Signal(str)
    crashed = Signal(str)  # what happened, with the traceback
    busy_changed = Signal(bool)

    def __init__(self, session: PackSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._worker = Worker(self)
        self._worker.busy_changed.connect(self.busy_changed)
        self._relay = _LabelRelay(self.label_reported)
        # Loading mode (ui.loading.mode) takes the scans meant for the dock: True when taken.
        self.scan_router: Callable[[str, str], bool] | None = None
        relay = self._relay
        self._worker.run(lambda: session.on_label(relay), _ignore, self._on_worker_failed)

    @property
    def pending(self) -> int:
        """Inputs queued or in flight."""
        return self._worker.pending

    # -- inputs -------------------------------------------------------------

    def scan(
        self,
        raw: str,
        *,
        source: str = "scanner",
        manual: bool = False,
        duplicate: bool = False,
        pin: str | None = None,
    ) -> None:
        """A scanned (or typed, `manual`) barcode; `duplicate` for a scanner's double read;
        `pin`: a supervisor's PIN for it (the PIN pad's answer to a `needs_pin` verdict)."""
        routed = pin is None and not duplicate and self.scan_router is not None
        if routed and self.scan_router is not None and self.scan_router(raw, source):
            return
        session = self._session
        self._submit(
            lambda: session.handle_scan(
                raw, source=source, manual=manual, duplicate=duplicate, pin=pin
            )
        )

    @property
    def session(self) -> PackSession:
        return self._session

    def acknowledge(self) -> None:
        self._submit(self._session.acknowledge)

    def park(self) -> None:
        self._submit(self._session.park)

    def logout(self) -> None:
        self._submit(self._session.logout)

    def seal(self) -> None:
        self._submit(self._session.seal)

    def flag_exception(self, reason: ExceptionReason, note: str = "") -> None:
        session = self._session
        self._submit(lambda: session.flag_exception(reason, note))

    def request_short_ship(self, reason: str) -> None:
        session = self._session
        self._submit(lambda: session.request_short_ship(reason))

    def reprint_label(self, reason: str, tracking: str | None = None) -> None:
        session = self._session
        self._submit(lambda: session.reprint_label(reason, tracking or None))

    def void_label(self, tracking: str, reason: str, supervisor: Supervisor) -> None:
        session = self._session
        self._submit(lambda: session.void_label(tracking, reason, supervisor))

    def new_box(self) -> None:
        session = self._session
        self._submit(
            lambda: session.handle_scan(session.settings.commands.new_box, source="button")
        )

    def print_slip(self) -> None:
        self._submit(self._session.print_slip)

    def load_label_questions(self, on_loaded: Callable[[list[LabelQuestion]], None]) -> None:
        """The labels that may have printed, once the printer was asked (see ui.label_question)."""
        self._worker.run(self._session.label_questions, on_loaded, self._on_worker_failed)

    def answer_label(self, printed: bool, job_id: str | None = None) -> None:
        """The packer's answer to "did label N print?" (see ui.label_question)."""
        session = self._session
        self._worker.run(
            lambda: session.answer_label(printed, job_id), _ignore, self._on_worker_failed
        )

    def weigh(self, grams: int, *, source: str = "scale") -> None:
        """A stable weight from the scale; its verdict comes back as a scan's does.

        A weight no parcel waits for is ignored by the engine (no verdict, nothing shown).
        """
        session = self._session

        def job() -> _Answer | None:
            verdict = session.handle_weight(grams, source=source)
            return None if verdict is None else (verdict, session.view())

        self._worker.run(job, self._on_worker_weighed, self._on_worker_failed)

    def recheck_claim(self) -> None:
        """Another station holds the open order (the claim worker heard): take it off the
        bench; its loud verdict comes back as a scan's does."""
        session = self._session

        def job() -> _Answer | None:
            verdict = session.recheck_claim()
            return None if verdict is None else (verdict, session.view())

        self._worker.run(job, self._on_worker_weighed, self._on_worker_failed)

    def refresh(self) -> None:
        """Load the station's current state (at start, and after an error)."""
        self._worker.run(self._session.view, self._on_worker_view_loaded, self._on_worker_failed)

    def resume(self) -> None:
        """Load the station's state and what its screen showed when it stopped (at start)."""
        session = self._session

        def job() -> tuple[ScreenAtStop, StationView]:
            with session.store.session() as db:
                screen = screen_at_stop(db, session.station)
            return screen, session.view()

        self._worker.run(job, self._on_worker_resumed, self._on_worker_failed)

    def shutdown(self) -> None:
        """Let queued inputs finish (each is a commit) and stop the worker thread."""
        self._worker.shutdown()
        self._relay.close()

    # -- internals ------------------------------------------------------------

    def _submit(self, call: Callable[[], Verdict]) -> None:
        session = self._session

        def job() -> _Answer:
            verdict = call()
            return verdict, session.view()

        self._worker.run(job, self._on_worker_answered, self._on_worker_failed)

    def _on_worker_view_loaded(self, view: StationView) -> None:
        self.view_loaded.emit(view)

    def _on_worker_resumed(self, answer: tuple[ScreenAtStop, StationView]) -> None:
        self.resumed.emit(*answer)

    def _on_worker_answered(self, answer: _Answer) -> None:
        verdict, view = answer
        self.verdict_returned.emit(verdict, view)

    def _on_worker_weighed(self, answer: _Answer | None) -> None:
        if answer is not None:
            self._on_worker_answered(answer)

    def _on_worker_failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            log.warning("input refused: %s", exc)
            self.user_error_raised.emit(str(exc))
        else:
            log.error("bug in the station engine", exc_info=exc)
            details = "".join(traceback.format_exception(exc))
            self.crashed.emit(f"{type(exc).__name__}: {exc}\n\n{details}")
        # Whatever failed, show the state as it really is now.
        self.refresh()


def _ignore(_result: object) -> None:
    pass


class _LabelRelay:
    """Print-thread listener: hands each outcome to a Qt signal, queued to the UI thread.

    It must never raise: an exception would end the session's print thread.
    The session has no unsubscribe, so after `close` it just stops relaying.
    `close` also waits for an outcome being relayed: PySide lets go of the GIL
    while it emits, and the window's deletion (the controller's) in the middle
    of an emit from the print thread would crash.
    """

    def __init__(self, signal: SignalInstance) -> None:
        self._signal = signal
        self._lock = threading.RLock()  # a slot on the emitting thread may close it
        self._closed = False

    def close(self) -> None:
        """Relay nothing more; returns once no outcome is being relayed."""
        with self._lock:
            self._closed = True

    def __call__(self, outcome: LabelOutcome) -> None:
        with self._lock:
            if self._closed:
                return
            try:
                self._signal.emit(outcome)
            except RuntimeError:  # the window (and this signal's object) is gone
                self._closed = True
