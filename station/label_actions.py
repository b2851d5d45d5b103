"""Label errands of a pack session: reprint, void and the packing slip, each recorded.

A mixin of station.session.PackSession: these are not scans, so they skip the
bench's decider, but they are stored (with who and why) before they print.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from sqlmodel import Session

from station import queries
from station.address import with_current_address
from station.couriers.plan import CourierPlan, styled
from station.couriers.ranges import allocate_tracking
from station.couriers.rules import find_profile
from station.errors import UserError
from station.event_sequence import SeqCounter
from station.labels import LabelContent
from station.models import Order, OrderEvent, Packer, Parcel, PrintJob
from station.parcels import slip_job
from station.print_queue import PrintQueue
from station.settings import Settings
from station.station_state import save_pending_labels
from station.store import Store
from station.supervisor_auth import SUPERVISOR_ROLES, Supervisor
from station.verdicts import Verdict, VerdictKind
from station.workflow import Bench, WorkflowState


class LabelActions:
    # The session's own parts these errands use.
    station: str
    settings: Settings
    _bench: Bench
    _store: Store
    _lock: threading.Lock
    _seq: SeqCounter
    _state: WorkflowState
    _prints: PrintQueue

    def reprint_label(self, reason: str, tracking: str | None = None) -> Verdict:
        """Print a label again, this station's last or any parcel's; who and why are recorded."""
        with self._lock, self._store.write_lock, self._store.session() as db:
            packer = self._needs_reason_and_packer(reason, "reprint")
            original = (
                queries.label_job_of(db, tracking)
                if tracking
                else queries.last_label_job(db, self.station)
            )
            parcel = db.get(Parcel, original.parcel_id) if original and original.parcel_id else None
            if original is None or parcel is None:
                raise UserError(
                    f"No label with tracking number {tracking}: check the number."
                    if tracking
                    else "This station has printed no label yet: nothing to reprint."
                )
            # A corrected address (station.address) goes on the reprint.
            content = with_current_address(db, original.content_json)
            job = self._label_job(db, parcel, "reprint", content)
            self._record(db, parcel, packer, "label_reprinted", reason, f"reprint of {original.id}")
            db.commit()
        label = LabelContent.from_json(job.content_json)
        self._prints.submit(job.id, label)
        return Verdict(
            kind=VerdictKind.LABEL_REPRINTED,
            scan="",
            message=f"Reprinting the label of order {label.order_number} ({label.tracking}).",
            order=label.order_number,
            tracking=label.tracking,
            job_id=str(job.id),
        )

    def print_slip(self, order_number: str | None = None) -> Verdict:
        """Print the packing slip of a packed order (this station's last one by default)."""
        with self._lock, self._store.write_lock, self._store.session() as db:
            order = (
                queries.order_by_number(db, order_number)
                if order_number
                else queries.last_sealed_order(db, self.station)
            )
            if order is None or not queries.is_packed(db, order.id):
                raise UserError(
                    f"Order {order_number} is not packed yet: its slip prints once it is sealed."
                    if order_number
                    else "This station has packed no order yet: no packing slip to print."
                )
            lines = queries.line_counts(db, order.id)
            count = queries.parcel_count(db, order.id)
            job = slip_job(
                order,
                lines,
                self._state.packer,
                self.station,
                self.settings.sender,
                count,
                self._seq,
            )
            db.add(job)
            db.commit()
        self._prints.submit_stored(job)
        return Verdict(
            kind=VerdictKind.SLIP_PRINTING,
            scan="",
            message=f"Packing slip of order {order.number} sent to the document printer.",
            order=order.number,
            job_id=str(job.id),
        )

    def void_label(self, tracking: str, reason: str, supervisor: Supervisor) -> Verdict:
        """Cancel a parcel's tracking number and print its label with a new one.

        `supervisor` is who unlocked it at station.supervisor_auth (badge and PIN).
        The old number is recorded with who voided it, who approved and why, so it
        can be reported to the courier as unused; the parcel keeps its box contents.
        """
        with self._lock, self._store.write_lock, self._store.session() as db:
            packer = self._needs_reason_and_packer(reason, "void")
            approver = db.get(Packer, supervisor.id)
            if approver is None or approver.role not in SUPERVISOR_ROLES:
                # Never reached from the gate; a caller that skipped it is refused here.
                raise UserError("Voiding a label needs a supervisor's badge (and PIN).")
            original = queries.label_job_of(db, tracking.strip())
            parcel = db.get(Parcel, original.parcel_id) if original and original.parcel_id else None
            if original is None or parcel is None:
                raise UserError(f"No label with tracking number {tracking}: check the number.")
            order = db.get(Order, parcel.order_id)
            if order is not None and order.tracking == parcel.tracking:
                raise UserError(
                    f"{tracking} came with the order from the order system: void it there. "
                    "Reprint prints the same label again."
                )
            profile = find_profile(self._bench.couriers.profiles, parcel.courier)
            if profile is None:
                raise UserError(f"No courier profile {parcel.courier!r} to take a new number from.")
            new_tracking = allocate_tracking(db, self.station, profile)
            # The new label goes on the same box: with the address as corrected since.
            old = LabelContent.from_json(with_current_address(db, original.content_json))
            plan = CourierPlan(parcel.courier, parcel.service, "", profile)
            content = styled(replace(old, tracking=new_tracking), plan).to_json()
            parcel.tracking = new_tracking
            db.add(parcel)
            job = self._label_job(db, parcel, "replacement", content)
            voided = self._record(
                db, parcel, packer, "label_voided", reason, f"{tracking} -> {new_tracking}"
            )
            voided.supervisor_id = approver.id  # who approved, beside who voided
            pending = tuple(
                new_tracking if t == tracking else t for t in self._state.pending_labels
            )
            if pending != self._state.pending_labels:  # a restart asks for the new label
                save_pending_labels(db, self.station, pending)
            db.commit()
        label = LabelContent.from_json(job.content_json)
        self._prints.submit(job.id, label)
        self._state = replace(self._state, pending_labels=pending)
        return Verdict(
            kind=VerdictKind.LABEL_VOIDED,
            scan="",
            message=(
                f"Label {tracking} voided. The new label {new_tracking} is printing: "
                "take the old label off the box and put the new one on."
            ),
            order=label.order_number,
            tracking=new_tracking,
            job_id=str(job.id),
        )

    def _needs_reason_and_packer(self, reason: str, what: str) -> Packer:
        if not reason.strip():
            raise UserError(f"A {what} needs a reason (e.g. label torn, printer jammed).")
        packer = self._state.packer
        if packer is None:
            raise UserError(f"Log in (scan your badge) to {what} a label.")
        return packer

    def _label_job(self, db: Session, parcel: Parcel, kind: str, content: str) -> PrintJob:
        job = PrintJob(
            station=self.station,
            seq=self._seq(),
            parcel_id=parcel.id,
            kind=kind,
            content_json=content,
        )
        db.add(job)
        return job

    def _record(
        self, db: Session, parcel: Parcel, packer: Packer, kind: str, reason: str, note: str
    ) -> OrderEvent:
        event = OrderEvent(
            station=self.station,
            seq=self._seq(),
            order_id=parcel.order_id,
            packer_id=packer.id,
            kind=kind,
            reason=reason.strip(),
            note=note,
        )
        db.add(event)
        return event
