"""Who may change a station's settings: a supervisor (or admin), by badge or PIN.

Devices… (and any other settings screen) opens only after `sign_in` says yes.
Every attempt is stored, allowed or refused, with who and how; a PIN never is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Field, Session, SQLModel, col, select

from station import queries
from station.importers.packers import verify_pin
from station.models import Packer, new_id, utc_now
from station.store import Store
from station.supervisor_auth import LOCKOUT, MAX_WRONG_PINS

SETTINGS_ROLES = frozenset({"supervisor", "admin"})
OPENED = "settings_opened"
REFUSED = "settings_refused"
SAVED = "settings_saved"


class SettingsEvent(SQLModel, table=True):
    """A sign-in to a station's settings, allowed or refused."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str
    packer_id: uuid.UUID | None = None  # who signed in (None: nobody recognised)
    kind: str  # settings_opened, settings_refused or settings_saved
    settings: str  # which settings, e.g. "devices"
    how: str  # "badge" or "pin" (a sign-in), "saved"
    note: str = ""
    created_at: datetime = Field(default_factory=utc_now)


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in: allowed with who, or refused with what to do."""

    allowed: bool
    message: str
    name: str | None = None
    badge: str | None = None  # who signed in, to record what they save


def sign_in_by_badge(store: Store, station: str, badge: str, settings: str) -> SignIn:
    """A scanned badge: a supervisor's or admin's opens the settings."""
    with store.session() as db:
        packer = queries.packer_by_badge(db, badge.strip())
    if packer is None:
        answer = SignIn(False, f"{badge.strip()!r} is not a badge: scan a supervisor's badge.")
    elif packer.role not in SETTINGS_ROLES:
        answer = SignIn(
            False,
            f"{packer.name} is a {packer.role}: only a supervisor may change the station's "
            "settings. Ask a supervisor to scan their badge.",
            packer.name,
        )
    else:
        answer = SignIn(True, f"Signed in: {packer.name}.", packer.name, packer.badge)
    _record(store, station, packer, answer, settings, "badge")
    return answer


def sign_in_by_pin(store: Store, station: str, pin: str, settings: str) -> SignIn:
    """A typed PIN: the supervisor (or admin) whose PIN it is opens the settings.

    A PIN alone names no badge to lock, so the station locks PIN sign-ins after
    MAX_WRONG_PINS wrong ones in a row, for LOCKOUT (a badge still signs in).
    """
    now = utc_now()
    with store.session() as db:
        locked = _pin_sign_in_locked_until(db, station, now)
    if locked is not None:
        answer = SignIn(
            False,
            f"{MAX_WRONG_PINS} wrong PINs: signing in by PIN is locked here until "
            f"{locked.astimezone():%H:%M}. A supervisor scans their badge instead.",
        )
        _record(store, station, None, answer, settings, "pin")
        return answer
    with store.session() as db:
        chosen = db.exec(
            select(Packer).where(
                col(Packer.role).in_(SETTINGS_ROLES), col(Packer.pin_hash).is_not(None)
            )
        ).all()
    # scrypt is slow on purpose: checked outside the store's write lock.
    packer = next((p for p in chosen if p.pin_hash and verify_pin(p.pin_hash, pin)), None)
    if packer is None:
        answer = SignIn(False, "Wrong PIN: type a supervisor's PIN, or scan their badge.")
    else:
        answer = SignIn(True, f"Signed in: {packer.name}.", packer.name, packer.badge)
    _record(store, station, packer, answer, settings, "pin")
    return answer


def record_saved(store: Store, station: str, settings: str, who: str | None, what: str) -> None:
    """A settings screen saved its file: which, who signed in for it, what it now says."""
    with store.write_lock, store.session() as db:
        packer = queries.packer_by_badge(db, who) if who else None
        db.add(
            SettingsEvent(
                station=station,
                packer_id=packer.id if packer else None,
                kind=SAVED,
                settings=settings,
                how="saved",
                note=what,
            )
        )
        db.commit()


def _pin_sign_in_locked_until(db: Session, station: str, now: datetime) -> datetime | None:
    recent = db.exec(
        select(SettingsEvent)
        .where(SettingsEvent.station == station, SettingsEvent.how == "pin")
        .order_by(col(SettingsEvent.created_at).desc())
        .limit(MAX_WRONG_PINS)
    ).all()
    if len(recent) < MAX_WRONG_PINS or any(row.kind != REFUSED for row in recent):
        return None
    newest = recent[0].created_at
    until = (newest if newest.tzinfo else newest.replace(tzinfo=UTC)) + LOCKOUT
    return until if until > now else None


def _record(
    store: Store, station: str, packer: Packer | None, answer: SignIn, settings: str, how: str
) -> None:
    with store.write_lock, store.session() as db:
        db.add(
            SettingsEvent(
                station=station,
                packer_id=packer.id if packer else None,
                kind=OPENED if answer.allowed else REFUSED,
                settings=settings,
                how=how,
                note=answer.message,
            )
        )
        db.commit()
