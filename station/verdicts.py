"""What the engine answers to every input, and the snapshot the screen shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class VerdictKind(StrEnum):
    LOGIN = "login"
    LOGOUT = "logout"
    ORDER_OPENED = "order_opened"
    OK = "ok"
    LINE_COMPLETE = "line_complete"
    ORDER_COMPLETE = "order_complete"
    WRONG_ITEM = "wrong_item"
    OVER_SCAN = "over_scan"
    UNKNOWN_BARCODE = "unknown_barcode"
    NEEDS_ACKNOWLEDGEMENT = "needs_acknowledgement"
    ACKNOWLEDGED = "acknowledged"
    NO_ORDER_OPEN = "no_order_open"
    NOT_LOGGED_IN = "not_logged_in"
    ANOTHER_ORDER_OPEN = "another_order_open"
    ORDER_ALREADY_PACKED = "order_already_packed"
    ORDER_IN_EXCEPTION = "order_in_exception"
    ORDER_PARKED = "order_parked"
    EXCEPTION_FLAGGED = "exception_flagged"
    OVERRIDE = "override"
    # Not in the original list: the station asks for a supervisor (ship short,
    # typed entry restricted to supervisors).
    SUPERVISOR_REQUIRED = "supervisor_required"
    # Not in the original list: a seal was asked for before every unit was scanned.
    ORDER_INCOMPLETE = "order_incomplete"
    # Not in the original list: the same value from the same serial scanner
    # within its double-read window; stored, never counted.
    DUPLICATE_READ = "duplicate_read"
    # Not a scan: a label printed again on request, with a reason.
    LABEL_REPRINTED = "label_reprinted"
    # Check-weighing: the order is complete and the parcel goes on the scale.
    WEIGH_PARCEL = "weigh_parcel"
    WEIGHT_OK = "weight_ok"
    WEIGHT_MISMATCH = "weight_mismatch"
    # The label cannot be made (no tracking numbers left, a field the courier requires).
    LABEL_BLOCKED = "label_blocked"
    # Multi-box orders: a box closed, its label prints with the order's others.
    BOX_CLOSED = "box_closed"
    BOX_EMPTY = "box_empty"
    # Label scan-back: the label on the box is this parcel's, or it is not.
    LABEL_VERIFIED = "label_verified"
    WRONG_LABEL = "wrong_label"
    LABEL_VOIDED = "label_voided"
    SLIP_PRINTING = "slip_printing"
    # A label errand asked by its command barcode (reprint, void, slip, bulk print):
    # stored like every scan, then the window does it (or opens its dialog).
    ERRAND = "errand"
    # A dialog's barcode (OK, Close, a reason) scanned with no dialog open.
    NOTHING_TO_CHOOSE = "nothing_to_choose"
    # Central claims (station/claims.py): another station holds the order (at the
    # open, or later when the central claim was refused: the order leaves the
    # bench), and, offline with offline_open = "claimed_only", an order not held here.
    ORDER_CLAIMED_ELSEWHERE = "order_claimed_elsewhere"
    ORDER_NEEDS_CLAIM = "order_needs_claim"
    # Loading at the dock (station.handoff): a load for one courier, its parcels, its close.
    COURIER_REQUIRED = "courier_required"
    UNKNOWN_COURIER = "unknown_courier"
    LOAD_OPENED = "load_opened"
    LOADED = "loaded"
    WRONG_COURIER = "wrong_courier"
    ALREADY_LOADED = "already_loaded"
    NOT_READY = "not_ready"
    NO_LOAD_OPEN = "no_load_open"
    DRIVER_RECORDED = "driver_recorded"
    DRIVER_REQUIRED = "driver_required"
    PARCEL_LEFT = "parcel_left"
    # A parcel this dock loaded that the central database put on another dock's load
    # (both scanned it at once): it comes off this load, with a stop.
    LOADED_ELSEWHERE = "loaded_elsewhere"
    # The answer to a close; a parcel scanned onto a closed load also gets it, with a stop.
    LOAD_CLOSED = "load_closed"
    # An order a supervisor cancelled from the exception queue: never packed again.
    ORDER_CANCELLED = "order_cancelled"


class Tone(StrEnum):
    """Which sound and colour a verdict gets."""

    SUCCESS = "success"
    COMPLETE = "complete"
    ERROR = "error"
    INFO = "info"


ERROR_VERDICTS = frozenset(
    {
        VerdictKind.WRONG_ITEM,
        VerdictKind.OVER_SCAN,
        VerdictKind.UNKNOWN_BARCODE,
        VerdictKind.NEEDS_ACKNOWLEDGEMENT,
        VerdictKind.NO_ORDER_OPEN,
        VerdictKind.NOT_LOGGED_IN,
        VerdictKind.ANOTHER_ORDER_OPEN,
        VerdictKind.ORDER_ALREADY_PACKED,
        VerdictKind.ORDER_IN_EXCEPTION,
        VerdictKind.ORDER_CLAIMED_ELSEWHERE,
        VerdictKind.ORDER_NEEDS_CLAIM,
        VerdictKind.ORDER_CANCELLED,
        VerdictKind.SUPERVISOR_REQUIRED,
        VerdictKind.ORDER_INCOMPLETE,
        VerdictKind.LABEL_BLOCKED,
        VerdictKind.WEIGHT_MISMATCH,
        VerdictKind.BOX_EMPTY,
        VerdictKind.WRONG_LABEL,
        VerdictKind.UNKNOWN_COURIER,
        VerdictKind.WRONG_COURIER,
        VerdictKind.ALREADY_LOADED,
        VerdictKind.LOADED_ELSEWHERE,
        VerdictKind.NOT_READY,
        VerdictKind.NO_LOAD_OPEN,
        VerdictKind.DRIVER_REQUIRED,
    }
)
COUNTED_VERDICTS = frozenset(
    {VerdictKind.OK, VerdictKind.LINE_COMPLETE, VerdictKind.ORDER_COMPLETE}
)


def tone_of(kind: VerdictKind) -> Tone:
    if kind in ERROR_VERDICTS:
        return Tone.ERROR
    if kind in (VerdictKind.ORDER_COMPLETE, VerdictKind.OVERRIDE):
        return Tone.COMPLETE
    if kind in (VerdictKind.WEIGHT_OK, VerdictKind.LOAD_CLOSED):
        return Tone.COMPLETE
    if kind in (
        VerdictKind.OK,
        VerdictKind.LINE_COMPLETE,
        VerdictKind.BOX_CLOSED,
        VerdictKind.LABEL_VERIFIED,
        VerdictKind.LOADED,
    ):
        return Tone.SUCCESS
    return Tone.INFO


class Awaiting(StrEnum):
    """What the station waits for before normal scanning goes on."""

    NOTHING = "nothing"
    ACKNOWLEDGEMENT = "acknowledgement"
    SUPERVISOR = "supervisor"
    SEAL = "seal"
    WEIGHT = "weight"  # the packed parcel on the scale, before its label prints
    LABEL_SCAN = "label_scan"  # the printed labels, scanned back on their boxes


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    scan: str
    message: str
    order: str | None = None
    sku: str | None = None
    scanned: int | None = None
    expected: int | None = None
    label: str | None = None
    tracking: str | None = None
    # The stored print job of a sealed parcel; `label` is filled once delivered.
    job_id: str | None = None
    # Every parcel of a sealed order (several boxes): (tracking, job id, label location).
    parcels: tuple[tuple[str, str, str | None], ...] = ()
    # A supervisor's badge that needs its PIN: the screen asks for it, then gives the
    # same input again with it (PackSession.handle_scan(scan, pin=...)).
    needs_pin: bool = False

    @property
    def tone(self) -> Tone:
        return tone_of(self.kind)

    def as_json(self) -> dict[str, Any]:
        """The replay output object."""
        out: dict[str, Any] = {
            "scan": self.scan,
            "verdict": self.kind.value,
            "order": self.order,
            "sku": self.sku,
            "scanned": self.scanned,
            "expected": self.expected,
            "message": self.message,
        }
        if self.tracking is not None:
            # A sealed parcel: where its label went (None if the printer refused it).
            out["label"] = self.label
            out["tracking"] = self.tracking
        if self.parcels:
            out["parcels"] = [
                {"tracking": tracking, "label": label} for tracking, _job, label in self.parcels
            ]
        if self.needs_pin:
            out["needs_pin"] = True  # replay: a line "@pin 1234" gives it
        return out


@dataclass(frozen=True)
class LineView:
    line_no: int
    sku: str
    name: str
    image: str | None
    scanned: int
    expected: int

    @property
    def complete(self) -> bool:
        return self.scanned >= self.expected


@dataclass(frozen=True)
class OrderView:
    number: str
    courier: str
    service: str
    ship_to_name: str
    lines: tuple[LineView, ...] = field(default_factory=tuple)
    courier_reason: str = ""  # why this courier (the rule), or what stops its label

    @property
    def scanned(self) -> int:
        return sum(line.scanned for line in self.lines)

    @property
    def expected(self) -> int:
        return sum(line.expected for line in self.lines)


@dataclass(frozen=True)
class StationView:
    """Everything the pack screen shows, taken after each input."""

    station: str
    packer_name: str | None
    packer_role: str | None
    order: OrderView | None
    awaiting: Awaiting
    last_label: str | None = None
    packer_badge: str | None = None  # who a supervisor's screen (the dashboard) acts for
