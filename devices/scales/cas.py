"""CAS continuous output ("stream mode"): the indicator sends a line per reading, unasked.

Two layouts of the same line are accepted, both ending in CR LF:

    ST,GS,+  1.234kg         the common short form (also what A&D sends)
    ST,GS,<id><lamp>,  1.234 kg
                             the CAS 22-byte form: a device-ID byte and a lamp
                             status byte (bit 7 set, so not ASCII) before the data

The first field is ST (stable), US (unstable) or OL (overload; a minus sign
in the data means under the range); the second is GS (gross) or NT (net).
The data is a signed number with a decimal point, then the unit (g, kg, lb
or oz). The 10-byte form without headers carries no stability and is refused.
"""

from __future__ import annotations

import re

from devices.scales.reading import FrameError, Reading, ScaleStatus, to_grams

_HEADER = re.compile(r"(ST|US|OL),(GS|NT),(.*)", re.DOTALL)
_DATA = re.compile(r" *([+-]?) *(\d+(?:\.\d*)?|\.\d+) *([A-Za-z]{1,2}) *")


def parse_cas(line: str) -> Reading:
    """Parse one CAS stream line (with or without its CR LF).

    Raises:
        FrameError: the line has no ST/US/OL header or no readable weight.
    """
    header = _HEADER.fullmatch(line.strip("\r\n"))
    if header is None:
        raise FrameError("not a CAS line: expected ST, US or OL, then GS or NT")
    state, _mode, data = header.groups()
    if len(data) > 2 and data[2] == ",":
        data = data[3:]  # the 22-byte form: skip the device-ID and lamp bytes
    if state == "OL":
        if data.strip().startswith("-"):
            return Reading(None, False, ScaleStatus.UNDERLOAD, "below the weighing range")
        return Reading(None, False, ScaleStatus.OVERLOAD, "above the weighing range")
    match = _DATA.fullmatch(data)
    if match is None:
        raise FrameError(f"CAS weight {data!r} is not a number and unit")
    sign, number, unit = match.groups()
    grams = to_grams(sign + number, unit)
    if state == "ST":
        return Reading(grams, True, ScaleStatus.STABLE)
    return Reading(grams, False, ScaleStatus.UNSTABLE)
