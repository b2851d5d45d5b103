"""The one gate of every supervisor action: a supervisor's (or admin's) badge, and its PIN.

`check` decides (reading the store) and returns the attempt to record in the
same transaction as what it unlocks (the bench's workflow); `authorize` does
both for a screen of its own (settings, the dashboard, the exception queue).
A packer's badge is refused here whatever typed, scanned or replayed it.

With `[security] supervisor_pin = true` (the default) the badge needs its PIN
(a supervisor with no PIN on file yet acts by badge alone, recorded as such).
Five wrong PINs in a row lock that badge for 15 minutes; the attempts are
stored, so a restart keeps the lock. A PIN is never stored, shown or logged:
the attempt records who, for what, how and the outcome.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Index
from sqlmodel import Field, Session, SQLModel, col, select

from station import queries
from station.importers.packers import verify_pin
from station.models import Packer, new_id, utc_now

if TYPE_CHECKING:
    from station.store import Store

SUPERVISOR_ROLES = frozenset({"supervisor", "admin"})
MAX_WRONG_PINS = 5
LOCKOUT = timedelta(minutes=15)


class Action(StrEnum):
    SHIP_SHORT = "approve a ship-short"
    RELEASE_EXCEPTION = "release an exception"
    ACCEPT_WEIGHT = "accept a wrong weight"
    SKIP_SCAN_BACK = "skip a label scan-back"
    VOID_LABEL = "void a label"
    BULK_PRINT = "bulk print labels"
    OPEN_DASHBOARD = "open the dashboard"
    OPEN_SETTINGS = "change the station's settings"
    CANCEL_ORDER = "cancel an order"
    CORRECT_ADDRESS = "correct an address"


class Outcome(StrEnum):
    ALLOWED = "allowed"
    WRONG_PIN = "wrong_pin"
    LOCKED = "locked"
    NOT_SUPERVISOR = "not_supervisor"
    ALLOWED_WITHOUT_PIN = "allowed_without_pin"  # a supervisor with no PIN on file


class SupervisorAuth(SQLModel, table=True):
    """One attempt to unlock a supervisor action with a badge (never the PIN itself)."""

    # A lockout reads a badge's newest attempts.
    __table_args__ = (Index("ix_supervisorauth_packer_created", "packer_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str
    packer_id: uuid.UUID | None = None
    action: str
    outcome: str
    how: str  # scanner, keyboard, replay, button...
    created_at: datetime = Field(default_factory=utc_now)


@dataclass(frozen=True)
class Supervisor:
    """Who unlocked a supervisor action."""

    id: uuid.UUID
    name: str
    badge: str
    role: str


@dataclass(frozen=True)
class Refusal:
    """Why not, in words for the bench; `needs_pin`: ask for the PIN and try again."""

    message: str
    needs_pin: bool = False
    locked_until: datetime | None = None


Answer = Supervisor | Refusal


def check(
    db: Session,
    station: str,
    badge: str,
    pin: str | None,
    action: Action,
    *,
    pin_required: bool,
    how: str,
    now: datetime | None = None,
) -> tuple[Answer, SupervisorAuth | None]:
    """Decide whether `badge` (with `pin`) unlocks `action`; the attempt to store, if any.

    Reads only. A badge nobody has is refused with nothing to record; asking
    for a PIN not yet typed records nothing either.
    """
    now = now or utc_now()
    packer = queries.packer_by_badge(db, badge.strip())
    if packer is None:
        return Refusal(f"{badge.strip()!r} is not a badge: a supervisor scans theirs."), None

    def attempt(outcome: Outcome) -> SupervisorAuth:
        return SupervisorAuth(
            station=station, packer_id=packer.id, action=action.value, outcome=outcome, how=how
        )

    if packer.role not in SUPERVISOR_ROLES:
        refusal = Refusal(
            f"{packer.name} is a {packer.role}: only a supervisor may {action.value}. "
            "Ask a supervisor to scan their badge."
        )
        return refusal, attempt(Outcome.NOT_SUPERVISOR)
    locked = locked_until(db, packer.id, now)
    if locked is not None:
        refusal = Refusal(
            f"{packer.name}'s badge is locked after {MAX_WRONG_PINS} wrong PINs until "
            f"{locked.astimezone():%H:%M}: another supervisor can {action.value}.",
            locked_until=locked,
        )
        return refusal, attempt(Outcome.LOCKED)
    if not pin_required:
        return _supervisor(packer), attempt(Outcome.ALLOWED)
    if packer.pin_hash is None:
        # A supervisor imported without a PIN (the PIN column is optional) still
        # approves by badge, so an upgraded station keeps working; each such
        # approval is recorded as such until their PIN is imported.
        return _supervisor(packer), attempt(Outcome.ALLOWED_WITHOUT_PIN)
    if not pin:
        return Refusal(f"{packer.name}: type your PIN to {action.value}.", needs_pin=True), None
    # scrypt is slow on purpose (tens of ms): paid only when a supervisor acts.
    if verify_pin(packer.pin_hash, pin):
        return _supervisor(packer), attempt(Outcome.ALLOWED)
    wrong = _wrong_in_a_row(db, packer.id) + 1
    if wrong >= MAX_WRONG_PINS:
        until = now + LOCKOUT
        message = (
            f"Wrong PIN, {MAX_WRONG_PINS} times: {packer.name}'s badge is locked until "
            f"{until.astimezone():%H:%M}."
        )
        return Refusal(message, locked_until=until), attempt(Outcome.WRONG_PIN)
    left = MAX_WRONG_PINS - wrong
    message = f"Wrong PIN for {packer.name}: {left} more wrong and the badge locks for 15 minutes."
    return Refusal(message, needs_pin=True), attempt(Outcome.WRONG_PIN)


def authorize(
    store: Store,
    station: str,
    badge: str,
    pin: str | None,
    action: Action,
    *,
    pin_required: bool = True,
    how: str = "keyboard",
) -> Answer:
    """`check`, and its attempt stored at once: for a screen that opens on a supervisor."""
    with store.session() as db:
        answer, record = check(db, station, badge, pin, action, pin_required=pin_required, how=how)
    if record is not None:
        with store.write_lock, store.session() as db:
            db.add(record)
            db.commit()
    return answer


def locked_until(db: Session, packer_id: uuid.UUID, now: datetime) -> datetime | None:
    """When the badge unlocks, if its last MAX_WRONG_PINS PIN attempts were all wrong."""
    recent = _pin_attempts(db, packer_id)
    if len(recent) < MAX_WRONG_PINS or any(row.outcome != Outcome.WRONG_PIN for row in recent):
        return None
    until = _aware(recent[0].created_at) + LOCKOUT
    return until if until > now else None


def _wrong_in_a_row(db: Session, packer_id: uuid.UUID) -> int:
    count = 0
    for row in _pin_attempts(db, packer_id):
        if row.outcome != Outcome.WRONG_PIN:
            break
        count += 1
    return count


def _pin_attempts(db: Session, packer_id: uuid.UUID) -> list[SupervisorAuth]:
    """The newest attempts that tried a PIN (allowed or wrong), newest first."""
    return list(
        db.exec(
            select(SupervisorAuth)
            .where(
                SupervisorAuth.packer_id == packer_id,
                col(SupervisorAuth.outcome).in_((Outcome.ALLOWED, Outcome.WRONG_PIN)),
            )
            .order_by(col(SupervisorAuth.created_at).desc())
            .limit(MAX_WRONG_PINS)
        ).all()
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _supervisor(packer: Packer) -> Supervisor:
    return Supervisor(packer.id, packer.name, packer.badge, packer.role)
