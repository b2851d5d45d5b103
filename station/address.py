"""A supervisor corrects an order's delivery address, recorded with who and the old values.

The bench refuses to open an order whose label could never be made (see
station.label_rules); this is how it gets fixed without re-importing it, even
after packing started. The order event holds the old and new values as JSON
in its note. A label printed before the correction is remade with the new
address when it is reprinted (`with_current_address`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from sqlmodel import Session, select

from station import queries
from station.errors import UserError
from station.label_rules import LABEL_TEXT_LIMITS, text_problem
from station.labels import Address, LabelContent
from station.models import OrderEvent, Packer, utc_now
from station.supervisor_auth import Action, Supervisor, check

# The order's columns a supervisor may correct, and their names on the label.
ADDRESS_FIELDS = {
    "ship_to_name": "name",
    "ship_to_street": "street",
    "ship_to_city": "city",
    "ship_to_postcode": "postcode",
    "ship_to_country": "country",
    "ship_to_phone": "phone",
}
OPTIONAL = frozenset({"ship_to_phone"})
EVENT = "address_corrected"
_COUNTRY = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True)
class AddressChange:
    order: str
    old: dict[str, str | None]
    new: dict[str, str | None]
    sealed: bool  # labels were printed with the old address: reprint them


def correct_address(
    db: Session,
    number: str,
    changes: Mapping[str, str | None],
    supervisor_badge: str,
    *,
    station: str,
    pin: str | None = None,
    take_seq: Callable[[], int] | None = None,
) -> AddressChange:
    """Change `changes` (ship_to_* columns) of order `number`, recorded, in one commit.

    Raises:
        UserError: unknown order or field, a value that cannot go on a label,
            or a badge that is not a supervisor's (or a wrong PIN).
    """
    order = queries.order_by_number(db, number)
    if order is None:
        raise UserError(f"There is no order {number!r}: check the number.")
    supervisor = _supervisor(db, supervisor_badge, pin, station)
    new = {field: _checked(field, value) for field, value in changes.items()}
    if not new:
        raise UserError("Nothing to correct: give at least one field and its new value.")
    old = {field: getattr(order, field) for field in new}
    seq = take_seq() if take_seq else queries.next_seq(db, station)
    db.add(
        OrderEvent(
            station=station,
            seq=seq,
            order_id=order.id,
            packer_id=supervisor.id,
            supervisor_id=supervisor.id,
            kind=EVENT,
            note=json.dumps({"old": old, "new": new}, ensure_ascii=False),
        )
    )
    for field, value in new.items():
        setattr(order, field, value)
    order.updated_at = utc_now()
    db.add(order)
    db.commit()
    return AddressChange(number, old, new, queries.is_packed(db, order.id))


def with_current_address(db: Session, content_json: str) -> str:
    """A stored label's content with its order's address as it is now (after corrections)."""
    label = LabelContent.from_json(content_json)
    order = queries.order_by_number(db, label.order_number)
    if order is None:
        return content_json
    ship_to = Address(
        order.ship_to_name,
        order.ship_to_street,
        order.ship_to_city,
        order.ship_to_postcode,
        order.ship_to_country,
        order.ship_to_phone,
    )
    if ship_to == label.ship_to:
        return content_json
    return replace(label, ship_to=ship_to).to_json()


def _supervisor(db: Session, badge: str, pin: str | None, station: str) -> Packer:
    # The one gate (station.supervisor_auth): a wrong --pin counts towards the
    # badge's lock and is recorded, or the command line would let PINs be guessed.
    answer, attempt = check(
        db, station, badge, pin, Action.CORRECT_ADDRESS, pin_required=True, how="keyboard"
    )
    if attempt is not None:
        db.add(attempt)  # an allowed attempt commits with the correction
    if isinstance(answer, Supervisor):
        packer = db.get(Packer, answer.id)
        assert packer is not None  # check() just read it
        return packer
    if attempt is not None:
        db.commit()  # a refused attempt is kept, though nothing else changes
    packer = db.exec(select(Packer).where(Packer.badge == badge.strip())).first()
    if answer.needs_pin and not pin and packer is not None:
        raise UserError(f"Supervisor {packer.name} has a PIN: give it (--pin).")
    if answer.locked_until is None and not answer.needs_pin:
        raise UserError(f"Badge {badge!r} is not a supervisor's: only a supervisor may correct.")
    raise UserError(answer.message)


def _checked(field: str, value: str | None) -> str | None:
    if field not in ADDRESS_FIELDS:
        known = ", ".join(ADDRESS_FIELDS.values())
        raise UserError(f"{field!r} is not an address field; these can be corrected: {known}.")
    word = ADDRESS_FIELDS[field]
    text = (value or "").strip()
    if not text:
        if field in OPTIONAL:
            return None
        raise UserError(f"The {word} cannot be empty: a label needs it.")
    if field == "ship_to_country":
        text = text.upper()
        if not _COUNTRY.fullmatch(text):
            raise UserError(f"{value!r} is not a 2-letter country code (ISO 3166, e.g. DE).")
    problem = text_problem(text, LABEL_TEXT_LIMITS[field], scanned=False)
    if problem is not None:
        raise UserError(f"The new {word} {problem}.")
    return text
