"""Check a sealed parcel's weight against what its order says it holds.

Pure arithmetic on whole grams: no scale, no Qt. The device layer delivers a
stable weight; this module says whether it fits and what to tell the packer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


def expected_parcel_weight(items: Iterable[tuple[int, int]], box_tare_g: int) -> int:
    """The weight a correctly packed parcel should have.

    Args:
        items: (unit weight in grams, units packed) for each order line.
        box_tare_g: the empty box with its filler and tape.

    Raises:
        ValueError: a negative weight, count or tare (bad catalog data, not a parcel).
    """
    if box_tare_g < 0:
        raise ValueError(f"box tare must not be negative, got {box_tare_g} g")
    total = box_tare_g
    for weight_g, units in items:
        if weight_g < 0 or units < 0:
            raise ValueError(f"unit weight and count must not be negative: {weight_g} g x {units}")
        total += weight_g * units
    return total


@dataclass(frozen=True)
class WeightCheck:
    """The verdict on one weighed parcel.

    Attributes:
        ok: the measured weight is within the allowed difference.
        measured_g, expected_g: what the scale said and what the order says.
        difference_g: measured minus expected (negative when lighter).
        allowed_g: the largest difference that still passes.
    """

    ok: bool
    measured_g: int
    expected_g: int
    difference_g: int
    allowed_g: int

    @property
    def message(self) -> str:
        """One sentence for the packer, e.g. "Parcel weighs 1,230 g, expected 1,480 g ± 50 g:
        a unit may be missing — check the box."
        """
        facts = (
            f"Parcel weighs {self.measured_g:,} g, "
            f"expected {self.expected_g:,} g ± {self.allowed_g:,} g"
        )
        if self.ok:
            return f"{facts}: weight OK."
        if self.difference_g < 0:
            return f"{facts}: a unit may be missing — check the box."
        return f"{facts}: something extra may be in the box — check it."


def allowed_difference(expected_g: int, tolerance_g: int, tolerance_pct: float) -> int:
    """The largest difference in grams that passes: the smaller of the two tolerances.

    Why the smaller (min) and not the larger (max): the check exists to catch a
    unit left out (or one too many). With min, the band is never wider than
    `tolerance_g`, so setting `tolerance_g` below the lightest product's weight
    guarantees that any one missing unit is flagged, however heavy the parcel.
    With max, the percentage would widen the band as parcels get heavier (2 % of
    a 20 kg parcel is 400 g) until whole units vanish inside it without a word.
    The percentage then narrows the band for light parcels, where `tolerance_g`
    alone could swallow a light unit (a 30 g item in a 200 g parcel).

    The price is false alarms when the band gets narrower than the scale and the
    packaging can honestly hold: choose `tolerance_pct` so that it still covers
    the scale's accuracy on the lightest parcels you ship (e.g. 2 % of a 250 g
    parcel is 5 g, fine for a scale reading to 1 g). A false alarm costs a
    second look; a missing unit costs a complaint and a reshipment.

    The percentage is taken of `expected_g` as written (the decimal the setting
    shows, not its binary approximation) and rounded down to whole grams, which
    is exact: a whole-gram difference passes a fractional band iff it passes
    its floor.

    Raises:
        ValueError: a negative expected weight or tolerance, or a percentage that
            is not a finite number.
    """
    if expected_g < 0:
        raise ValueError(f"expected weight must not be negative, got {expected_g} g")
    if tolerance_g < 0:
        raise ValueError(f"tolerance must not be negative, got {tolerance_g} g")
    if not math.isfinite(tolerance_pct) or tolerance_pct < 0:
        raise ValueError(f"tolerance percentage must be 0 or more, got {tolerance_pct}")
    pct_band = math.floor(Decimal(expected_g) * Decimal(repr(tolerance_pct)) / 100)
    return min(tolerance_g, pct_band)


def check_weight(
    measured_g: int, expected_g: int, tolerance_g: int, tolerance_pct: float
) -> WeightCheck:
    """Whether a parcel weighs what it should.

    It passes when |measured_g - expected_g| <= min(tolerance_g, expected_g *
    tolerance_pct / 100); see `allowed_difference` for why min, not max.

    Raises:
        ValueError: as `allowed_difference`.
    """
    allowed = allowed_difference(expected_g, tolerance_g, tolerance_pct)
    difference = measured_g - expected_g
    return WeightCheck(
        ok=abs(difference) <= allowed,
        measured_g=measured_g,
        expected_g=expected_g,
        difference_g=difference,
        allowed_g=allowed,
    )
