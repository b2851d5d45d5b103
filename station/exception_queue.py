"""Orders waiting in exception for a supervisor, and what the supervisor decides.

An order is in exception from its `exception_flagged` event (a packer flagged it
at the bench: reason, note, who, where, when) until a later `exception_released`
(back to packing: a supervisor released it here, or opened it at a bench) or
`order_cancelled` (it will not ship; the reason is kept). Each decision is one
order event, checked and written in one transaction under the store's write
lock, with the station's own event numbering, so the record and the queue never
disagree. A cancelled order can no longer be opened at a bench
(`cancellation`, asked by station.workflow).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from station import queries
from station.errors import UserError
from station.models import Order, OrderEvent, Packer
from station.store import Store

FLAGGED = "exception_flagged"
RELEASED = "exception_released"
CANCELLED = "order_cancelled"
# The events that put an order in exception or take it out; the newest one decides.
_DECIDING = (FLAGGED, RELEASED, CANCELLED)
MAX_REASON = 200  # a cancel reason is a sentence, not a document


@dataclass(frozen=True)
class WaitingOrder:
    """One order in the queue, as it was flagged."""

    order_id: uuid.UUID
    number: str
    reason: str  # station.workflow_types.ExceptionReason value
    note: str
    flagged_by: str  # the packer's name ("" when nobody was logged in)
    badge: str
    station: str
    since: datetime  # UTC

    @property
    def reason_words(self) -> str:
        return self.reason.replace("_", " ")


@dataclass(frozen=True)
class Decision:
    """What a supervisor decided about one order, as stored."""

    number: str
    kind: str  # RELEASED or CANCELLED
    supervisor: str
    reason: str

    def describe(self) -> str:
        if self.kind == RELEASED:
            return f"Order {self.number} released by {self.supervisor}: it can be packed again."
        return f"Order {self.number} cancelled by {self.supervisor}: {self.reason}."


def waiting_orders(db: Session) -> list[WaitingOrder]:
    """Every order whose newest deciding event is its flagging, the longest waiting first."""
    later = aliased(OrderEvent)
    newer_decision = exists().where(
        col(later.order_id) == col(OrderEvent.order_id),
        col(later.kind).in_(_DECIDING),
        or_(
            col(later.created_at) > col(OrderEvent.created_at),
            and_(
                col(later.created_at) == col(OrderEvent.created_at),
                col(later.seq) > col(OrderEvent.seq),
            ),
        ),
    )
    rows = db.exec(
        select(OrderEvent, Order.number, Packer.name, Packer.badge)
        .join(Order, col(Order.id) == col(OrderEvent.order_id))
        .join(Packer, col(Packer.id) == col(OrderEvent.packer_id), isouter=True)
        .where(OrderEvent.kind == FLAGGED, ~newer_decision)
        .order_by(col(OrderEvent.created_at), col(OrderEvent.seq))
    ).all()
    return [
        WaitingOrder(
            order_id=event.order_id,
            number=number,
            reason=event.reason,
            note=event.note,
            flagged_by=name or "",
            badge=badge or "",
            station=event.station,
            since=event.created_at,
        )
        for event, number, name, badge in rows
    ]


def cancellation(db: Session, order_id: uuid.UUID) -> OrderEvent | None:
    """The event that cancelled the order, or None while it may be packed."""
    return queries.first(
        db,
        select(OrderEvent).where(OrderEvent.order_id == order_id, OrderEvent.kind == CANCELLED),
    )


class ExceptionDesk:
    """A supervisor's decisions on the queue, written as `station`'s events.

    `take_seq` is the station's event numbering: at a bench the running
    session's (PackSession.sequence), so the desk and the scans never share a
    number; a standalone dashboard that holds the data dir's lock reads the
    next one from the store.
    """

    def __init__(
        self, store: Store, station: str, take_seq: Callable[[], int] | None = None
    ) -> None:
        self._store = store
        self._station = station
        self._take_seq = take_seq

    @property
    def station(self) -> str:
        return self._station

    def waiting(self) -> list[WaitingOrder]:
        with self._store.session() as db:
            return waiting_orders(db)

    def release(self, number: str, supervisor_badge: str, note: str = "") -> Decision:
        """Back to packing: any packer may open the order again.

        Raises:
            UserError: the badge is not a supervisor's, or the order is not waiting.
        """
        return self._decide(number, supervisor_badge, RELEASED, "", _words(note, "note"))

    def cancel(self, number: str, supervisor_badge: str, reason: str) -> Decision:
        """The order will not ship; its scans at any bench are refused from now on.

        Raises:
            UserError: no reason, the badge is not a supervisor's, or the order is not waiting.
        """
        words = _words(reason, "reason")
        if not words:
            raise UserError("Say why the order is cancelled: the reason is kept with it.")
        return self._decide(number, supervisor_badge, CANCELLED, words, "")

    def _decide(self, number: str, badge: str, kind: str, reason: str, note: str) -> Decision:
        with self._store.write_lock, self._store.session() as db:
            supervisor = _supervisor(db, badge)
            order = queries.order_by_number(db, number)
            if order is None:
                raise UserError(f"There is no order {number!r}: check the number.")
            # Decided inside the write transaction: two supervisors at two screens
            # cannot both release, or release what the other just cancelled.
            if not _still_waiting(db, order.id):
                raise UserError(
                    f"Order {number} is not waiting in exception any more (released, "
                    "cancelled or opened by a supervisor meanwhile): nothing done."
                )
            seq = self._take_seq() if self._take_seq else queries.next_seq(db, self._station)
            db.add(
                OrderEvent(
                    station=self._station,
                    seq=seq,
                    order_id=order.id,
                    packer_id=supervisor.id,
                    supervisor_id=supervisor.id,
                    kind=kind,
                    reason=reason,
                    note=note,
                )
            )
            db.commit()
            return Decision(number, kind, supervisor.name, reason)


def _words(text: str, what: str) -> str:
    """One line of printable words (it is shown on the bench's banner), or a UserError."""
    words = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if len(words) > MAX_REASON:
        raise UserError(f"The {what} is {len(words)} characters; keep it under {MAX_REASON}.")
    return words


def _still_waiting(db: Session, order_id: uuid.UUID) -> bool:
    newest = queries.first(
        db,
        select(OrderEvent.kind)
        .where(OrderEvent.order_id == order_id, col(OrderEvent.kind).in_(_DECIDING))
        .order_by(col(OrderEvent.created_at).desc(), col(OrderEvent.seq).desc()),
    )
    return newest == FLAGGED


def _supervisor(db: Session, badge: str) -> Packer:
    packer = queries.packer_by_badge(db, badge.strip())
    if packer is None or packer.role not in ("supervisor", "admin"):
        who = f"{packer.name} is not a supervisor: " if packer else ""
        raise UserError(f"{who}only a supervisor may release or cancel an exception.")
    return packer
