"""Opening the dashboard: from the bench by a supervisor (F9), or standalone on an office PC.

At the bench the dashboard opens for the supervisor logged in there (their
badge is what the bench checked; a PIN check joins here once roles and PINs
exist); its exception queue writes with the running session's numbering.
Standalone (`main.py dashboard --supervisor BADGE`) it reads the station's
data dir; it decides on the queue only while it holds the data dir's lock
(the station is closed), since a running station numbers its own events.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from station.errors import UserError
from station.exception_queue import ExceptionDesk
from station.importers.packers import verify_pin
from station.lock import DataDirBusy, DataDirLock
from station.queries import packer_by_badge
from station.session import PackSession
from station.settings import Settings
from station.store import DB_NAME, Store
from station.supervisor.period import station_zone
from station.verdicts import StationView
from ui.dashboard.source import DashboardReader, ReadOnlyStore
from ui.dashboard.window import REFRESH_MS, DashboardWindow

SUPERVISOR_ROLES = ("supervisor", "admin")


def open_at_bench(
    parent: QWidget, session: PackSession, badge: str, *, refresh_ms: int = REFRESH_MS
) -> DashboardWindow:
    """The dashboard over the bench's store, shown and reading (never on the bench's worker)."""
    reader = DashboardReader(ReadOnlyStore(session.store.path), station_zone())
    desk = ExceptionDesk(session.store, session.station, session.sequence)
    window = DashboardWindow(
        reader, session.station, desk=desk, supervisor_badge=badge, refresh_ms=refresh_ms
    )
    window.setParent(parent, window.windowFlags())  # closes with the bench
    window.resize(1600, 950)
    window.show()
    window.start()
    return window


def run_standalone(data_dir: Path, settings: Settings, badge: str, pin: str | None) -> int:
    """`main.py dashboard`: the window on its own, until it is closed."""
    path = data_dir / DB_NAME
    if not path.is_file():
        raise UserError(f"There is no station database at {path}: give the station's --data-dir.")
    lock: DataDirLock | None = None
    store: Store | None = None
    read_only = ""
    try:
        lock = DataDirLock(data_dir).acquire()
        store = Store.open(data_dir)
    except DataDirBusy:
        lock = None
        read_only = (
            "The station is running on this data dir: release or cancel at the bench "
            "(F9 there), or here once it is closed."
        )
    readable = ReadOnlyStore(path)
    try:
        _check_supervisor(readable, badge, pin)
        app = QApplication.instance() or QApplication(sys.argv[:1])
        reader = DashboardReader(readable, station_zone())
        desk = ExceptionDesk(store, settings.station) if store is not None else None
        window = DashboardWindow(
            reader, settings.station, desk=desk, supervisor_badge=badge, read_only=read_only
        )
        window.showMaximized()
        window.start()
        return app.exec()
    finally:
        readable.close()
        if store is not None:
            store.close()
        if lock is not None:
            lock.release()


def _check_supervisor(store: ReadOnlyStore, badge: str, pin: str | None) -> None:
    with store.session() as db:
        packer = packer_by_badge(db, badge)
    if packer is None or packer.role not in SUPERVISOR_ROLES:
        raise UserError(f"Badge {badge!r} is not a supervisor's: the dashboard is for supervisors.")
    if packer.pin_hash is not None and (pin is None or not verify_pin(packer.pin_hash, pin)):
        raise UserError(f"Supervisor {packer.name} has a PIN: give it (--pin), correctly.")


def open_from_bench(
    parent: QWidget,
    session: PackSession,
    view: StationView | None,
    refuse: Callable[[str], None],
    already: QMainWindow | None = None,
) -> QMainWindow | None:
    """F9 at the bench: the dashboard for the supervisor logged in, else `refuse(why)`."""
    if view is None or view.packer_role not in SUPERVISOR_ROLES or not view.packer_badge:
        refuse(
            "The dashboard is for supervisors: log in with a supervisor badge, then press F9. "
            "Nothing else changed."
        )
        return already
    same = isinstance(already, DashboardWindow) and already.supervisor == view.packer_badge
    if already is not None and already.isVisible() and same:
        already.raise_()
        already.activateWindow()
        return already
    if already is not None:
        already.close()
    return open_at_bench(parent, session, view.packer_badge)
