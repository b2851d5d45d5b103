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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlmodel import Session, select

from station.barcodes import parse_scan
from station.couriers.plan import CourierBook
from station.couriers.rules import find_profile
from station.errors import UserError
from station.handoff import loads, remote
from station.handoff.dock_state import DockAwaiting, DockState, LoadAnswer, resumed
from station.handoff.readiness import (
    courier_key,
    not_ready_reason,
    parcel_and_order,
    short_id,
    tracking_of,
    voided_into,
)
from station.handoff.tables import HandoffLoad, HandoffScan
from station.integrity import write_refused
from station.models import Parcel, new_id, utc_now
from station.print_queue import SeqCounter
from station.settings import Settings
from station.store import Store
from station.verdicts import Verdict, VerdictKind

if TYPE_CHECKING:  # the PostgreSQL driver is loaded only where a central database is used
    from station.handoff.central import Decision

__all__ = ["MAX_NAME", "DockAwaiting", "DockState", "LoadAnswer", "LoadingSession"]
MAX_NAME = 80  # a driver's name or vehicle, as the manifest prints it

V = VerdictKind
_SCAN_INSERT = insert(HandoffScan.__table__)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _Step:
    kind: VerdictKind
    message: str
    awaiting: DockAwaiting = DockAwaiting.NOTHING
    opens: HandoffLoad | None = None
    parcel: Parcel | None = None
    order: str | None = None
    driver: str = ""
    left_reason: str = ""


@dataclass(frozen=True)
class _Found:
    parcel: Parcel
    number: str | None  # the order's
    not_ready: Callable[[], str]  # read only once courier and loads are checked


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
            step = _Step(
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

    def _decide(self, db: Session, text: str) -> _Step:
        commands, state = self.settings.commands, self.state
        if state.awaiting is DockAwaiting.ACKNOWLEDGEMENT:
            if text == commands.ack:
                return _Step(V.ACKNOWLEDGED, "Acknowledged: scan the next parcel.")
            return _Step(
                V.NEEDS_ACKNOWLEDGEMENT,
                f"Not loaded: acknowledge the stop first (scan {commands.ack}).",
                DockAwaiting.ACKNOWLEDGEMENT,
            )
        if text == commands.ack:
            # As at the bench: Esc or CMD-ACK with no stop waiting is no parcel's label.
            return _Step(V.ACKNOWLEDGED, "Nothing to acknowledge.")
        if text == commands.load:
            return self._start()
        if text in (commands.ok, commands.close, *commands.reason_codes()):
            # A dialog's barcode with no dialog open: as at the bench, not a parcel's label.
            nothing = f"{text!r} chooses in a dialog, and none is open: nothing done."
            return _Step(V.NOTHING_TO_CHOOSE, nothing)
        if state.awaiting is DockAwaiting.COURIER:
            return self._courier(db, text)
        if text == commands.close_load:
            if state.load is None:
                return _Step(V.NO_LOAD_OPEN, "No load is open: there is nothing to close.")
            # The close needs the driver: the screen's close dialog, or a replay's @driver.
            return _Step(
                V.DRIVER_REQUIRED,
                "The driver's name and signature close the load: press Close load.",
            )
        if state.load is None:
            if state.closed is not None:
                return _Step(
                    V.LOAD_CLOSED,
                    f"STOP: {loads.describe(state.closed)} is closed and never changes: "
                    f"{text!r} was not added. Scan {commands.load} to start a new load.",
                    DockAwaiting.ACKNOWLEDGEMENT,
                )
            return _Step(V.NO_LOAD_OPEN, f"No load is open: scan {commands.load} first.")
        return self._parcel(db, state.load, tracking_of(text))

    def _start(self) -> _Step:
        load = self.state.load
        if load is not None:
            return _Step(
                V.LOAD_OPENED,
                f"{_sentence(loads.describe(load))} is still open ({self.state.count} "
                f"parcel(s)): scan its parcels, or close it ({self.settings.commands.close_load}) "
                "before starting another.",
            )
        return _Step(
            V.COURIER_REQUIRED,
            "Scan or choose the courier whose parcels go on this load.",
            DockAwaiting.COURIER,
        )

    def _courier(self, db: Session, text: str) -> _Step:
        """The line after CMD-LOAD: the courier's id, or a cancel."""
        commands = self.settings.commands
        if text == commands.cancel:
            return _Step(V.ACKNOWLEDGED, "No load started.")
        if text == commands.close_load:  # no courier's id: it was "no courier" before
            return _Step(
                V.NO_LOAD_OPEN,
                f"No load is open: there is nothing to close. Scan the courier's id to "
                f"start one, or {commands.cancel}.",
                DockAwaiting.COURIER,
            )
        return self._open(db, text)

    def _open(self, db: Session, text: str) -> _Step:
        opened = self._courier_load(db, text)
        if opened is None:
            known = ", ".join(sorted(self.couriers.profiles))
            return _Step(
                V.UNKNOWN_COURIER,
                f"{text!r} is no courier this station knows (profiles: {known}; or a courier "
                "named on a sealed parcel). Scan the courier's id.",
                DockAwaiting.COURIER,
            )
        return _Step(
            V.LOAD_OPENED,
            f"Load {short_id(opened.id)} for {opened.courier} opened: scan each parcel's label "
            "as it goes in.",
            opens=opened,
        )

    def _courier_load(self, db: Session, text: str) -> HandoffLoad | None:
        profiles = self.couriers.profiles
        profile = find_profile(profiles, text)
        if profile is not None:
            courier_id, name = profile.id, profile.name
        else:
            wanted = text.strip().casefold()
            name_found = next(
                (
                    name
                    for query in (Parcel.courier, remote.RemoteParcel.courier)
                    for name in db.exec(select(query).distinct())
                    if name.casefold() == wanted
                ),
                None,
            )
            if not wanted or name_found is None:
                return None
            courier_id, name = wanted, name_found
        return HandoffLoad(station=self.station, seq=0, courier_id=courier_id, courier=name)

    def _parcel(self, db: Session, load: HandoffLoad, tracking: str) -> _Step:
        stop = DockAwaiting.ACKNOWLEDGEMENT
        found = self._found(db, tracking)
        if found is None:
            replaced = voided_into(db, tracking) or remote.voided(db, tracking)
            if replaced is not None:
                why = f"label {tracking} was voided (its parcel now has label {replaced})"
            else:
                why = f"{tracking!r} is the label of no sealed parcel"
            return _Step(V.NOT_READY, f"NOT READY: {_sentence(why)}. Not loaded.", stop)
        parcel, number = found.parcel, found.number
        if courier_key(self.couriers.profiles, parcel.courier) != load.courier_id:
            return _Step(
                V.WRONG_COURIER,
                f"WRONG COURIER: Parcel {tracking} goes with {parcel.courier}, this load is "
                f"{load.courier}. Put it in the {parcel.courier} cage. Not loaded.",
                stop,
                parcel=parcel,
                order=number,
            )
        on, where = loads.where_loaded(db, parcel.id)
        if on is not None and on.id == load.id:
            return _Step(
                V.ALREADY_LOADED,
                f"Parcel {tracking} is already on this load: counted once.",
                parcel=parcel,
                order=number,
            )
        if on is not None:
            closed = "closed" if loads.closing_of(db, on.id) else "still open"
            where = f"{loads.describe(on)}, {closed}"
        if where is not None:
            return _Step(
                V.ALREADY_LOADED,
                f"ALREADY LOADED: Parcel {tracking} is on {where}. Not added here.",
                stop,
                parcel=parcel,
                order=number,
            )
        why = found.not_ready()
        if why:
            return _Step(
                V.NOT_READY, f"NOT READY: {_sentence(why)} Not loaded.", stop, order=number
            )
        count = self.state.count + 1
        return _Step(
            V.LOADED,
            f"Parcel {tracking} loaded: {count} on this {load.courier} load.",
            parcel=parcel,
            order=number,
        )

    def _found(self, db: Session, tracking: str) -> _Found | None:
        """The sealed parcel with this label: this station's own, or one the mirror knows."""
        required = self.settings.labels.scan_back == "required"
        found = parcel_and_order(db, tracking)
        if found is not None:
            parcel, order = found
            return _Found(
                parcel,
                order.number if order else None,
                lambda: not_ready_reason(db, parcel, order, required),
            )
        mirrored = remote.find(db, tracking, required)
        if mirrored is None:
            return None
        return _Found(mirrored.parcel, mirrored.order_number or None, lambda: mirrored.not_ready)

    def _driver(self, name: str) -> _Step:
        if self.state.load is None:
            return _Step(V.NO_LOAD_OPEN, "No load is open: the driver is named when closing one.")
        if not name:
            return _Step(V.DRIVER_REQUIRED, "Say the driver's name: @driver NAME.")
        if len(name) > MAX_NAME:
            return _Step(
                V.DRIVER_REQUIRED,
                f"A driver's name (and vehicle) is at most {MAX_NAME} characters: give it again.",
            )
        return _Step(V.DRIVER_RECORDED, f"Driver {name} takes this load.", driver=name)

    def _left(self, db: Session, tracking: str, reason: str) -> _Step:
        load = self.state.load
        if load is None:
            raise UserError("No load is open: nothing to leave a parcel from.")
        if not reason:
            raise UserError(f"Say why parcel {tracking} stays at the dock: the reason is kept.")
        found = self._found(db, tracking_of(tracking))
        if found is None:
            raise UserError(f"{tracking!r} is the label of no sealed parcel.")
        parcel = found.parcel
        return _Step(
            V.PARCEL_LEFT,
            f"Parcel {parcel.tracking} stays at the dock: {reason}.",
            parcel=parcel,
            order=found.number,
            left_reason=reason,
        )

    # -- committing -----------------------------------------------------------

    def _run(self, raw: str, source: str, decide: Callable[[Session], _Step]) -> LoadAnswer:
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

    def _decided_and_stored(
        self, raw: str, source: str, decide: Callable[[Session], _Step]
    ) -> _Step:
        with self._store.write_lock, self._store.session() as db:
            return self._commit(db, raw, source, decide(db))

    def _commit(self, db: Session, raw: str, source: str, step: _Step) -> _Step:
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

    def _apply(self, step: _Step) -> None:
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


def _sentence(text: str) -> str:
    """A reason shown after its headline starts as a sentence does (the banner drops the
    headline: 'Label … was voided', not 'label … was voided')."""
    return text[:1].upper() + text[1:]
