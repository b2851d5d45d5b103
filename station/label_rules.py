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

from station.characters import first_unprintable, first_unscannable

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
