"""How a courier's tracking numbers are built from a serial out of a number range."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from station.couriers.check_digits import is_valid_mod10, is_valid_s10, make_mod10, make_s10

S10_SERIAL_DIGITS = 8
MAX_SERIAL_DIGITS = 18  # 10**18 - 1 still fits SQLite's 64-bit INTEGER


class Scheme(StrEnum):
    S10 = "s10"  # UPU S10: 2 letters, 8-digit serial, mod-11 check digit, country
    MOD10 = "mod10"  # digits: prefix, serial, GS1 mod-10 check digit


@dataclass(frozen=True)
class TrackingScheme:
    """A scheme with its fixed parts; only the serial changes from parcel to parcel.

    For S10, `prefix` is the two-letter service indicator (e.g. "CP" for parcels)
    and `country` the issuing country. For mod 10, `prefix` is digits (it is part
    of what the check digit covers) and `serial_digits` the zero-padded width.
    """

    scheme: Scheme
    prefix: str
    country: str = ""
    serial_digits: int = S10_SERIAL_DIGITS

    @property
    def max_serial(self) -> int:
        return int(10**self.serial_digits) - 1

    @property
    def length(self) -> int:
        """Characters in a full tracking number."""
        extra = len(self.country) if self.scheme is Scheme.S10 else 0
        return len(self.prefix) + self.serial_digits + 1 + extra

    def format(self, serial: int) -> str:
        """The tracking number for `serial`.

        Raises:
            ValueError: the serial does not fit the scheme (a range set up wrong).
        """
        if not 0 <= serial <= self.max_serial:
            raise ValueError(f"serial {serial} is outside 0..{self.max_serial}")
        if self.scheme is Scheme.S10:
            return make_s10(self.prefix, serial, self.country)
        return make_mod10(self.prefix, serial, self.serial_digits)

    def is_valid(self, tracking: str) -> bool:
        """True if `tracking` is one of this scheme's numbers: parts and check digit right."""
        if len(tracking) != self.length or not tracking.startswith(self.prefix):
            return False
        if self.scheme is Scheme.S10:
            return tracking.endswith(self.country) and is_valid_s10(tracking)
        return is_valid_mod10(tracking)
