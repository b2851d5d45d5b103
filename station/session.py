"""The pack workflow of one station: every input in, one committed verdict out.

The GUI and `main.py replay` both drive this class. Each input is decided
against the current state (station.workflow), written to the store in one
durable transaction with its verdict and what the station now waits for (the
station's state row, station.station_state), and only then applied in memory
and answered. A restart reads that row, so a killed session resumes where its
last verdict was, at a cost that does not grow with the station's history
(read by station.session_start). The words the packer reads are built in
station.session_views.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import replace

from sqlalchemy import insert
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session

from station import queries
from station.audit.anchors import write_anchors
from station.barcodes import parse_scan
from station.claims import held_elsewhere
from station.couriers.plan import CourierBook
from station.event_sequence import SeqCounter
from station.integrity import write_refused
from station.label_actions import LabelActions
from station.labels import LabelContent
from station.line_counts import order_complete
from station.models import OrderEvent, PrintJob, ScanEvent, new_id, utc_now
from station.pack_events import StepListener
from station.parcels import Sealed, close_box, seal_order
from station.ports import CentralLink, DocumentPrinter, LabelPrinter
from station.print_outcomes import LabelOutcome, LabelQuestion
from station.print_queue import Listener, PrintQueue
from station.session_start import load_state
from station.session_views import station_view, to_verdict, with_label_outcome
from station.settings import Settings
from station.station_state import LastVerdict, save_state
from station.store import Store
from station.verdicts import Awaiting, StationView, Verdict
from station.workflow import (
    Bench,
    ExceptionReason,
    Request,
    Step,
    WorkflowState,
    decide,
)

__all__ = ["ExceptionReason", "PackSession"]

_SCAN_INSERT = insert(ScanEvent.__table__)  # type: ignore[attr-defined]
log = logging.getLogger(__name__)


class PackSession(LabelActions):
    """A station's packing session; inputs are handled one at a time."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        printer: LabelPrinter,
        station: str | None = None,
        couriers: CourierBook | None = None,
        documents: DocumentPrinter | None = None,
    ) -> None:
        self.settings = settings
        self.station = station or settings.station
        self.printer = printer  # the label printer (the status bar asks it for its state)
        self._bench = Bench(self.station, settings, couriers or CourierBook.load())
        self._store = store
        self._lock = threading.Lock()
        with store.session() as db:
            self._seq = SeqCounter(queries.next_seq(db, self.station))
            self._state, self._last_verdict = load_state(db, self._bench)
        self._prints = PrintQueue(store, printer, self.station, self._seq, documents)
        self._last_label: str | None = None
        self._prints.subscribe(self._on_print_attempt)
        self._prints.resume_stored()
        # Followers of the packing (the camera's recorder): told after each durable commit.
        self._step_listeners: list[StepListener] = []

    # -- inputs ---------------------------------------------------------------

    def handle_scan(
        self,
        raw: str,
        *,
        source: str = "scanner",
        manual: bool = False,
        duplicate: bool = False,
        pin: str | None = None,
    ) -> Verdict:
        """Decide, store and answer one scanned (or typed) value.

        `duplicate` marks a double read the scanner's device layer detected: it is
        stored as such and never counted. `pin`: a supervisor's PIN for this input
        (after a verdict that `needs_pin`); checked, never stored.
        """
        request = Request(parse_scan(raw), manual=manual, duplicate=duplicate, pin=pin)
        return self._run(request, source)

    def handle_weight(self, grams: int, *, source: str = "scale") -> Verdict | None:
        """A stable weight from the scale; None when no parcel waits for one (it is ignored)."""
        if self._state.awaiting is not Awaiting.WEIGHT:
            return None
        # Stored as a scan event with the grams in their own column; the text is for people.
        request = Request(parse_scan(f"{grams} g"), weight_g=grams)
        return self._run(request, source)

    def acknowledge(self) -> Verdict:
        return self._button(self.settings.commands.ack)

    def park(self) -> Verdict:
        return self._button(self.settings.commands.cancel)

    def logout(self) -> Verdict:
        return self._button(self.settings.commands.logout)

    def seal(self) -> Verdict:
        return self._button(self.settings.commands.seal)

    def flag_exception(self, reason: ExceptionReason, note: str = "") -> Verdict:
        if reason is ExceptionReason.OTHER and not note.strip():
            raise ValueError("An 'other' exception needs a note saying what is wrong.")
        request = Request(
            parse_scan(self.settings.commands.exception), exception=(reason, note.strip())
        )
        return self._run(request, "button")

    def request_short_ship(self, reason: str) -> Verdict:
        request = Request(parse_scan(self.settings.commands.short), short_reason=reason.strip())
        return self._run(request, "button")

    @property
    def store(self) -> Store:
        return self._store

    @property
    def sequence(self) -> SeqCounter:
        """The station's event numbering, shared with anything else that writes its events."""
        return self._seq

    @property
    def packer_id(self) -> uuid.UUID | None:
        packer = self._state.packer
        return packer.id if packer else None

    def label_of(self, job_id: str) -> LabelContent | None:
        """What a stored label job's label says; None for a packing slip or no such job.

        A read only: any thread may ask (the label preview asks from its own).
        """
        try:
            key = uuid.UUID(job_id)
        except ValueError:
            return None
        with self._store.session() as db:
            job = db.get(PrintJob, key)
        if job is None or job.kind == "slip":
            return None
        return LabelContent.from_json(job.content_json)

    def use_central(self, link: CentralLink, listener: StepListener) -> None:
        """Order claims apply from now on (station/claims.py): opening an order asks `link`
        whether the central database is online, and `listener` hears of every input (it
        takes and releases the claims). Called once, before the first input."""
        self._bench = replace(self._bench, central=link)
        self.on_step(listener)

    @property
    def central_link(self) -> CentralLink | None:
        """The central link the claims use; None for a station without a central database."""
        return self._bench.central

    @property
    def open_order_id(self) -> uuid.UUID | None:
        order = self._state.order
        return order.id if order else None

    def recheck_claim(self) -> Verdict | None:
        """Take the open order off the bench if another station holds it now (the claim
        worker heard so); None when it stays. Call it from the thread that feeds inputs."""
        order = self._state.order
        if order is None or self._bench.central is None:
            return None
        with self._store.session() as db:
            if held_elsewhere(db, self.station, order.id) is None:
                return None
        return self._run(Request(parse_scan(f"claim of {order.number}")), "central")

    def on_step(self, listener: StepListener) -> None:
        """Call `listener(before, after, raw, verdict, sealed)` after each input is stored."""
        self._step_listeners.append(listener)

    def on_label(self, listener: Listener) -> None:
        """Be told (on the print thread) of every label delivered or refused."""
        self._prints.subscribe(listener)

    def label_questions(self) -> list[LabelQuestion]:
        """Labels that may have printed (a crash mid-send), waiting for the packer."""
        return self._prints.questions()

    def answer_label(self, printed: bool, job_id: str | None = None) -> LabelOutcome:
        """The packer's answer to "did it print?" (the oldest question without `job_id`).

        Printed: recorded as confirmed. Not printed: recorded, and sent again.
        """
        if job_id is None:
            return self._prints.answer_first(printed, self.packer_id)
        return self._prints.answer(job_id, printed, self.packer_id)

    def wait_for_label(self, verdict: Verdict, timeout: float = 30.0) -> Verdict:
        """The verdict with where its label went, once the printer has answered."""
        job_id = verdict.job_id
        if job_id is None:
            return verdict
        if verdict.parcels:
            # Several boxes: each one's label, the earlier ones first.
            parcels = tuple(
                (tracking, job_id, self._location(job_id, timeout))
                for tracking, job_id, _ in verdict.parcels
            )
            verdict = replace(verdict, parcels=parcels)
        return with_label_outcome(verdict, self._prints.wait(job_id, timeout))

    def _location(self, job_id: str, timeout: float) -> str | None:
        outcome = self._prints.wait(job_id, timeout)
        return outcome.location if outcome else None

    def wait_for_printer(self, timeout: float = 30.0) -> bool:
        """True once every queued label is delivered."""
        return self._prints.idle(timeout)

    def close(self) -> None:
        """Stop the print thread; undelivered labels stay stored for the next start.

        The audit chain's head is anchored in the log (station.audit.anchors), so a
        store cut back to an older state no longer verifies.
        """
        self._prints.close()
        try:
            write_anchors(self._store)
        except DatabaseError as exc:  # a full or read-only disk: the next close anchors
            log.warning("audit anchor not written: %s", exc)

    def _on_print_attempt(self, outcome: LabelOutcome) -> None:
        if outcome.location is not None:
            self._last_label = outcome.location

    # -- state ----------------------------------------------------------------

    def view(self) -> StationView:
        return station_view(self.station, self._state, self._last_label)

    def resume_verdict(self) -> Verdict | None:
        """The last verdict (kind, words, order) while the station still waits on it.

        After a start this is the verdict committed before the station stopped,
        so the screen can show again what the packer must do: acknowledge an
        error, call a supervisor, put the box on the scale (a weight it already
        had is kept), seal, or scan the labels back. None when nothing is
        awaited and scanning goes on normally.
        """
        if self._state.awaiting is Awaiting.NOTHING or self._last_verdict is None:
            return None
        return self._last_verdict.verdict()

    # -- internals ------------------------------------------------------------

    def _button(self, command: str) -> Verdict:
        return self._run(Request(parse_scan(command)), "button")

    def _run(self, request: Request, source: str) -> Verdict:
        with self._lock, self._store.write_lock:
            try:
                with self._store.session() as db:
                    step = decide(db, self._state, request, self._bench)
                    sealed, jobs, after = self._commit(db, request, source, step)
            except DatabaseError as exc:
                # Disk full, read-only media, a locked or damaged file: nothing was
                # stored, so nothing changes and the packer is told why.
                refused = write_refused(f"The scan {request.parsed.raw!r}", exc, self._store.path)
                if refused is None:
                    raise
                raise refused from exc
            before, self._state = self._state, after
            self._last_verdict = LastVerdict(
                step.kind, request.parsed.raw, step.message, step.order_number
            )
            for job in jobs:
                self._prints.submit_stored(job)
            for listener in self._step_listeners:
                listener(before, after, request.parsed.raw, step.kind.value, step.seal)
        return to_verdict(request, step, sealed)

    def _commit(
        self, db: Session, request: Request, source: str, step: Step
    ) -> tuple[Sealed, list[PrintJob], WorkflowState]:
        """Write the input, its verdict, its consequences and the state after it, at once."""
        before, after = self._state, step.after
        order = step.subject or before.order or after.order
        packer = after.packer or before.packer
        parsed = request.parsed
        counted = step.counts
        seq = self._seq()
        # A Core insert into the table: the scan path skips building a validated
        # model object and the ORM's bulk path, which cost more CPU than the commit.
        db.execute(
            _SCAN_INSERT,
            [
                {
                    "id": new_id(),
                    "station": self.station,
                    "seq": seq,
                    "packer_id": packer.id if packer else None,
                    "order_id": order.id if order else None,
                    "raw": parsed.raw,
                    "code": parsed.code,
                    "symbology": parsed.symbology,
                    "lot": parsed.lot,
                    "expiry": parsed.expiry,
                    "serial": parsed.serial,
                    "source": source,
                    "manual": request.manual,
                    "verdict": step.kind.value,
                    "product_id": step.product_id,
                    "line_id": step.line.line_id if counted and step.line else None,
                    "units_counted": step.units if counted else 0,
                    "message": step.message,
                    "awaiting": after.awaiting.value,
                    "weight_g": request.weight_g,
                    "created_at": utc_now(),
                }
            ],
        )
        for event in step.order_events:
            db.add(self._stamped(event, packer.id if packer else None))
        for attempt in step.auth_events:
            attempt.how = source
            db.add(attempt)
        sealed: Sealed = []
        jobs: list[PrintJob] = []
        if step.seal and order is not None and step.plan is not None:
            if step.box_only:
                close_box(
                    db,
                    order,
                    packer,
                    station=self.station,
                    plan=step.plan,
                    weight_g=step.weight_g,
                    items=step.box_items,
                    take_seq=self._seq,
                )
            else:
                sealed, slip = seal_order(
                    db,
                    order,
                    packer,
                    station=self.station,
                    plan=step.plan,
                    sender=self.settings.sender,
                    weight_g=step.weight_g,
                    items=step.box_items,
                    short=not order_complete(list(step.sealed_lines)),
                    take_seq=self._seq,
                    lines=step.sealed_lines,
                    slip=self.settings.labels.packing_slip == "auto",
                )
                jobs = [job for job, _ in sealed] + ([slip] if slip else [])
        if sealed and self.settings.labels.scan_back != "off":
            after = replace(after, pending_labels=tuple(label.tracking for _job, label in sealed))
        last = LastVerdict(step.kind, parsed.raw, step.message, step.order_number)
        save_state(db, self.station, seq, after, last)
        db.commit()
        return sealed, jobs, after

    def _stamped(self, event: OrderEvent, packer_id: object) -> OrderEvent:
        event.station = self.station
        event.seq = self._seq()
        event.packer_id = packer_id  # type: ignore[assignment]
        return event
