"""Mettler Toledo MT-SICS (level 0): the `S` and `SI` weight commands.

Commands end with CR LF. `S` asks for the next stable weight: the balance
waits until it settles and answers `S S <value> <unit>`, or `S I` when it
cannot within its own timeout. `SI` answers at once, `S D` (dynamic) while in
motion. The answer is one line ending in CR LF:

    S S      100.00 g     stable weight
    S D      100.00 g     dynamic (unstable) weight, from SI only
    S I                   command understood, not executable now (busy, unstable)
    S +  /  S -           above / below the weighing range
    S L                   logical error for this command (e.g. wrong parameter)
    ES / ET / EL          syntax error / transmission error / logical error

The value is right-aligned in a 10-character field; the amount of padding is
not relied on.
"""

from __future__ import annotations

import re

from devices.scales.reading import FrameError, Reading, ScaleStatus, to_grams

STABLE_WEIGHT = b"S\r\n"
IMMEDIATE_WEIGHT = b"SI\r\n"

_FIXED: dict[str, Reading] = {
    "S I": Reading(None, False, ScaleStatus.BUSY, "not stable within the balance's timeout"),
    "S +": Reading(None, False, ScaleStatus.OVERLOAD, "above the weighing range"),
    "S -": Reading(None, False, ScaleStatus.UNDERLOAD, "below the weighing range"),
    "S L": Reading(None, False, ScaleStatus.ERROR, "the balance cannot execute S now"),
    "ES": Reading(None, False, ScaleStatus.ERROR, "syntax error: command not recognised"),
    "ET": Reading(None, False, ScaleStatus.ERROR, "transmission error: command garbled"),
    "EL": Reading(None, False, ScaleStatus.ERROR, "logical error: command not executable"),
}

# Matched after runs of whitespace are collapsed to one space.
_WEIGHT = re.compile(r"S ([SD]) ([+-]?) ?(\d+(?:\.\d*)?|\.\d+) (\S+)")


def parse_mt_sics(line: str) -> Reading:
    """Parse one MT-SICS response line (with or without its CR LF).

    Raises:
        FrameError: the line is not an S/SI response or an error reply.
    """
    text = " ".join(line.split())
    fixed = _FIXED.get(text)
    if fixed is not None:
        return fixed
    match = _WEIGHT.fullmatch(text)
    if match is None:
        raise FrameError("not an MT-SICS weight response or error reply")
    kind, sign, number, unit = match.groups()
    grams = to_grams(sign + number, unit)
    if kind == "S":
        return Reading(grams, True, ScaleStatus.STABLE)
    return Reading(grams, False, ScaleStatus.UNSTABLE)
