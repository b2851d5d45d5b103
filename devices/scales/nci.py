"""Avery Weigh-Tronix / NCI / Brecknell "NCI standard" protocol (SCP-01, as on the 3835).

The host sends `W<CR>`; the scale answers with the displayed weight and its
status, and ends the answer with ETX:

    <LF>xxxx.xxuu<CR><LF>hh<CR><ETX>     weight, unit, status bytes
    <LF>xxlb<SP>xx.xoz<CR><LF>hh<CR><ETX> pounds and ounces
    <LF>hh<CR><ETX>                      status only (the answer to S or Z)
    <LF>?<CR><ETX>                       command not recognised

`uu` is lb, kg, oz or g, in either case. When the display shows no weight
(over capacity dashes, a message) the weight line holds that text instead.

The status is two or more bytes. Bits 4 and 5 of each are always 1 (so a
healthy, settled scale sends "00"), bit 7 is parity and is ignored here:

    bit  byte 1            byte 2                  byte 3 (optional)
    0    1 = in motion     1 = under capacity      range (bits 0-1)
    1    1 = at zero       1 = over capacity
    2    1 = RAM error     1 = ROM error           1 = net weight
    3    1 = EEPROM error  1 = faulty calibration  1 = initial zero error
    6    always 0          1 = a byte follows      1 = a byte follows

A frame is refused when bits 4-5 are not set, or when byte 1 or the last
byte claims that a byte follows.

Accepted framing: the trailing ETX is optional (the reader splits frames on
it), and CR and LF both just separate lines, so a scale that sends CR LF, or
no leading LF, is read as well. A frame must have one or two non-empty lines:
the status last, the weight (or display text) before it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from devices.scales.reading import FrameError, Reading, ScaleStatus, to_grams

WEIGHT_COMMAND = b"W\r"
ETX = b"\x03"

_DECIMAL = re.compile(r"(-?) *(\d+(?:\.\d*)?|\.\d+) *([A-Za-z]{1,2})")
_POUNDS_OUNCES = re.compile(r"(-?) *(\d+) *lb +(\d+(?:\.\d*)?) *oz", re.IGNORECASE)

# (byte index, bit, what it means) for every status bit that makes the reading unusable.
_ERROR_BITS = (
    (0, 2, "RAM error"),
    (0, 3, "EEPROM error"),
    (1, 2, "ROM error"),
    (1, 3, "faulty calibration"),
    (2, 3, "initial zero error"),
)


def parse_nci(frame: str) -> Reading:
    """Parse one NCI answer, from its leading LF up to (optionally) its ETX.

    Raises:
        FrameError: the frame does not have the NCI shape or valid status bytes.
    """
    lines = [line.strip(" ") for line in re.split(r"[\r\n]+", frame.removesuffix("\x03"))]
    lines = [line for line in lines if line]
    if lines == ["?"]:
        return Reading(None, False, ScaleStatus.ERROR, "the scale did not recognise the command")
    if len(lines) not in (1, 2):
        raise FrameError(f"an NCI answer has 1 or 2 lines, this one has {len(lines)}")
    status = _status_bytes(lines[-1])
    problem = _problem(status)
    if problem is not None:
        return problem
    grams, display = _weight(lines[0]) if len(lines) == 2 else (None, "status only")
    if status[0] & 0x01:
        return Reading(grams, False, ScaleStatus.UNSTABLE)
    if grams is None:
        return Reading(None, False, ScaleStatus.NO_WEIGHT, display)
    return Reading(grams, True, ScaleStatus.STABLE)


def _status_bytes(text: str) -> list[int]:
    # Parity arrives in bit 7 when the port is opened 8N1 for a 7E1 scale.
    codes = [ord(char) & 0x7F if ord(char) <= 0xFF else 0 for char in text]
    # Bits 4 and 5 are always set; byte 1 and the last byte have no "byte follows".
    if (
        len(codes) < 2
        or any(code & 0x30 != 0x30 for code in codes)
        or (codes[0] & 0x40 or codes[-1] & 0x40)
    ):
        raise FrameError(f"{text!r} are not NCI status bytes")
    return codes + [0x30] * (3 - len(codes))


def _problem(status: list[int]) -> Reading | None:
    errors = [name for index, bit, name in _ERROR_BITS if status[index] >> bit & 1]
    if errors:
        return Reading(None, False, ScaleStatus.ERROR, ", ".join(errors))
    if status[1] & 0x02:
        return Reading(None, False, ScaleStatus.OVERLOAD, "over capacity")
    if status[1] & 0x01:
        return Reading(None, False, ScaleStatus.UNDERLOAD, "under capacity")
    return None


def _weight(text: str) -> tuple[int | None, str]:
    """The weight line in grams, or None and the display text when it is not a weight."""
    decimal = _DECIMAL.fullmatch(text)
    if decimal is not None:
        sign, number, unit = decimal.groups()
        return to_grams(sign + number, unit), text
    pounds_ounces = _POUNDS_OUNCES.fullmatch(text)
    if pounds_ounces is not None:
        sign, pounds, ounces = pounds_ounces.groups()
        # Sum in ounces before rounding, so the two parts are rounded once, not twice.
        total_oz = Decimal(pounds) * 16 + Decimal(ounces)
        return to_grams(f"{sign}{total_oz:f}", "oz"), text
    return None, text
