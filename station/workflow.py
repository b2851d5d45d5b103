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
from station.couriers.plan import CourierBook, CourierPlan, label_problem, plan_courier
from station.models import Order, OrderEvent, Packer
from station.parcels import label_for
from station.settings import Settings
from station.verdicts import Awaiting, VerdictKind
from station.verify import LineCount, order_complete, verify_units
from station.weighing import WeightCheck, check_weight, expected_parcel_weight

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
    plan: CourierPlan | None = None  # the open order's courier
    weight_g: int | None = None  # the parcel's last weight while it waits on the scale
    boxed: tuple[tuple[uuid.UUID, int], ...] = ()  # units per line in boxes already closed
    boxes_closed: int = 0
    closing_box: bool = False  # the box on the scale is one of several, not the last
    pending_labels: tuple[str, ...] = ()  # printed labels not yet scanned back on their boxes


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
    weight_g: int | None = None  # the sealed parcel's weight, measured or from the catalog
    plan: CourierPlan | None = None  # the sealed parcel's courier
    counts: bool = False  # the input's units count for its line
    box_items: tuple[tuple[LineCount, int], ...] = ()  # the units in the box being closed
    box_only: bool = False  # a box of a multi-box order closes; labels print at the seal

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
    weight_g: int | None = None  # a stable weight from the scale, not a scan


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


@dataclass(frozen=True)
class Bench:
    """What decisions need beyond the state: the settings and the couriers."""

    station: str
    settings: Settings
    couriers: CourierBook


def decide(db: Session, state: WorkflowState, request: Request, bench: Bench) -> Step:
    decider = _Decider(db, state, request, bench)
    return decider.decide()


def plan_for(bench: Bench, order: Order, lines: tuple[LineCount, ...]) -> CourierPlan:
    """The order's courier, chosen on the weight the catalog expects of it."""
    weight = expected_parcel_weight(
        ((line.weight_g, line.expected) for line in lines), bench.settings.weighing.box_tare_g
    )
    return plan_courier(bench.couriers, order, weight)


class _Decider:
    def __init__(self, db: Session, state: WorkflowState, request: Request, bench: Bench):
        self.db = db
        self.state = state
        self.request = request
        self.text = request.parsed.text
        self.bench = bench
        self.settings = bench.settings
        self.commands = bench.settings.commands

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
        if state.awaiting is Awaiting.WEIGHT:
            return self.on_scale()
        if state.awaiting is Awaiting.LABEL_SCAN:
            return self.scan_back_required()
        if state.pending_labels and self.scanned_label() in state.pending_labels:
            return self.label_verified()
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
        problem = self.label_problem()
        if problem:
            return self.step(V.LABEL_BLOCKED, f"Cannot ship yet: {problem}")
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
            c.new_box: self.new_box,
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
            kind,
            message,
            order=None,
            lines=(),
            awaiting=Awaiting.NOTHING,
            short_reason="",
            plan=None,
            weight_g=None,
            boxed=(),
            boxes_closed=0,
            closing_box=False,
        )

    def seal(self, kind: VerdictKind, supervisor: Packer | None) -> Step:
        """Seal the open order's parcel: weigh it first when the station has a scale."""
        order = self.state.order
        assert order is not None
        self.state = replace(self.state, closing_box=False)
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
        problem = self.label_problem()
        if problem:
            # The units still count (the scan that completed the order is kept);
            # only the label waits, loudly, for someone to fix what stops it.
            return self.step(
                V.LABEL_BLOCKED,
                f"{message} NO LABEL: {problem}",
                awaiting=Awaiting.SEAL,
                short_reason="",
            )
        if self.settings.devices.scale is not None:
            return replace(
                self.step(
                    kind,
                    f"{message} Put the parcel on the scale.",
                    awaiting=Awaiting.WEIGHT,
                    weight_g=None,
                ),
                order_events=events,
            )
        return replace(self.sealed(kind, message, self.catalog_weight()), order_events=events)

    def sealed(self, kind: VerdictKind, message: str, weight_g: int | None) -> Step:
        """The box on the bench is done: the order's last (labels print) or one of several."""
        order = self.state.order
        assert order is not None
        plan = self.state.plan or plan_for(self.bench, order, self.state.lines)
        items = self.box_items()
        if self.state.closing_box:
            return self.box_closed(kind, weight_g, plan, items)
        scan_back = self.settings.labels.scan_back
        after = self.cleared(kind, message)
        if scan_back == "required":
            message += " Scan each label once it is on its box."
            after = replace(after, after=replace(after.after, awaiting=Awaiting.LABEL_SCAN))
        return replace(
            after,
            message=message,
            subject=order,
            seal=True,
            sealed_lines=self.state.lines,
            weight_g=weight_g,
            plan=plan,
            box_items=items,
        )

    def box_closed(
        self,
        kind: VerdictKind,
        weight_g: int | None,
        plan: CourierPlan,
        items: tuple[tuple[LineCount, int], ...],
    ) -> Step:
        number = self.state.boxes_closed + 1
        units = sum(n for _, n in items)
        boxed = dict(self.state.boxed)
        for line, n in items:
            boxed[line.line_id] = boxed.get(line.line_id, 0) + n
        weighed = ""
        if kind is V.WEIGHT_MISMATCH and weight_g is not None:
            weighed = f" {self.weight_check(weight_g).message}"
        step = self.step(
            V.BOX_CLOSED if kind is not V.WEIGHT_MISMATCH else kind,
            f"Box {number} closed with {units} unit(s).{weighed} Pack the rest into a new box; "
            "every box's label prints when the order is complete.",
            awaiting=Awaiting.NOTHING,
            boxed=tuple(boxed.items()),
            boxes_closed=number,
            closing_box=False,
            weight_g=None,
        )
        return replace(
            step,
            subject=self.state.order,
            seal=True,
            box_only=True,
            weight_g=weight_g,
            plan=plan,
            box_items=items,
        )

    def box_items(self) -> tuple[tuple[LineCount, int], ...]:
        """Each line with the units scanned since the last box was closed."""
        boxed = dict(self.state.boxed)
        return tuple((line, line.scanned - boxed.get(line.line_id, 0)) for line in self.state.lines)

    def catalog_weight(self) -> int:
        return expected_parcel_weight(
            ((line.weight_g, units) for line, units in self.box_items()),
            self.settings.weighing.box_tare_g,
        )

    # -- boxes ----------------------------------------------------------------

    def new_box(self) -> Step:
        """Close the box on the bench and go on packing the order into another one."""
        refused = self.needs_open_order()
        if refused:
            return refused
        if order_complete(list(self.state.lines)):
            return self.seal(V.ORDER_COMPLETE, None)
        if not any(units for _, units in self.box_items()):
            return self.step(V.BOX_EMPTY, "This box is empty: scan items into it, then close it.")
        problem = self.label_problem()
        if problem:
            return self.step(V.LABEL_BLOCKED, f"Cannot close the box: {problem}")
        self.state = replace(self.state, closing_box=True)
        if self.settings.devices.scale is not None:
            return self.step(
                V.WEIGH_PARCEL, "Put the box on the scale.", awaiting=Awaiting.WEIGHT, weight_g=None
            )
        return self.sealed(V.BOX_CLOSED, "", self.catalog_weight())

    # -- label scan-back --------------------------------------------------------

    def scanned_label(self) -> str:
        """The tracking number a label scan holds (a GS1-128 SSCC loses its AI 00)."""
        text = self.request.parsed.text
        if len(text) == 20 and text.isdigit() and text.startswith("00"):
            return text[2:]
        return text

    def label_verified(self) -> Step:
        tracking = self.scanned_label()
        left = tuple(t for t in self.state.pending_labels if t != tracking)
        awaiting = self.state.awaiting
        if awaiting is Awaiting.LABEL_SCAN and not left:
            awaiting = Awaiting.NOTHING
        more = f" {len(left)} more label(s) to scan." if left else " Scan the next order."
        return self.step(
            V.LABEL_VERIFIED,
            f"Label {tracking} is on the right box.{more}",
            pending_labels=left,
            awaiting=awaiting,
        )

    def scan_back_required(self) -> Step:
        if self.scanned_label() in self.state.pending_labels:
            return self.label_verified()
        if self.text == self.commands.logout:
            return self.logout()
        supervisor = queries.packer_by_badge(self.db, self.text)
        if supervisor is not None and supervisor.role == "supervisor":
            return self.step(
                V.OVERRIDE,
                f"Label check skipped by {supervisor.name}.",
                pending_labels=(),
                awaiting=Awaiting.NOTHING,
            )
        return self.wrong_label(required=True)

    def wrong_label(self, required: bool) -> Step:
        tracking = self.scanned_label()
        parcel = queries.parcel_by_tracking(self.db, tracking)
        if parcel is None:
            message = (
                f"{self.text!r} is not the label of this parcel: scan the tracking barcode of "
                "the label on the box."
            )
        else:
            owner = self.db.get(Order, parcel.order_id)
            message = (
                f"WRONG LABEL: {tracking} belongs to order {owner.number if owner else '?'}. "
                "Take it off this box and put on this parcel's own label."
            )
        awaiting = Awaiting.LABEL_SCAN if required else Awaiting.ACKNOWLEDGEMENT
        return self.step(V.WRONG_LABEL, message, awaiting=awaiting)

    def label_problem(self) -> str:
        """Why the open order's label cannot be made now; checked before anything is sealed."""
        order, plan = self.state.order, self.state.plan
        assert order is not None
        if plan is None:
            plan = plan_for(self.bench, order, self.state.lines)
            self.state = replace(self.state, plan=plan)
        draft = label_for(order, plan, self.settings.sender, "", self.catalog_weight())
        return label_problem(self.db, self.bench.station, plan, draft)

    # -- the scale ------------------------------------------------------------

    def on_scale(self) -> Step:
        """The parcel waits on the scale: weights decide; a supervisor may approve a mismatch."""
        grams = self.request.weight_g
        if grams is not None:
            return self.weighed(grams)
        handler = {
            self.commands.cancel: self.park,
            self.commands.exception: self.flag_exception,
            self.commands.logout: self.logout,
        }.get(self.text)
        if handler is not None:
            return handler()
        supervisor = queries.packer_by_badge(self.db, self.text)
        if supervisor is not None and supervisor.role == "supervisor":
            return self.weight_override(supervisor)
        return self.step(
            V.WEIGH_PARCEL,
            "Not counted: the parcel waits for the scale. Put it on the scale "
            "(a supervisor's badge accepts a weight that does not match).",
        )

    def weight_check(self, grams: int) -> WeightCheck:
        weighing = self.settings.weighing
        return check_weight(
            grams, self.catalog_weight(), weighing.tolerance_g, weighing.tolerance_pct
        )

    def weighed(self, grams: int) -> Step:
        check = self.weight_check(grams)
        if check.ok:
            return self.sealed(V.WEIGHT_OK, f"{check.message} Label printing.", grams)
        if self.settings.weighing.on_mismatch == "warn":
            return self.sealed(V.WEIGHT_MISMATCH, f"{check.message} Label printing.", grams)
        return self.step(
            V.WEIGHT_MISMATCH,
            f"{check.message} No label until the weight is right, "
            "or a supervisor scans their badge to accept it.",
            weight_g=grams,
        )

    def weight_override(self, supervisor: Packer) -> Step:
        grams, order = self.state.weight_g, self.state.order
        assert order is not None
        if grams is None or self.weight_check(grams).ok:
            return self.step(V.WEIGH_PARCEL, "Put the parcel on the scale first.")
        event = _order_event(
            order,
            "weight_override",
            supervisor_id=supervisor.id,
            note=self.weight_check(grams).message,
        )
        message = f"Weight {grams:,} g accepted by {supervisor.name}. Label printing."
        return replace(self.sealed(V.OVERRIDE, message, grams), order_events=(event,))

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
        plan = plan_for(self.bench, order, lines)
        return replace(
            self.step(
                V.ORDER_OPENED,
                f"Order {order.number} open: {todo} unit(s) to scan.{note}",
                order=order,
                lines=lines,
                awaiting=awaiting,
                plan=plan,
                pending_labels=(),
                boxed=tuple(queries.boxed_units(self.db, order.id).items()),
                boxes_closed=queries.parcel_count(self.db, order.id),
            ),
            order_events=events,
        )

    def item(self) -> Step:
        state = self.state
        found = queries.product_by_code(self.db, self.request.parsed.code)
        if found is None and queries.parcel_by_tracking(self.db, self.scanned_label()):
            return self.wrong_label(required=False)
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
        return replace(step, line=counted, units=units, sku=sku, product_id=product_id, counts=True)

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
