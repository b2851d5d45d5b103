"""Decide what one input means at the bench, without changing anything.

`decide` reads the store (lookups) and returns a `Step`: the verdict, the
events it implies and the state after it. The session commits the step and
only then applies it, so a verdict is never shown for something not stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlmodel import Session

from station import queries
from station.barcodes import ParsedScan
from station.models import Order, OrderEvent, Packer
from station.settings import Settings
from station.verdicts import Awaiting, VerdictKind
from station.verify import LineCount, order_complete, verify_units

V = VerdictKind
ACK_VERDICTS = frozenset({V.WRONG_ITEM, V.OVER_SCAN, V.UNKNOWN_BARCODE})


class ExceptionReason(StrEnum):
    ITEM_MISSING = "item_missing"
    DAMAGED = "damaged"
    WRONG_ITEM_IN_TOTE = "wrong_item_in_tote"
    OTHER = "other"


@dataclass(frozen=True)
class WorkflowState:
    packer: Packer | None = None
    order: Order | None = None
    lines: tuple[LineCount, ...] = ()
    awaiting: Awaiting = Awaiting.NOTHING
    short_reason: str = ""


@dataclass(frozen=True)
class Step:
    kind: VerdictKind
    message: str
    after: WorkflowState
    line: LineCount | None = None
    units: int = 0
    product_id: uuid.UUID | None = None
    sku: str | None = None
    # The order the input concerned, when it is not the open one (e.g. refused).
    subject: Order | None = None
    order_events: tuple[OrderEvent, ...] = ()
    seal: bool = False
    sealed_lines: tuple[LineCount, ...] = field(default_factory=tuple)

    @property
    def order_number(self) -> str | None:
        order = self.subject or self.after.order
        return order.number if order else None


@dataclass(frozen=True)
class Request:
    """One input with what the GUI adds to some commands."""

    parsed: ParsedScan
    manual: bool = False
    duplicate: bool = False
    exception: tuple[ExceptionReason, str] | None = None
    short_reason: str | None = None


def _order_event(order: Order, kind: str, **fields: object) -> OrderEvent:
    """An order event; the session stamps station, sequence and packer when it commits."""
    return OrderEvent(station="", seq=0, order_id=order.id, kind=kind, **fields)  # type: ignore[arg-type]


def _too_many(name: str, line: LineCount, units: int) -> str:
    remaining = line.expected - line.scanned
    if remaining == 0:
        return (
            f"TOO MANY: {name} is already complete ({line.scanned}/{line.expected}). "
            "Take the extra one out. Not counted."
        )
    return (
        f"TOO MANY: this barcode is {units} units but {name} needs only {remaining} more. "
        "Not counted: scan the single units instead."
    )


def decide(db: Session, state: WorkflowState, request: Request, settings: Settings) -> Step:
    decider = _Decider(db, state, request, settings)
    return decider.decide()


class _Decider:
    def __init__(self, db: Session, state: WorkflowState, request: Request, settings: Settings):
        self.db = db
        self.state = state
        self.request = request
        self.text = request.parsed.text
        self.commands = settings.commands
        self.settings = settings

    def step(self, kind: VerdictKind, message: str, **changes: object) -> Step:
        """A step that leaves the state as it is unless told otherwise."""
        after = replace(self.state, **changes)  # type: ignore[arg-type]
        return Step(kind, message, after)

    def decide(self) -> Step:
        state = self.state
        if self.request.duplicate:
            return self.step(
                V.DUPLICATE_READ,
                f"{self.text!r} was read twice by the scanner at once: counted once.",
            )
        is_supervisor = state.packer is not None and state.packer.role == "supervisor"
        if (
            self.request.manual
            and self.settings.manual_entry_supervisors_only
            and not is_supervisor
        ):
            return self.step(
                V.SUPERVISOR_REQUIRED,
                "Typed barcodes are for supervisors only: scan the item, or ask a supervisor.",
            )
        if state.awaiting is Awaiting.ACKNOWLEDGEMENT:
            return self.acknowledgement()
        if state.awaiting is Awaiting.SUPERVISOR:
            return self.supervisor_approval()
        handler = self.command_handlers().get(self.text)
        if handler is not None:
            return handler()
        if state.packer is not None and state.order is not None:
            # Most scans are items of the open order: look them up first. Importers
            # refuse a barcode that is also a badge or an order number.
            found = queries.product_by_code(self.db, self.request.parsed.code)
            if found is not None:
                product, units = found
                return self.count(product.sku, product.id, product.name, units)
        packer = queries.packer_by_badge(self.db, self.text)
        if packer is not None:
            return self.login(packer)
        if state.packer is None:
            return self.step(V.NOT_LOGGED_IN, "Nobody is logged in: scan your badge first.")
        order = queries.order_by_number(self.db, self.text)
        if order is not None:
            return self.open_order(order)
        return self.item()

    # -- awaiting -------------------------------------------------------------

    def acknowledgement(self) -> Step:
        if self.text == self.commands.ack:
            return self.step(
                V.ACKNOWLEDGED, "Error acknowledged: carry on scanning.", awaiting=self.resumed()
            )
        return self.step(
            V.NEEDS_ACKNOWLEDGEMENT,
            "Not counted. Acknowledge the error first: scan ACKNOWLEDGE or press Esc.",
        )

    def supervisor_approval(self) -> Step:
        if self.text in (self.commands.ack, self.commands.cancel):
            return self.step(
                V.ACKNOWLEDGED,
                "Ship short cancelled: carry on scanning.",
                awaiting=self.resumed(),
                short_reason="",
            )
        supervisor = queries.packer_by_badge(self.db, self.text)
        if supervisor is None or supervisor.role != "supervisor":
            who = f"{supervisor.name} is not a supervisor. " if supervisor else ""
            return self.step(
                V.SUPERVISOR_REQUIRED,
                f"{who}Ship short needs a supervisor badge: "
                "scan it, or scan ACKNOWLEDGE to cancel.",
            )
        return self.seal(V.OVERRIDE, supervisor)

    def resumed(self) -> Awaiting:
        lines = list(self.state.lines)
        if self.state.order is not None and lines and order_complete(lines):
            return Awaiting.SEAL
        return Awaiting.NOTHING

    # -- commands -------------------------------------------------------------

    def command_handlers(self) -> dict[str, Callable[[], Step]]:
        c = self.commands
        return {
            c.logout: self.logout,
            c.ack: lambda: self.step(V.ACKNOWLEDGED, "Nothing to acknowledge."),
            c.cancel: self.park,
            c.exception: self.flag_exception,
            c.short: self.request_short,
            c.seal: self.seal_command,
        }

    def needs_open_order(self) -> Step | None:
        if self.state.packer is None:
            return self.step(V.NOT_LOGGED_IN, "Nobody is logged in: scan your badge first.")
        if self.state.order is None:
            return self.step(V.NO_ORDER_OPEN, "No order is open: scan an order barcode first.")
        return None

    def logout(self) -> Step:
        if self.state.packer is None:
            return self.step(V.NOT_LOGGED_IN, "Nobody is logged in.")
        kept = f" Order {self.state.order.number} stays open here." if self.state.order else ""
        return self.step(V.LOGOUT, f"Goodbye, {self.state.packer.name}.{kept}", packer=None)

    def park(self) -> Step:
        refused = self.needs_open_order()
        if refused:
            return refused
        number = self.state.order.number  # type: ignore[union-attr]
        return replace(
            self.cleared(V.ORDER_PARKED, f"Order {number} parked; its scans are kept."),
            subject=self.state.order,
        )

    def flag_exception(self) -> Step:
        refused = self.needs_open_order()
        if refused:
            return refused
        order = self.state.order
        assert order is not None
        reason, note = self.request.exception or (ExceptionReason.OTHER, "flagged by scan")
        event = _order_event(
            order,
            "exception_flagged",
            reason=reason.value,
            note=note,
        )
        message = (
            f"Order {order.number} flagged as an exception ({reason.value.replace('_', ' ')}): "
            "put the tote aside for a supervisor."
        )
        return replace(
            self.cleared(V.EXCEPTION_FLAGGED, message), subject=order, order_events=(event,)
        )

    def request_short(self) -> Step:
        refused = self.needs_open_order()
        if refused:
            return refused
        order = self.state.order
        assert order is not None
        reason = self.request.short_reason or "short shipped at the bench"
        event = _order_event(order, "short_requested", reason=reason)
        return replace(
            self.step(
                V.SUPERVISOR_REQUIRED,
                "Ship short: a supervisor scans their badge to approve (ACKNOWLEDGE cancels).",
                awaiting=Awaiting.SUPERVISOR,
                short_reason=reason,
            ),
            order_events=(event,),
        )

    def seal_command(self) -> Step:
        refused = self.needs_open_order()
        if refused:
            return refused
        lines = list(self.state.lines)
        if not order_complete(lines):
            missing = sum(line.expected - line.scanned for line in lines)
            return self.step(V.ORDER_INCOMPLETE, f"Cannot seal: {missing} unit(s) still to scan.")
        return self.seal(V.ORDER_COMPLETE, None)

    def cleared(self, kind: VerdictKind, message: str) -> Step:
        return self.step(
            kind, message, order=None, lines=(), awaiting=Awaiting.NOTHING, short_reason=""
        )

    def seal(self, kind: VerdictKind, supervisor: Packer | None) -> Step:
        order = self.state.order
        assert order is not None
        events: tuple[OrderEvent, ...] = ()
        message = f"Order {order.number} complete."
        if supervisor is not None:
            events = (
                _order_event(
                    order,
                    "short_override",
                    supervisor_id=supervisor.id,
                    reason=self.state.short_reason,
                ),
            )
            message = f"Order {order.number} shipped short, approved by {supervisor.name}."
        return replace(
            self.cleared(kind, message),
            subject=order,
            order_events=events,
            seal=True,
            sealed_lines=self.state.lines,
        )

    # -- badges, orders, items ------------------------------------------------

    def login(self, packer: Packer) -> Step:
        current = self.state.packer
        if current is not None and current.id == packer.id:
            return self.step(V.LOGIN, f"{packer.name} is already logged in.")
        order = self.state.order
        hint = f" Order {order.number} is open." if order else " Scan an order."
        return self.step(V.LOGIN, f"Welcome, {packer.name}.{hint}", packer=packer)

    def open_order(self, order: Order) -> Step:
        current = self.state.order
        if current is not None and current.id == order.id:
            return self.step(V.ORDER_OPENED, f"Order {order.number} is open.")
        if current is not None:
            return replace(
                self.step(
                    V.ANOTHER_ORDER_OPEN,
                    f"Order {current.number} is still open: finish it, park it or flag it first.",
                ),
                subject=current,
            )
        if queries.is_packed(self.db, order.id):
            return replace(
                self.step(V.ORDER_ALREADY_PACKED, f"Order {order.number} is already packed."),
                subject=order,
            )
        events: tuple[OrderEvent, ...] = ()
        note = ""
        if queries.in_exception(self.db, order.id):
            packer = self.state.packer
            if packer is None or packer.role != "supervisor":
                return replace(
                    self.step(
                        V.ORDER_IN_EXCEPTION,
                        f"Order {order.number} is waiting for a supervisor (exception).",
                    ),
                    subject=order,
                )
            events = (
                _order_event(
                    order,
                    "exception_released",
                    supervisor_id=packer.id,
                ),
            )
            note = " Exception released."
        lines = tuple(queries.line_counts(self.db, order.id))
        awaiting = Awaiting.SEAL if order_complete(list(lines)) else Awaiting.NOTHING
        todo = sum(line.expected - line.scanned for line in lines)
        return replace(
            self.step(
                V.ORDER_OPENED,
                f"Order {order.number} open: {todo} unit(s) to scan.{note}",
                order=order,
                lines=lines,
                awaiting=awaiting,
            ),
            order_events=events,
        )

    def item(self) -> Step:
        state = self.state
        found = queries.product_by_code(self.db, self.request.parsed.code)
        if found is None:
            awaiting = Awaiting.ACKNOWLEDGEMENT if state.order else state.awaiting
            return self.step(
                V.UNKNOWN_BARCODE,
                f"Unknown barcode {self.text!r}: not counted. Put the item aside.",
                awaiting=awaiting,
            )
        product, units = found
        if state.order is None:
            return replace(
                self.step(V.NO_ORDER_OPEN, "No order is open: scan an order barcode first."),
                sku=product.sku,
                product_id=product.id,
            )
        return self.count(product.sku, product.id, product.name, units)

    def count(self, sku: str, product_id: uuid.UUID, name: str, units: int) -> Step:
        lines = list(self.state.lines)
        outcome = verify_units(lines, sku, units)
        kind, line = outcome.kind, outcome.line
        if kind in ACK_VERDICTS:
            message = (
                f"WRONG ITEM: {name} is not in this order. Take it out of the box."
                if line is None
                else _too_many(name, line, units)
            )
            return replace(
                self.step(kind, message, awaiting=Awaiting.ACKNOWLEDGEMENT),
                line=line,
                sku=sku,
                product_id=product_id,
            )
        assert line is not None
        counted = replace(line, scanned=line.scanned + units)
        new_lines = tuple(counted if c is line else c for c in lines)
        step = self.counted_step(kind, counted, new_lines, name)
        return replace(step, line=counted, units=units, sku=sku, product_id=product_id)

    def counted_step(
        self, kind: VerdictKind, line: LineCount, lines: tuple[LineCount, ...], name: str
    ) -> Step:
        progress = f"{name} {line.scanned}/{line.expected}"
        if kind is V.ORDER_COMPLETE and self.settings.confirm_before_label:
            return self.step(
                V.LINE_COMPLETE,
                f"{progress}. All items packed: scan SEAL to print the label.",
                lines=lines,
                awaiting=Awaiting.SEAL,
            )
        if kind is V.ORDER_COMPLETE:
            self.state = replace(self.state, lines=lines)
            return self.seal(V.ORDER_COMPLETE, None)
        if kind is V.LINE_COMPLETE:
            return self.step(kind, f"{progress}: line complete.", lines=lines)
        return self.step(kind, progress, lines=lines)
