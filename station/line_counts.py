"""The verification rule: does this unit belong in this box, and how many."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from station.verdicts import LineView, VerdictKind


@dataclass
class LineCount:
    """One order line as the bench sees it, with the units scanned so far."""

    line_id: uuid.UUID
    line_no: int
    sku: str
    name: str
    image: str | None
    expected: int
    scanned: int = 0
    weight_g: int = 0  # one unit, from the catalog

    def view(self) -> LineView:
        return LineView(self.line_no, self.sku, self.name, self.image, self.scanned, self.expected)


@dataclass(frozen=True)
class Outcome:
    kind: VerdictKind
    line: LineCount | None


def verify_units(lines: list[LineCount], sku: str, units: int) -> Outcome:
    """Judge `units` units of `sku` against the order; counts nothing itself.

    A case worth more units than the line still needs is an over-scan as a
    whole: counting part of a case would leave the box and the count apart.
    """
    line = next((candidate for candidate in lines if candidate.sku == sku), None)
    if line is None:
        return Outcome(VerdictKind.WRONG_ITEM, None)
    after = line.scanned + units
    if after > line.expected:
        return Outcome(VerdictKind.OVER_SCAN, line)
    others_complete = all(c.scanned >= c.expected for c in lines if c is not line)
    if after == line.expected and others_complete:
        return Outcome(VerdictKind.ORDER_COMPLETE, line)
    if after == line.expected:
        return Outcome(VerdictKind.LINE_COMPLETE, line)
    return Outcome(VerdictKind.OK, line)


def order_complete(lines: list[LineCount]) -> bool:
    return all(line.scanned >= line.expected for line in lines)
