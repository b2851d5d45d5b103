"""What a scale said, in grams, whatever protocol and unit it spoke.

Every parser turns one frame into a `Reading` or raises `FrameError`. A frame
the protocol documents but that carries no usable weight (busy, overload, an
error reply) is still a `Reading`, with `grams=None`; only input that is not
the protocol at all (line noise, a wrong baud rate, a foreign format) is a
`FrameError`, so the reader can log it and carry on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class ScaleStatus(StrEnum):
    """The values `Reading.status` takes."""

    STABLE = "stable"
    UNSTABLE = "unstable"  # in motion: the weight is shown but not settled
    BUSY = "busy"  # MT-SICS "S I": no stable value within the balance's own timeout
    OVERLOAD = "overload"
    UNDERLOAD = "underload"
    NO_WEIGHT = "no weight"  # a status-only reply, or the display shows a message
    ERROR = "error"  # the scale reports a fault or refused the command


@dataclass(frozen=True)
class Reading:
    """One reply from a scale.

    Attributes:
        grams: the weight rounded to whole grams, or None when the frame has none.
        stable: True only for a settled weight; then `grams` is never None.
        status: a `ScaleStatus` value (a plain str, so callers may compare with text).
        detail: what the scale said beyond the status, for logs and messages.
    """

    grams: int | None
    stable: bool
    status: str
    detail: str = ""

    def __post_init__(self) -> None:
        # The one promise callers rely on: a stable reading always has a weight.
        if self.stable and (self.grams is None or self.status != ScaleStatus.STABLE):
            raise ValueError(f"a stable reading needs a weight and status 'stable': {self!r}")


class FrameError(ValueError):
    """The input is not a frame of the expected protocol; the message says why."""


# Exact factors (the pound and ounce are defined in grams), so that
# conversion never picks up binary floating-point error.
GRAMS_PER_UNIT: dict[str, Decimal] = {
    "g": Decimal(1),
    "kg": Decimal(1000),
    "lb": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
}

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def to_grams(value: str, unit: str) -> int:
    """Convert a displayed number and unit to whole grams, rounding half away from zero.

    Raises:
        FrameError: the number is malformed or the unit is not g, kg, lb or oz.
    """
    factor = GRAMS_PER_UNIT.get(unit.lower())
    if factor is None:
        raise FrameError(f"unit {unit!r} is not supported; set the scale to g, kg, lb or oz")
    if _NUMBER.fullmatch(value) is None:
        raise FrameError(f"weight {value!r} is not a number")
    return int((Decimal(value) * factor).to_integral_value(rounding=ROUND_HALF_UP))


def from_grams(grams: int, unit: str, places: int) -> str:
    """Express whole grams in `unit` with `places` decimals (the simulator's display)."""
    quantum = Decimal(1).scaleb(-places)
    value = (Decimal(grams) / GRAMS_PER_UNIT[unit]).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{value:.{places}f}"
