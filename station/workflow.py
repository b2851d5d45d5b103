"""Decide what one input means at the bench, without changing anything.

`decide` reads the store (lookups) and returns a `Step`: the verdict, the
events it implies and the state after it. The session commits the step and
only then applies it, so a verdict is never shown for something not stored.
The commands that need no parcel are in station.bench_commands, the order
claims' steps in station.claim_steps, the parcel's in station.parcel_steps.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import replace

from sqlmodel import Session

from station import bench_commands, claim_steps, queries
from station.exception_queue import cancellation
from station.label_rules import cannot_pack, order_label_problem
from station.line_counts import LineCount, order_complete, verify_units
from station.models import Order, OrderEvent, Packer
from station.parcel_steps import ParcelSteps
from station.supervisor_auth import SUPERVISOR_ROLES, Action
from station.verdicts import Awaiting, VerdictKind
from station.workflow_types import (
    Bench,
    ExceptionReason,
    Request,
    Step,
    WorkflowState,
    errand_commands,
    exception_commands,
    order_event,
    plan_for,
    short_commands,
)

__all__ = ["Bench", "ExceptionReason", "Request", "Step", "WorkflowState", "decide", "plan_for"]

V = VerdictKind
ACK_VERDICTS = frozenset({V.WRONG_ITEM, V.OVER_SCAN, V.UNKNOWN_BARCODE})


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


def decide(db: Session, state: WorkflowState, request: Request, bench: Bench) -> Step:
    decider = _Decider(db, state, request, bench)
    step = decider.decide()
    # A supervisor badge's attempts are stored with the input, whatever it decided.
    return replace(step, auth_events=decider.auth_events) if decider.auth_events else step


class _Decider(ParcelSteps):
    def decide(self) -> Step:
        state = self.state
        if self.request.duplicate:
            return self.step(
                V.DUPLICATE_READ,
                f"{self.text!r} was read twice by the scanner at once: counted once.",
            )
        lost = claim_steps.claim_lost(self)
        if lost is not None:
            return lost
        is_supervisor = state.packer is not None and state.packer.role in SUPERVISOR_ROLES
        if (
            self.request.manual
            and self.settings.manual_entry_supervisors_only
            and not is_supervisor
        ):
            return self.step(
                V.SUPERVISOR_REQUIRED,
                "Typed barcodes are for supervisors only: scan the item, or ask a supervisor.",
            )
        waiting = self.waiting_for()
        if waiting is not None:
            return waiting()
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

    def waiting_for(self) -> Callable[[], Step] | None:
        """What decides the input while the station waits for something in particular."""
        return {
            Awaiting.ACKNOWLEDGEMENT: self.acknowledgement,
            Awaiting.SUPERVISOR: self.supervisor_approval,
            Awaiting.WEIGHT: self.on_scale,
            Awaiting.LABEL_SCAN: self.label_scan_or_errand,
        }.get(self.state.awaiting)

    def label_scan_or_errand(self) -> Step:
        # A torn or wrong label is reprinted or voided while the station waits for it.
        if self.text in errand_commands(self.commands):
            return bench_commands.errand(self)
        return self.scan_back_required()

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
        if queries.packer_by_badge(self.db, self.text) is None:
            return self.step(
                V.SUPERVISOR_REQUIRED,
                "Ship short needs a supervisor badge: scan it, or scan ACKNOWLEDGE to cancel.",
            )
        supervisor = self.supervisor_gate(self.text, Action.SHIP_SHORT)
        if isinstance(supervisor, Step):
            return supervisor
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
        nothing_to_choose = functools.partial(bench_commands.nothing_to_choose, self)
        errand = functools.partial(bench_commands.errand, self)
        request_short = functools.partial(bench_commands.request_short, self)
        handlers: dict[str, Callable[[], Step]] = {
            c.logout: self.logout,
            c.ack: lambda: self.step(V.ACKNOWLEDGED, "Nothing to acknowledge."),
            c.cancel: self.park,
            c.exception: self.flag_exception,
            c.short: request_short,
            c.seal: self.seal_command,
            c.new_box: self.new_box,
            c.ok: nothing_to_choose,
            c.close: nothing_to_choose,
        }
        for code in c.reason_codes():
            handlers[code] = nothing_to_choose
        for code in errand_commands(c):
            handlers[code] = errand
        for code, reason in exception_commands(c).items():
            handlers[code] = functools.partial(self.flag_exception, (reason, "flagged by scan"))
        for code, words in short_commands(c).items():
            handlers[code] = functools.partial(request_short, words)
        return handlers

    # The parcel's steps (ParcelSteps) park, flag or log out while a parcel is on the scale.
    def logout(self) -> Step:
        return bench_commands.logout(self)

    def park(self) -> Step:
        return bench_commands.park(self)

    def flag_exception(self, chosen: tuple[ExceptionReason, str] | None = None) -> Step:
        return bench_commands.flag_exception(self, chosen)

    def seal_command(self) -> Step:
        refused = self.needs_open_order()
        if refused:
            return refused
        lines = list(self.state.lines)
        if not order_complete(lines):
            missing = sum(line.expected - line.scanned for line in lines)
            return self.step(V.ORDER_INCOMPLETE, f"Cannot seal: {missing} unit(s) still to scan.")
        return self.seal(V.ORDER_COMPLETE, None)

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
        cancelled = cancellation(self.db, order.id)
        if cancelled is not None:
            why = f": {cancelled.reason}" if cancelled.reason else ""
            return replace(
                self.step(
                    V.ORDER_CANCELLED,
                    f"Order {order.number} was CANCELLED{why}. Do not pack it: "
                    "hand the tote to a supervisor.",
                ),
                subject=order,
            )
        events: tuple[OrderEvent, ...] = ()
        note = ""
        if queries.in_exception(self.db, order.id):
            packer = self.state.packer
            if packer is None or packer.role not in SUPERVISOR_ROLES:
                return replace(
                    self.step(
                        V.ORDER_IN_EXCEPTION,
                        f"Order {order.number} is waiting for a supervisor (exception).",
                    ),
                    subject=order,
                )
            released = self.supervisor_gate(packer.badge, Action.RELEASE_EXCEPTION)
            if isinstance(released, Step):
                return replace(released, subject=order)
            events = (
                order_event(
                    order,
                    "exception_released",
                    supervisor_id=released.id,
                ),
            )
            note = " Exception released."
        refusal = claim_steps.claim_refusal(self, order)
        if refusal is not None:
            return refusal
        lines = tuple(queries.line_counts(self.db, order.id))
        awaiting = Awaiting.SEAL if order_complete(list(lines)) else Awaiting.NOTHING
        todo = sum(line.expected - line.scanned for line in lines)
        plan = plan_for(self.bench, order, lines)
        unlabelable = order_label_problem(order, plan.profile)
        if unlabelable:
            refused = self.step(V.LABEL_BLOCKED, cannot_pack(order, unlabelable))
            return replace(refused, subject=order)
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
