"""Opening the dashboard: from the bench by a supervisor (F9), or standalone on an office PC.

At the bench F9 opens it for the supervisor logged in there, once their badge
(and, with `[security] supervisor_pin`, their PIN on the bench's PIN pad)
unlocks "open the dashboard" through station.supervisor_auth, which records
every attempt and locks a badge after 5 wrong PINs. Its exception queue
writes with the running session's numbering. Standalone (`main.py dashboard
--supervisor BADGE [--pin PIN]`) it reads the station's data dir, and decides
on the queue only while the station is closed (OfficeDesk), since a running
station numbers its own events.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from station.errors import UserError
from station.exception_queue import Decision, ExceptionDesk
from station.lock import DataDirBusy, DataDirLock
from station.session import PackSession
from station.settings import Settings
from station.store import DB_NAME, Store
from station.supervisor.period import station_zone
from station.supervisor_auth import SUPERVISOR_ROLES, Action, Answer, Refusal, authorize
from station.verdicts import StationView
from ui.dashboard.source import DashboardReader, ReadOnlyStore
from ui.dashboard.window import REFRESH_MS, DashboardWindow
from ui.pin_pad import PinPad
from ui.qt_logs import quiet_optional_library_logs
from ui.thread_relay import let_worker_finish
from ui.worker import Worker


class BenchDashboard(QObject):
    """F9 at the bench: asks who may open it (off the UI thread), then opens it."""

    def __init__(
        self, parent: QWidget, session: PackSession, refuse: Callable[[str], None]
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._session = session
        self._refuse = refuse
        # Its own: an attempt is a write, and F9 must not queue behind the scans nor
        # a scan behind a PIN check (scrypt, tens of ms).
        self._worker = Worker(self, name="dashboard-sign-in")
        self.window: DashboardWindow | None = None
        self.pin_pad: PinPad | None = None

    def open(self, view: StationView | None) -> None:
        if view is None or view.packer_role not in SUPERVISOR_ROLES or not view.packer_badge:
            self._refuse(
                "The dashboard is for supervisors: log in with a supervisor badge, then press F9."
            )
            return
        window = self.window if self.window is not None and isValid(self.window) else None
        if window is not None and window.isVisible() and window.supervisor == view.packer_badge:
            window.raise_()
            window.activateWindow()
            return
        self._ask(view.packer_badge, None)

    def close(self) -> None:
        if self.window is not None and isValid(self.window):
            self.window.close()
        let_worker_finish(self._worker)  # a sign-in's answer after the close is nobody's

    def _ask(self, badge: str, pin: str | None) -> None:
        session = self._session
        required = session.settings.supervisor_pin

        def job() -> Answer:
            return authorize(
                session.store,
                session.station,
                badge,
                pin,
                Action.OPEN_DASHBOARD,
                pin_required=required,
                how="keyboard",
            )

        self._worker.run(job, lambda answer: self._on_worker_answered(badge, answer))

    def _on_worker_answered(self, badge: str, answer: Answer) -> None:
        if isinstance(answer, Refusal):
            if answer.needs_pin:
                self.pin_pad = PinPad(
                    answer.message,
                    self._parent,
                    close_code=self._session.settings.commands.close,
                )
                self.pin_pad.pin_entered.connect(lambda pin: self._ask(badge, pin))
                self.pin_pad.open()
            else:
                self._refuse(answer.message)
            return
        if self.window is not None and isValid(self.window):
            self.window.close()
        self.window = open_at_bench(self._parent, self._session, answer.badge)


def open_at_bench(
    parent: QWidget, session: PackSession, badge: str, *, refresh_ms: int = REFRESH_MS
) -> DashboardWindow:
    """The dashboard over the bench's store, shown and reading (never on the bench's worker)."""
    reader = DashboardReader(ReadOnlyStore(session.store.path), station_zone())
    desk = ExceptionDesk(session.store, session.station, session.sequence)
    data_dir = session.store.path.parent
    window = DashboardWindow(
        reader,
        session.station,
        desk=desk,
        supervisor_badge=badge,
        refresh_ms=refresh_ms,
        open_video=lambda number: _open_video(window, session.store, data_dir, number),
    )
    window.setParent(parent, window.windowFlags())  # closes with the bench
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # each F9 a fresh one
    window.showMaximized()  # a fixed 1600 x 950 hid the queue's buttons on a 1366 x 768 bench
    window.start()
    return window


def run_standalone(data_dir: Path, settings: Settings, badge: str, pin: str | None) -> int:
    """`main.py dashboard`: the window on its own, until it is closed."""
    path = data_dir / DB_NAME
    if not path.is_file():
        raise UserError(f"There is no station database at {path}: give the station's --data-dir.")
    # Opened as an import opens it beside a running station: the sign-in attempt
    # is recorded (and a badge locks after wrong PINs) wherever it is typed.
    store = Store.open(data_dir)
    readable = ReadOnlyStore(path)
    try:
        answer = authorize(
            store,
            settings.station,
            badge,
            pin,
            Action.OPEN_DASHBOARD,
            pin_required=settings.supervisor_pin,
            how="keyboard",
        )
        if isinstance(answer, Refusal):
            hint = " Give it with --pin." if answer.needs_pin else ""
            raise UserError(f"{answer.message}{hint}")
        app = QApplication.instance() or QApplication(sys.argv[:1])
        quiet_optional_library_logs()
        reader = DashboardReader(readable, station_zone())
        window = DashboardWindow(
            reader,
            settings.station,
            desk=OfficeDesk(store, settings.station, data_dir),
            supervisor_badge=badge,
            audit_at_start=True,  # a process of its own: no bench waits for it
            open_video=lambda number: _open_video(window, store, data_dir, number),
        )
        window.showMaximized()
        window.start()
        return app.exec()
    finally:
        readable.close()
        store.close()


def run_central(settings: Settings) -> int:
    """`main.py dashboard --central`: every station's figures from the central database.

    The central login ([central] url, its password in pgpass) is what lets the
    office PC in: it holds no store of its own, so no badge is asked. Deciding
    on a waiting order stays at the station that records it.
    """
    from ui.dashboard.central_source import CentralReader

    if not settings.central.url:
        raise UserError(
            "No central database is configured: set [central] url in the config, "
            "or leave out --central for this station's dashboard."
        )
    app = QApplication.instance() or QApplication(sys.argv[:1])
    quiet_optional_library_logs()
    reader = CentralReader(settings.central.url, station_zone())
    try:
        window = DashboardWindow(
            reader,
            f"all stations ({reader.where})",
            read_only="Release or cancel at the station that flagged the order (F9 there).",
            audit_at_start=True,
        )
        window.showMaximized()
        window.start()
        return app.exec()
    finally:
        reader.close()


class OfficeDesk(ExceptionDesk):
    """The queue's decisions away from the bench: only while the station is closed.

    A running station numbers its events in memory, so a decision written
    beside it could take a number it is about to use. Each decision holds the
    data dir's lock just while it is written (never while the window is open,
    so a station can always start); with the station running it is refused.
    """

    def __init__(self, store: Store, station: str, data_dir: Path) -> None:
        super().__init__(store, station)
        self._data_dir = data_dir

    def release(self, number: str, supervisor_badge: str, note: str = "") -> Decision:
        with self._station_closed():
            return super().release(number, supervisor_badge, note)

    def cancel(self, number: str, supervisor_badge: str, reason: str) -> Decision:
        with self._station_closed():
            return super().cancel(number, supervisor_badge, reason)

    @contextmanager
    def _station_closed(self) -> Iterator[None]:
        try:
            lock = DataDirLock(self._data_dir).acquire()
        except DataDirBusy:
            raise UserError(
                "The station is running on this data dir: release or cancel at the bench "
                "(F9 there), or here once it is closed. Nothing changed."
            ) from None
        try:
            yield
        finally:
            lock.release()


def _open_video(parent: QWidget, store: Store, data_dir: Path, number: str) -> None:
    # Imported when asked for: the player loads Qt Multimedia.
    from ui.evidence_viewer import open_evidence_viewer

    viewer = open_evidence_viewer(parent, store, data_dir)
    viewer.search.setText(number)
    viewer.find_button.click()
