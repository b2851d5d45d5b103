"""Who may change a station's settings: a supervisor (or admin), through the one gate.

Devices… (and any other settings screen) opens only after `sign_in` says yes.
The decision is station.supervisor_auth's, as for every supervisor action:
the badge, then its PIN with `[security] supervisor_pin = true`, the same
lockout after five wrong PINs, and each attempt stored there (SupervisorAuth,
action "change the station's settings"). A PIN is never stored.

What a settings screen then saves is recorded here (SettingsEvent), with the
supervisor who signed in for it. Stores from before this gate also hold
`settings_opened` / `settings_refused` rows of the old PIN-only sign-in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Field, SQLModel

from station import queries
from station.models import new_id, utc_now
from station.store import Store
from station.supervisor_auth import Action, Refusal, authorize

SAVED = "settings_saved"


class SettingsEvent(SQLModel, table=True):
    """A settings screen saved (older stores: also sign-ins to one, allowed or refused)."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str
    packer_id: uuid.UUID | None = None  # who signed in for it (None: nobody recognised)
    kind: str  # settings_saved (older rows: settings_opened, settings_refused)
    settings: str  # which settings, e.g. "devices"
    how: str  # "saved" (older rows: "badge" or "pin")
    note: str = ""
    created_at: datetime = Field(default_factory=utc_now)


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in: allowed with who, or refused with what to do.

    `needs_pin`: the badge is a supervisor's, and its PIN is asked next.
    """

    allowed: bool
    message: str
    name: str | None = None
    badge: str | None = None  # who signed in, to record what they save
    needs_pin: bool = False


def sign_in(
    store: Store,
    station: str,
    badge: str,
    pin: str | None,
    *,
    pin_required: bool,
    how: str,
) -> SignIn:
    """A badge (scanned or typed), and its PIN once asked: a supervisor's opens the settings.

    Reads and records through station.supervisor_auth.authorize; the PIN's
    scrypt is slow on purpose, so call it off the UI thread.
    """
    answer = authorize(
        store, station, badge, pin, Action.OPEN_SETTINGS, pin_required=pin_required, how=how
    )
    if isinstance(answer, Refusal):
        return SignIn(False, answer.message, needs_pin=answer.needs_pin)
    return SignIn(True, f"Signed in: {answer.name}.", answer.name, answer.badge)


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
