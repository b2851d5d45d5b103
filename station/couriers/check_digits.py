"""Check digits of tracking numbers: UPU S10 (mod 11) and GS1 mod 10.

S10 is the UPU standard for postal items: two service letters, an 8-digit
serial, a mod-11 check digit and the issuing country, e.g. ``RR473124829GB``.

For numeric parcel numbers we use the GS1 mod-10 check digit (weights 3, 1, 3, …
from the right), not Luhn. Both catch every single-digit error, but GS1 mod 10
is what an SSCC carries, so one algorithm serves plain parcel numbers and the
SSCC an express carrier encodes as GS1-128 ``(00)…``; it is also the one the
station already checks GTINs with.
"""

from __future__ import annotations

import re

from station.barcodes import gtin_check_digit

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_SERIAL8 = re.compile(r"[0-9]{8}")
_S10 = re.compile(r"[A-Z]{2}([0-9]{8})([0-9])[A-Z]{2}")
# ASCII digits only: str.isdigit() would also accept "٣" or "²".
_DIGITS = re.compile(r"[0-9]+")


def s10_check_digit(serial8: str) -> int:
    """The S10 check digit of an 8-digit serial.

    Raises:
        ValueError: `serial8` is not exactly 8 ASCII digits.
    """
    if not _SERIAL8.fullmatch(serial8):
        raise ValueError(f"an S10 serial is 8 digits, got {serial8!r}")
    check = 11 - sum(int(d) * w for d, w in zip(serial8, S10_WEIGHTS, strict=True)) % 11
    # 11 - r gives 1..11; S10 maps the two that are not one digit: 10 -> 0, 11 -> 5.
    return {10: 0, 11: 5}.get(check, check)


def is_valid_s10(tracking: str) -> bool:
    """True for a well-formed S10 number (upper case, no spaces) with the right check digit."""
    match = _S10.fullmatch(tracking)
    return match is not None and s10_check_digit(match[1]) == int(match[2])


def make_s10(service: str, serial: int, country: str) -> str:
    """The S10 number for a serial, e.g. ``make_s10("RR", 47312482, "GB")``."""
    serial8 = f"{serial:08d}"
    return f"{service}{serial8}{s10_check_digit(serial8)}{country}"


def mod10_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of `body` (every digit but the check digit).

    Raises:
        ValueError: `body` is empty or holds anything but ASCII digits.
    """
    return gtin_check_digit(body)


def is_valid_mod10(number: str) -> bool:
    """True for at least two ASCII digits whose last one is the GS1 mod-10 check of the rest."""
    if len(number) < 2 or not _DIGITS.fullmatch(number):
        return False
    return mod10_check_digit(number[:-1]) == int(number[-1])


def make_mod10(prefix: str, serial: int, serial_digits: int) -> str:
    """Prefix, zero-padded serial and check digit, e.g. ``make_mod10("0457", 42, 9)``."""
    body = f"{prefix}{serial:0{serial_digits}d}"
    return body + str(mod10_check_digit(body))
