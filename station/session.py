"""The pack workflow of one station: every input in, one committed verdict out.

The GUI and `main.py replay` both drive this class. Each input is decided
against the current state (station.workflow), written to the store in one
durable transaction with its verdict and what the station now waits for, and
only then applied in memory and answered. A restart rebuilds the state from
the stored events, so a killed session resumes where its last verdict was.
"""

from __future__ import annotations

import threading

from sqlmodel import Session

from station import queries
from station.barcodes import parse_scan
from station.models import OrderEvent, ScanEvent
from station.ports import LabelPrinter
from station.printing import LabelOutcome, LabelService, SealedParcel
from station.settings import Settings
from station.store import Store
from station.verdicts import (
    COUNTED_VERDICTS,
    Awaiting,
    OrderView,
    StationView,
    Verdict,
)
from station.verify import LineCount, order_complete
from station.workflow import ExceptionReason, Request, Step, WorkflowState, decide

__all__ = ["ExceptionReason", "PackSession"]


class PackSession:
    """A station's packing session; inputs are handled one at a time."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        printer: LabelPrinter,
        station: str | None = None,
    ) -> None:
        self.settings = settings
        self.station = station or settings.station
        self._store = store
        self._labels = LabelService(store, printer, self.station, settings.sender)
        self._lock = threading.Lock()
        self._last_label: str | None = None
        with store.session() as db:
            self._seq = queries.next_seq(db, self.station)
            self._state = load_state(db, self.station)

    # -- inputs ---------------------------------------------------------------

    def handle_scan(self, raw: str, *, source: str = "scanner", manual: bool = False) -> Verdict:
        """Decide, store and answer one scanned (or typed) value."""
        return self._run(Request(parse_scan(raw), manual=manual), source)

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

    def retry_pending_prints(self) -> list[str]:
        """Send again every stored label that was never delivered; return where they went."""
        with self._lock:
            delivered = self._labels.retry_pending(self._take_seq)
            if delivered:
                self._last_label = delivered[-1]
        return delivered

    # -- state ----------------------------------------------------------------

    def view(self) -> StationView:
        state = self._state
        order = None
        if state.order is not None:
            order = OrderView(
                number=state.order.number,
                courier=state.order.courier,
                service=state.order.service,
                ship_to_name=state.order.ship_to_name,
                lines=tuple(line.view() for line in state.lines),
            )
        packer = state.packer
        return StationView(
            station=self.station,
            packer_name=packer.name if packer else None,
            packer_role=packer.role if packer else None,
            order=order,
            awaiting=state.awaiting,
            last_label=self._last_label,
        )

    # -- internals ------------------------------------------------------------

    def _button(self, command: str) -> Verdict:
        return self._run(Request(parse_scan(command)), "button")

    def _take_seq(self) -> int:
        seq = self._seq
        self._seq += 1
        return seq

    def _run(self, request: Request, source: str) -> Verdict:
        with self._lock:
            with self._store.session() as db:
                step = decide(db, self._state, request, self.settings)
                sealed = self._commit(db, request, source, step)
            self._state = step.after
            outcome = self._labels.deliver(sealed, self._take_seq) if sealed else None
            if outcome is not None and outcome.location:
                self._last_label = outcome.location
        return to_verdict(request, step, outcome)

    def _commit(self, db: Session, request: Request, source: str, step: Step) -> SealedParcel | None:
        """Write the input, its verdict and its consequences in one transaction."""
        before, after = self._state, step.after
        order = step.subject or before.order or after.order
        packer = after.packer or before.packer
        parsed = request.parsed
        counted = step.kind in COUNTED_VERDICTS
        db.add(
            ScanEvent(
                station=self.station,
                seq=self._take_seq(),
                packer_id=packer.id if packer else None,
                order_id=order.id if order else None,
                raw=parsed.raw,
                code=parsed.code,
                symbology=parsed.symbology,
                lot=parsed.lot,
                expiry=parsed.expiry,
                serial=parsed.serial,
                source=source,
                manual=request.manual,
                verdict=step.kind.value,
                product_id=step.product_id,
                line_id=step.line.line_id if counted and step.line else None,
                units_counted=step.units if counted else 0,
                message=step.message,
                awaiting=after.awaiting.value,
            )
        )
        for event in step.order_events:
            db.add(self._stamped(event, packer.id if packer else None))
        sealed = None
        if step.seal and order is not None:
            sealed = self._labels.store_parcel(
                db, order, packer, step.sealed_lines,
                short=not order_complete(list(step.sealed_lines)), take_seq=self._take_seq,
            )
        db.commit()
        return sealed

    def _stamped(self, event: OrderEvent, packer_id: object) -> OrderEvent:
        event.station = self.station
        event.seq = self._take_seq()
        event.packer_id = packer_id  # type: ignore[assignment]
        return event


def to_verdict(request: Request, step: Step, outcome: LabelOutcome | None) -> Verdict:
    line = step.line
    message = step.message
    if outcome is not None and outcome.error:
        message = f"{message} {outcome.error}"
    return Verdict(
        kind=step.kind,
        scan=request.parsed.raw,
        message=message,
        order=step.order_number,
        sku=line.sku if line else step.sku,
        scanned=line.scanned if line else None,
        expected=line.expected if line else None,
        label=outcome.location if outcome else None,
        tracking=outcome.tracking if outcome else None,
    )


def load_state(db: Session, station: str) -> WorkflowState:
    """The station's state as its stored events left it."""
    packer = queries.logged_in_packer(db, station)
    order = queries.open_order(db, station)
    if order is None:
        return WorkflowState(packer=packer)
    lines: tuple[LineCount, ...] = tuple(queries.line_counts(db, order.id))
    last = queries.last_scan(db, station)
    awaiting = Awaiting(last.awaiting) if last is not None else Awaiting.NOTHING
    short_reason = ""
    if awaiting is Awaiting.SUPERVISOR:
        short_reason = queries.pending_short_reason(db, order.id)
    return WorkflowState(packer, order, lines, awaiting, short_reason)
