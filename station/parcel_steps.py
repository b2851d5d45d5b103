"""Decisions about the parcel itself: sealing, boxes, the scale and label scan-back.

A mixin of the bench's decider (station.workflow): these steps start once the
units are counted and end when the labels are on the right boxes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from station import queries
from station.couriers.plan import CourierPlan, label_problem
from station.couriers.ranges import RangeStatus, range_status
from station.line_counts import LineCount, order_complete
from station.models import Order, OrderEvent
from station.parcels import label_for
from station.supervisor_auth import (
    SUPERVISOR_ROLES,
    Action,
    Supervisor,
    SupervisorAuth,
    check,
)
from station.verdicts import Awaiting, VerdictKind
from station.weighing import WeightCheck, check_weight, expected_parcel_weight
from station.workflow_types import DeciderBase, Step, order_event, plan_for

V = VerdictKind


class ParcelSteps(DeciderBase):
    # Commands the decider handles; a parcel on the scale may still be parked or flagged.
    park: Callable[[], Step]
    flag_exception: Callable[[], Step]
    logout: Callable[[], Step]
    _numbers: RangeStatus | None = None  # numbers_left, once read
    auth_events: tuple[SupervisorAuth, ...] = ()  # supervisor badge attempts, to store

    def supervisor_gate(self, badge: str, action: Action) -> Supervisor | Step:
        """The supervisor `badge` (with the input's PIN) is, or the step refusing it."""
        answer, attempt = check(
            self.db,
            self.bench.station,
            badge,
            self.request.pin,
            action,
            pin_required=self.settings.supervisor_pin,
            how="",  # the session fills in how the input came
        )
        if attempt is not None:
            self.auth_events = (*self.auth_events, attempt)
        if isinstance(answer, Supervisor):
            return answer
        return replace(self.step(V.SUPERVISOR_REQUIRED, answer.message), needs_pin=answer.needs_pin)

    def seal(self, kind: VerdictKind, supervisor: Supervisor | None) -> Step:
        """Seal the open order's parcel: weigh it first when the station has a scale."""
        order = self.state.order
        assert order is not None
        self.state = replace(self.state, closing_box=False)
        events: tuple[OrderEvent, ...] = ()
        message = f"Order {order.number} complete."
        if supervisor is not None:
            events = (
                order_event(
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
        if self.claim_pending():
            return self.step(
                V.ORDER_NEEDS_CLAIM,
                f"{message} NOT SEALED YET: the central database has not yet confirmed that "
                f"this bench holds order {order.number}. Scan SEAL again in a moment.",
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

    def claim_pending(self) -> bool:
        """Online, a parcel waits for the central database to grant this bench the order
        (station/central/claim_worker.py); offline, the offline rules apply."""
        central, order = self.bench.central, self.state.order
        return central is not None and order is not None and central.claim_pending(order.id)

    def sealed(self, kind: VerdictKind, message: str, weight_g: int | None) -> Step:
        """The box on the bench is done: the order's last (labels print) or one of several."""
        order = self.state.order
        assert order is not None
        plan = self.state.plan or plan_for(self.bench, order, self.state.lines)
        items = self.box_items()
        if self.state.closing_box:
            return self.box_closed(kind, weight_g, plan, items)
        message += self.numbers_running_low(plan)
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

    def numbers_running_low(self, plan: CourierPlan) -> str:
        """A warning to pass on to IT while the station still has numbers left."""
        status = self.numbers_left(plan)
        if status is None or plan.profile is None:
            return ""
        left = status.remaining - 1  # this parcel takes its number when it is stored
        if not status.low or left < 0:
            return ""
        name = plan.profile.name
        if left == 0:
            return f" That was the last {name} tracking number here: ask IT to add a range now."
        return f" Only {left} {name} tracking numbers left here: ask IT to add a range."

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
        if self.claim_pending():
            return self.step(
                V.ORDER_NEEDS_CLAIM,
                "Box not closed yet: the central database has not yet confirmed that this "
                "bench holds the order. Close the box again in a moment.",
            )
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
        badge = queries.packer_by_badge(self.db, self.text)
        if badge is not None and badge.role in SUPERVISOR_ROLES:
            supervisor = self.supervisor_gate(self.text, Action.SKIP_SCAN_BACK)
            if isinstance(supervisor, Step):
                return supervisor
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
        return label_problem(plan, draft, self.numbers_left(plan), self.bench.station)

    def numbers_left(self, plan: CourierPlan) -> RangeStatus | None:
        """The station's range for the plan's courier; read once per decision."""
        if plan.profile is None or plan.supplied_tracking:
            return None
        if self._numbers is None:
            self._numbers = range_status(self.db, self.bench.station, plan.profile)
        return self._numbers

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
        badge = queries.packer_by_badge(self.db, self.text)
        if badge is not None and badge.role in SUPERVISOR_ROLES:
            return self.weight_override()
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

    def weight_override(self) -> Step:
        grams, order = self.state.weight_g, self.state.order
        assert order is not None
        if grams is None or self.weight_check(grams).ok:
            return self.step(V.WEIGH_PARCEL, "Put the parcel on the scale first.")
        supervisor = self.supervisor_gate(self.text, Action.ACCEPT_WEIGHT)
        if isinstance(supervisor, Step):
            return supervisor
        event = order_event(
            order,
            "weight_override",
            supervisor_id=supervisor.id,
            note=self.weight_check(grams).message,
        )
        message = f"Weight {grams:,} g accepted by {supervisor.name}. Label printing."
        return replace(self.sealed(V.OVERRIDE, message, grams), order_events=(event,))
