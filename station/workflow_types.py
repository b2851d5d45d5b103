"""The shapes of a bench decision: state, input, step, and what every decision shares.

station.workflow decides orders and items, station.parcel_steps boxes, weights
and labels; both build `Step`s on top of `DeciderBase`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlmodel import Session

from station.barcodes import ParsedScan
from station.couriers.plan import CourierBook, CourierPlan, plan_courier
from station.line_counts import LineCount
from station.models import Order, OrderEvent, Packer
from station.ports import CentralLink
from station.settings import Commands, Settings
from station.supervisor_auth import SupervisorAuth
from station.verdicts import Awaiting, VerdictKind
from station.weighing import expected_parcel_weight

V = VerdictKind


class ExceptionReason(StrEnum):
    ITEM_MISSING = "item_missing"
    DAMAGED = "damaged"
    WRONG_ITEM_IN_TOTE = "wrong_item_in_tote"
    OTHER = "other"


# What a packer says when shipping short, one command barcode each (the words are stored).
SHORT_REASONS = ("out of stock", "unit damaged", "unit not found")


def exception_commands(commands: Commands) -> dict[str, ExceptionReason]:
    """The command barcode of each exception reason that needs no words."""
    return {
        commands.exception_missing: ExceptionReason.ITEM_MISSING,
        commands.exception_damaged: ExceptionReason.DAMAGED,
        commands.exception_wrong_item: ExceptionReason.WRONG_ITEM_IN_TOTE,
    }


def short_commands(commands: Commands) -> dict[str, str]:
    """The command barcode of each ship-short reason (SHORT_REASONS, in order)."""
    codes = (commands.short_no_stock, commands.short_damaged, commands.short_not_found)
    return dict(zip(codes, SHORT_REASONS, strict=True))


def errand_commands(commands: Commands) -> tuple[str, ...]:
    """The errands a scan asks the window for: reprint, void, slip, bulk print, the
    supervisor's dashboard, and the answers to "did label N print?"."""
    return (
        commands.reprint,
        commands.void,
        commands.slip,
        commands.bulk,
        commands.dashboard,
        commands.label_printed,
        commands.label_reprint,
    )


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
    # Supervisor badge attempts (station.supervisor_auth), stored with the input.
    auth_events: tuple[SupervisorAuth, ...] = ()
    needs_pin: bool = False  # give the same input again with the supervisor's PIN

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
    pin: str | None = None  # a supervisor's PIN for this input (checked, never stored)


def order_event(order: Order, kind: str, **fields: object) -> OrderEvent:
    """An order event; the session stamps station, sequence and packer when it commits."""
    return OrderEvent(station="", seq=0, order_id=order.id, kind=kind, **fields)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Bench:
    """What decisions need beyond the state: the settings and the couriers."""

    station: str
    settings: Settings
    couriers: CourierBook
    # Set when the station has a central database: order claims apply (station/claims.py).
    central: CentralLink | None = None


def plan_for(bench: Bench, order: Order, lines: tuple[LineCount, ...]) -> CourierPlan:
    """The order's courier, chosen on the weight the catalog expects of it."""
    weight = expected_parcel_weight(
        ((line.weight_g, line.expected) for line in lines), bench.settings.weighing.box_tare_g
    )
    return plan_courier(bench.couriers, order, weight)


class DeciderBase:
    """One decision in progress: its inputs and the helpers every kind of step uses."""

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

    def needs_open_order(self) -> Step | None:
        if self.state.packer is None:
            return self.step(V.NOT_LOGGED_IN, "Nobody is logged in: scan your badge first.")
        if self.state.order is None:
            return self.step(V.NO_ORDER_OPEN, "No order is open: scan an order barcode first.")
        return None
