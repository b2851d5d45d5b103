"""What an order's label needs, checked at import and again when the order opens.

A parcel is only sealed when its label can be made: every text fits the
label (the layouts wrap and shrink text up to these lengths, see the label
tests), every character can be printed, and the courier's required fields are
there. The same rules refuse a bad order at import and, for an order already
stored (imported by an older version, or changed since), refuse to open it at
the bench before any unit is counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from station.characters import first_unprintable, first_unscannable
from station.models import Order

if TYPE_CHECKING:
    from station.couriers.profiles import CourierProfile

# Longest text of each field that the label layouts fit (names and streets wrap
# onto several lines; a tracking number must fit its barcode across the label).
LABEL_TEXT_LIMITS = {
    "number": 40,
    "courier": 60,
    "service": 60,
    "tracking": 35,
    "ship_to_name": 100,
    "ship_to_street": 120,
    "ship_to_city": 60,
    "ship_to_postcode": 20,
    "ship_to_country": 2,
    "ship_to_phone": 30,
}
# Fields a scan must be able to carry (the order number is scanned to open it).
SCANNED = frozenset({"number"})

# Numbers that fit what is real: no parcel of a ton, no line of 100,001 units.
MAX_WEIGHT_G = 1_000_000
MAX_QTY = 100_000
MAX_CASE_UNITS = 10_000
# Texts that are not printed on the label but shown, scanned or stored.
MAX_SKU = 64
MAX_PRODUCT_NAME = 200
MAX_BARCODE = 80
MAX_BADGE = 64
MAX_PACKER_NAME = 100


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


def text_problem(value: str, limit: int, *, scanned: bool) -> str | None:
    """Why `value` cannot be used (too long, a character that cannot be scanned or printed)."""
    if len(value) > limit:
        return f"is {len(value):,} characters long; at most {limit} fit"
    where = first_unscannable(value) if scanned else first_unprintable(value)
    if where is not None:
        what = "no scan can carry" if scanned else "no label can print"
        return f"has a {where}, which {what}; remove it"
    return None


def order_field_problems(fields: Mapping[str, str | None]) -> list[FieldProblem]:
    """Problems of an order's label fields (keys as in LABEL_TEXT_LIMITS; None is absent)."""
    problems = []
    for name, limit in LABEL_TEXT_LIMITS.items():
        value = fields.get(name)
        if not value:
            continue
        problem = text_problem(value, limit, scanned=name in SCANNED)
        if problem is None and name in SCANNED:
            problem = text_problem(value, limit, scanned=False)
        if problem is not None:
            problems.append(FieldProblem(name, problem))
    return problems


def order_label_problem(order: Order, profile: CourierProfile | None) -> str:
    """Why `order`'s label could never be made as it stands ("" when it can).

    Checked when the order opens, before any unit is counted: text too long or
    not printable, and recipient fields the courier requires that are missing.
    (A missing weight or an empty number range are fixed at the bench.)
    """
    fields = {name: getattr(order, name, None) for name in LABEL_TEXT_LIMITS}
    problems = [
        f"the {_FIELD_WORDS.get(problem.field, problem.field)} {problem.message}"
        for problem in order_field_problems(fields)
    ]
    if profile is not None:
        for name in profile.required_fields:
            key = name.replace(".", "_")
            if name.startswith("ship_to.") and not (getattr(order, key, None) or "").strip():
                problems.append(f"{profile.name} requires the {_FIELD_WORDS.get(key, key)}")
    return "; ".join(problems)


_FIELD_WORDS = {
    "number": "order number",
    "tracking": "tracking number",
    "ship_to_name": "recipient's name",
    "ship_to_street": "recipient's street",
    "ship_to_city": "recipient's city",
    "ship_to_postcode": "recipient's postcode",
    "ship_to_country": "recipient's country",
    "ship_to_phone": "recipient's phone number",
}


def cannot_pack(order: Order, problem: str) -> str:
    """The verdict's words when an order is refused at the bench because of its label."""
    return (
        f"Order {order.number} cannot be packed: its label could not be made ({problem}). "
        "Nothing was counted. Put it aside for a supervisor, who corrects the address "
        f"(main.py address {order.number} --FIELD VALUE --supervisor BADGE), then scan it again."
    )
