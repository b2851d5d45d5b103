"""Loading at the dock: every scan in, one committed verdict out (station/session.py's shape).

A load is opened for one courier (`CMD-LOAD`, then the courier's id), each
parcel's label is scanned as it goes into that courier's cage, and the load is
closed with the driver's name and signature (station.handoff.closing). Each
input is decided against the current state, written in one durable
transaction with its verdict and what the dock now waits for, and only then
applied in memory and answered; a restart reads the open load back.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlmodel import Session

from station.barcodes import parse_scan
from station.couriers.plan import CourierBook
from station.errors import UserError
from station.event_sequence import SeqCounter
from station.handoff import loads
from station.handoff.dock_state import DockAwaiting, DockState, LoadAnswer, resumed
from station.handoff.parcel_verdicts import (
    Step,
    courier_load,
    find_sealed,
    parcel_step,
    sentence,
)
from station.handoff.readiness import short_id, tracking_of
from station.handoff.tables import HandoffLoad, HandoffScan
from station.integrity import write_refused
from station.models import new_id, utc_now
from station.settings import Settings
from station.store import Store
from station.verdicts import Verdict, VerdictKind

if TYPE_CHECKING:  # the PostgreSQL driver is loaded only where a central database is used
    from station.handoff.central import Decision

__all__ = ["MAX_NAME", "DockAwaiting", "DockState", "LoadAnswer", "LoadingSession"]
MAX_NAME = 80  # a driver's name or vehicle, as the manifest prints it

V = VerdictKind
_SCAN_INSERT = insert(HandoffScan.__table__)  # type: ignore[attr-defined]


class LoadingSession:
    """One station's loading at the dock; inputs are handled one at a time."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        couriers: CourierBook,
        seq: SeqCounter,
        station: str | None = None,
    ) -> None:
        self.settings = settings
        self.station = station or settings.station
        self.couriers = couriers
        self._store = store
        self._lock = threading.RLock()
        self._seq = seq
        self._on_loaded: Callable[[uuid.UUID, uuid.UUID], None] | None = None
        # The station's one sequence (queries.next_seq) counts the dock's tables too.
        with store.session() as db:
            self.state = resumed(db, self.station)

    @property
    def store(self) -> Store:
        return self._store

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    @property
    def _scan_back_required(self) -> bool:
        return self.settings.labels.scan_back == "required"

    def take_seq(self) -> int:
        return self._seq()

    def use_central(self, on_loaded: Callable[[uuid.UUID, uuid.UUID], None]) -> None:
        """`on_loaded(parcel, load)` after each parcel loaded (station.handoff.decide_worker)."""
        self._on_loaded = on_loaded

    def taken_off(
        self, parcel_id: uuid.UUID, load_id: uuid.UUID, decision: Decision
    ) -> LoadAnswer | None:
        """The central database put the parcel on another dock's load: off this one, loudly.

        Only the open load changes (a closed load never does); None when the
        parcel is on it no longer, or the load is not open.
        """
        with self._lock:
            load = self.state.load
            if load is None or load.id != load_id:
                return None
            with self._store.session() as db:
                on = loads.load_of_parcel(db, parcel_id)
                parcel = loads.parcel_on(db, parcel_id) if on and on.id == load_id else None
            if parcel is None:
                return None
            where = f"load {short_id(decision.load_id)} at {decision.station}"
            raw = f"central: {decision.station} {short_id(decision.load_id)}"
            step = Step(
                V.LOADED_ELSEWHERE,
                f"STOP: TAKE PARCEL {parcel.tracking} OUT OF THIS CAGE. The central database put "
                f"it on {where}, scanned there first. It is off this load "
                f"({self.state.count - 1} parcel(s) now).",
                DockAwaiting.ACKNOWLEDGEMENT,
                parcel=parcel,
            )
            answer = self._run(raw, "central", lambda _db: step)
            self.state.stop = answer.verdict  # shown again if the screen (re)opens
            return answer

    # -- inputs ---------------------------------------------------------------

    def handle_scan(self, raw: str, *, source: str = "scanner") -> LoadAnswer:
        """Decide, store and answer one scan at the dock (not `CMD-CLOSE-LOAD`: see closing)."""
        text = parse_scan(raw).text  # read as the bench reads it: no AIM id, no stray controls
        with self._lock:
            return self._run(raw, source, lambda db: self._decide(db, text))

    def record_driver(
        self, name: str, *, source: str = "replay", scan: str | None = None
    ) -> LoadAnswer:
        """The driver who takes the open load (a replayed handoff's `@driver NAME`).

        `scan` is the line as read, stored and answered as the scan (a close without
        a driver is answered here, and its scan was the close command).
        """
        name = " ".join(name.split())
        scanned = f"@driver {name}" if scan is None else scan
        with self._lock:
            return self._run(scanned, source, lambda _db: self._driver(name))

    def refuse_while_stopped(
        self, raw: str, refused: str, *, source: str = "replay"
    ) -> LoadAnswer | None:
        """`raw` stored and answered `needs_acknowledgement` if a stop waits, else None.

        For the inputs that are not read as scans (a replay's `@driver NAME` and its
        close): while a stop waits they count no more than a scan does. The caller holds
        `lock` from this check through the input it then takes.
        """
        with self._lock:
            if self.state.awaiting is not DockAwaiting.ACKNOWLEDGEMENT:
                return None
            return self._run(raw, source, lambda _db: self._acknowledge_first(refused))

    def leave(self, tracking: str, reason: str, *, source: str = "button") -> LoadAnswer:
        """A parcel of the not-loaded list stays at the dock, for `reason` (recorded)."""
        reason = " ".join(reason.split())
        with self._lock:
            return self._run(tracking, source, lambda db: self._left(db, tracking, reason))

    def view(self) -> LoadAnswer | None:
        """Where the dock stands now, for a screen that (re)opens."""
        load = self.state.load or self.state.closed
        if load is None:
            return None
        if self.state.stop is not None and self.state.awaiting is DockAwaiting.ACKNOWLEDGEMENT:
            return self._answer(self.state.stop)  # the stop it was waiting on, again
        kind = V.LOAD_OPENED if self.state.load else V.LOAD_CLOSED
        verdict = Verdict(kind, "", f"{load.courier}: {self.state.count} parcel(s) loaded.")
        return self._answer(verdict)

    # -- deciding -------------------------------------------------------------

    def _decide(self, db: Session, text: str) -> Step:
        commands, state = self.settings.commands, self.state
        if state.awaiting is DockAwaiting.ACKNOWLEDGEMENT:
            if text == commands.ack:
                return Step(V.ACKNOWLEDGED, "Acknowledged: scan the next parcel.")
            refused = "Not closed" if text == commands.close_load else "Not loaded"
            return self._acknowledge_first(refused)
        if text == commands.ack:
            # As at the bench: Esc or CMD-ACK with no stop waiting is no parcel's label.
            return Step(V.ACKNOWLEDGED, "Nothing to acknowledge.")
        if text == commands.load:
            return self._start()
        if text in (commands.ok, commands.close, *commands.reason_codes()):
            # A dialog's barcode with no dialog open: as at the bench, not a parcel's label.
            nothing = f"{text!r} chooses in a dialog, and none is open: nothing done."
            return Step(V.NOTHING_TO_CHOOSE, nothing)
        if state.awaiting is DockAwaiting.COURIER:
            return self._courier(db, text)
        if text == commands.close_load:
            if state.load is None:
                return Step(V.NO_LOAD_OPEN, "No load is open: there is nothing to close.")
            # The close needs the driver: the screen's close dialog, or a replay's @driver.
            return Step(
                V.DRIVER_REQUIRED,
                "The driver's name and signature close the load: press Close load.",
            )
        if state.load is None:
            if state.closed is not None:
                return Step(
                    V.LOAD_CLOSED,
                    f"STOP: {loads.describe(state.closed)} is closed and never changes: "
                    f"{text!r} was not added. Scan {commands.load} to start a new load.",
                    DockAwaiting.ACKNOWLEDGEMENT,
                )
            return Step(V.NO_LOAD_OPEN, f"No load is open: scan {commands.load} first.")
        return parcel_step(
            db,
            state.load,
            tracking_of(text),
            self.couriers.profiles,
            count=state.count,
            scan_back_required=self._scan_back_required,
        )

    def _acknowledge_first(self, refused: str) -> Step:
        """The answer to any input while a stop waits, as at the bench: stored, not taken."""
        return Step(
            V.NEEDS_ACKNOWLEDGEMENT,
            f"{refused}: acknowledge the stop first (scan {self.settings.commands.ack}).",
            DockAwaiting.ACKNOWLEDGEMENT,
        )

    def _start(self) -> Step:
        load = self.state.load
        if load is not None:
            return Step(
                V.LOAD_OPENED,
                f"{sentence(loads.describe(load))} is still open ({self.state.count} "
                f"parcel(s)): scan its parcels, or close it ({self.settings.commands.close_load}) "
                "before starting another.",
            )
        return Step(
            V.COURIER_REQUIRED,
            "Scan or choose the courier whose parcels go on this load.",
            DockAwaiting.COURIER,
        )

    def _courier(self, db: Session, text: str) -> Step:
        """The line after CMD-LOAD: the courier's id, or a cancel."""
        commands = self.settings.commands
        if text == commands.cancel:
            return Step(V.ACKNOWLEDGED, "No load started.")
        if text == commands.close_load:  # no courier's id: it was "no courier" before
            return Step(
                V.NO_LOAD_OPEN,
                f"No load is open: there is nothing to close. Scan the courier's id to "
                f"start one, or {commands.cancel}.",
                DockAwaiting.COURIER,
            )
        return self._open(db, text)

    def _open(self, db: Session, text: str) -> Step:
        opened = courier_load(db, text, self.couriers.profiles, self.station)
        if opened is None:
            known = ", ".join(sorted(self.couriers.profiles))
            return Step(
                V.UNKNOWN_COURIER,
                f"{text!r} is no courier this station knows (profiles: {known}; or a courier "
                "named on a sealed parcel). Scan the courier's id.",
                DockAwaiting.COURIER,
            )
        return Step(
            V.LOAD_OPENED,
            f"Load {short_id(opened.id)} for {opened.courier} opened: scan each parcel's label "
            "as it goes in.",
            opens=opened,
        )

    def _driver(self, name: str) -> Step:
        if self.state.load is None:
            return Step(V.NO_LOAD_OPEN, "No load is open: the driver is named when closing one.")
        if not name:
            return Step(V.DRIVER_REQUIRED, "Say the driver's name: @driver NAME.")
        if len(name) > MAX_NAME:
            return Step(
                V.DRIVER_REQUIRED,
                f"A driver's name (and vehicle) is at most {MAX_NAME} characters: give it again.",
            )
        return Step(V.DRIVER_RECORDED, f"Driver {name} takes this load.", driver=name)

    def _left(self, db: Session, tracking: str, reason: str) -> Step:
        load = self.state.load
        if load is None:
            raise UserError("No load is open: nothing to leave a parcel from.")
        if not reason:
            raise UserError(f"Say why parcel {tracking} stays at the dock: the reason is kept.")
        found = find_sealed(db, tracking_of(tracking), self._scan_back_required)
        if found is None:
            raise UserError(f"{tracking!r} is the label of no sealed parcel.")
        parcel = found.parcel
        return Step(
            V.PARCEL_LEFT,
            f"Parcel {parcel.tracking} stays at the dock: {reason}.",
            parcel=parcel,
            order=found.number,
            left_reason=reason,
        )

    # -- committing -----------------------------------------------------------

    def _run(self, raw: str, source: str, decide: Callable[[Session], Step]) -> LoadAnswer:
        try:
            try:
                step = self._decided_and_stored(raw, source, decide)
            except IntegrityError:
                # Another process loaded this parcel between the read and the write
                # (the unique index refused ours): decided again, it is already loaded.
                step = self._decided_and_stored(raw, source, decide)
        except DatabaseError as exc:
            refused = write_refused(f"The scan {raw!r}", exc, self._store.path)
            if refused is None:
                raise
            raise refused from exc
        self._apply(step)
        if step.kind is V.LOADED and step.parcel and self.state.load and self._on_loaded:
            self._on_loaded(step.parcel.id, self.state.load.id)
        tracking = step.parcel.tracking if step.parcel else None
        return self._answer(Verdict(step.kind, raw, step.message, step.order, tracking=tracking))

    def _decided_and_stored(self, raw: str, source: str, decide: Callable[[Session], Step]) -> Step:
        with self._store.write_lock, self._store.session() as db:
            return self._commit(db, raw, source, decide(db))

    def _commit(self, db: Session, raw: str, source: str, step: Step) -> Step:
        load = self.state.load
        if step.opens is not None:
            load = step.opens
            load.seq = self.take_seq()
            db.add(load)
            step = replace(step, opens=load)
        elif step.kind is V.LOAD_CLOSED and self.state.closed is not None:
            load = self.state.closed
        # A Core insert, as at the bench (station.session): no validated model object per scan.
        db.execute(
            _SCAN_INSERT,
            [
                {
                    "id": new_id(),
                    "station": self.station,
                    "seq": self.take_seq(),
                    "load_id": load.id if load else None,
                    "raw": raw,
                    "source": source,
                    "verdict": step.kind.value,
                    "message": step.message,
                    "parcel_id": step.parcel.id if step.parcel else None,
                    "tracking": step.parcel.tracking if step.parcel else None,
                    "awaiting": step.awaiting.value,
                    "left_reason": step.left_reason,
                    "driver": step.driver,
                    "created_at": utc_now(),
                }
            ],
        )
        db.commit()
        return step

    def _apply(self, step: Step) -> None:
        state = self.state
        state.awaiting = step.awaiting
        state.stop = None  # what a restart found is answered now
        if step.opens is not None:
            state.load, state.count, state.driver, state.closed = step.opens, 0, "", None
        if step.kind is V.LOADED:
            state.count += 1
        elif step.kind is V.LOADED_ELSEWHERE:
            state.count -= 1
        if step.driver:
            state.driver = step.driver

    def _answer(self, verdict: Verdict, **close: Any) -> LoadAnswer:
        load = self.state.load or self.state.closed
        return LoadAnswer(
            verdict,
            self.state.awaiting,
            load=short_id(load.id) if load else None,
            courier=load.courier if load else None,
            count=self.state.count,
            load_open=self.state.load is not None,
            **close,
        )

    def closed_now(self, load: HandoffLoad) -> None:
        """The close is stored: the dock now stops scans onto that load."""
        self.state = DockState(closed=load, count=self.state.count)
