"""Scan normalisation: keep what the scanner sent, derive the keys we match on.

A scan is matched in two ways. Badges, order numbers and command barcodes are
compared by `text`: the payload as printed, without the scanner's AIM
symbology prefix. Products are looked up by `code`: the same trade item can be
printed as UPC-A, EAN-13, GTIN-14 or inside a GS1 element string with lot and
expiry, and all of these must find the one product, so every valid GTIN becomes
its 14-digit form. Anything that is not a valid GTIN is left exactly as typed:
an order number like "100234" or a badge "012345678901" must not be padded,
trimmed or otherwise rewritten.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass

GS = "\x1d"  # how scanners transmit FNC1 inside a GS1 element string

GTIN_LENGTHS = frozenset({8, 12, 13, 14})

# AIM identifier: "]", a symbology letter, a modifier character (ISO/IEC 15424).
_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")
# Symbologies whose payload is by definition a GS1 element string (FNC1 first).
_GS1_SYMBOLOGIES = frozenset({"]C1", "]d2", "]Q3", "]e0", "]J1"})
_DIGITS = re.compile(r"[0-9]+")
# One "(AI)value" pair of the human-readable form; values cannot hold "(" here.
_HRI_PAIR = re.compile(r"\(([0-9]{2,4})\)([^()\x1d]+)")

# Application identifiers we understand: fixed-length ones by their length,
# variable-length ones by their maximum. Other AIs make a string plain text,
# because guessing their length could silently misread the rest.
_FIXED_AIS = {"01": 14, "02": 14, "11": 6, "13": 6, "15": 6, "17": 6}
_VARIABLE_AIS = {"10": 20, "21": 20}
_DATE_AIS = frozenset({"11", "13", "15", "17"})


@dataclass(frozen=True)
class ParsedScan:
    """One scan, as received and as matched.

    Attributes:
        raw: exactly as received, minus trailing CR/LF/Tab.
        text: payload without AIM identifier and control characters, stripped;
            matched against badges, order numbers and command barcodes.
        code: product lookup key: the GTIN-14 when the scan carries a valid
            GTIN, otherwise equal to `text`.
        symbology: AIM identifier such as "]E0", or None.
        gtin: the GTIN-14, if any.
        lot: GS1 AI 10.
        expiry: GS1 AI 17 as "YYYY-MM-DD".
        serial: GS1 AI 21.
    """

    raw: str
    text: str
    code: str
    symbology: str | None = None
    gtin: str | None = None
    lot: str | None = None
    expiry: str | None = None
    serial: str | None = None


def gtin_check_digit(body: str) -> int:
    """GS1 mod-10 check digit of `body` (all digits except the check digit)."""
    if not _DIGITS.fullmatch(body):
        raise ValueError(f"GTIN body must be ASCII digits, got {body!r}")
    # Weights 3,1,3,... from the right, so leading zeros never change the result.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(digits: str) -> bool:
    """True for a GTIN-8, UPC-A (12), EAN-13 or GTIN-14 with a correct check digit."""
    if len(digits) not in GTIN_LENGTHS or not _DIGITS.fullmatch(digits):
        return False
    return gtin_check_digit(digits[:-1]) == int(digits[-1])


def to_gtin14(digits: str) -> str | None:
    """The 14-digit form of a valid GTIN, or None if `digits` is not one."""
    return digits.zfill(14) if is_valid_gtin(digits) else None


def normalise_code(text: str) -> str:
    """The key a catalog barcode is stored under: what a scan of it looks up."""
    return parse_scan(text).code


def parse_scan(raw: str) -> ParsedScan:
    """Split a scan into its raw form, its text and its product lookup key.

    Never raises: whatever cannot be read as a GTIN or GS1 element string is
    plain text.
    """
    raw = raw.rstrip("\r\n\t")
    symbology, text = _split_symbology(_without_controls(raw).strip())
    elements = _read_gs1(text, symbology)
    if elements is None:
        return ParsedScan(raw=raw, text=text, code=text, symbology=symbology)
    gtin = elements.get("01")
    return ParsedScan(
        raw=raw,
        text=text,
        code=gtin or text,
        symbology=symbology,
        gtin=gtin,
        lot=elements.get("10"),
        expiry=_iso_date(elements["17"]) if "17" in elements else None,
        serial=elements.get("21"),
    )


def _without_controls(value: str) -> str:
    # Scanners on long cables or misconfigured wedges add stray STX/ETX, NUL or
    # DEL bytes; keeping them would make a good scan miss its badge or product.
    # GS stays: it is FNC1, which separates the fields of an element string.
    return "".join(c for c in value if c == GS or unicodedata.category(c) != "Cc")


def _split_symbology(text: str) -> tuple[str | None, str]:
    if _AIM.match(text):
        return text[:3], text[3:].strip()
    return None, text


def _read_gs1(text: str, symbology: str | None) -> dict[str, str] | None:
    """Application identifiers of `text`, or None when it is plain text.

    A bare GTIN is returned as {"01": gtin14}, so callers treat both alike.
    """
    if text.startswith("("):
        return _parse_hri(text)
    gtin = to_gtin14(text)
    if symbology in _GS1_SYMBOLOGIES:
        # The symbology says "element string"; a bare GTIN is only a fallback.
        elements = _parse_element_string(text)
        return elements if elements is not None else _bare(gtin)
    if gtin is not None:
        return _bare(gtin)
    # Without a GS1 symbology identifier only an AI 01 start says "element
    # string"; a GTIN inside it must still pass its check digit, so a number
    # that merely starts with 01 stays text.
    return _parse_element_string(text) if text.startswith("01") else None


def _bare(gtin: str | None) -> dict[str, str] | None:
    return None if gtin is None else {"01": gtin}


def _parse_hri(text: str) -> dict[str, str] | None:
    """Parse "(01)...(17)...(10)..."; None unless the whole string is pairs."""
    pairs = list(_HRI_PAIR.finditer(text))
    if sum(len(m.group(0)) for m in pairs) != len(text):
        return None
    # People type the printed form with spaces, as it appears under the bars.
    return _checked_elements([(m.group(1), m.group(2).strip()) for m in pairs])


def _parse_element_string(text: str) -> dict[str, str] | None:
    """Parse a raw element string where GS ends each variable-length field."""
    pairs: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        ai = text[pos : pos + 2]
        pos += 2
        if ai in _FIXED_AIS:
            end = pos + _FIXED_AIS[ai]
        elif ai in _VARIABLE_AIS:
            found = text.find(GS, pos)
            end = len(text) if found < 0 else found
        else:
            return None
        pairs.append((ai, text[pos:end]))
        # FNC1 after a fixed-length field is redundant but legal.
        pos = end + 1 if text.startswith(GS, end) else end
    return _checked_elements(pairs)


def _checked_elements(pairs: list[tuple[str, str]]) -> dict[str, str] | None:
    elements: dict[str, str] = {}
    for ai, value in pairs:
        if ai in elements or not _valid_element(ai, value):
            return None
        elements[ai] = value
    return elements or None


def _valid_element(ai: str, value: str) -> bool:
    if ai in _FIXED_AIS:
        if len(value) != _FIXED_AIS[ai] or not _DIGITS.fullmatch(value):
            return False
        if ai in ("01", "02"):
            return is_valid_gtin(value)
        return ai not in _DATE_AIS or _iso_date(value) is not None
    if ai in _VARIABLE_AIS:
        return 0 < len(value) <= _VARIABLE_AIS[ai] and value.isprintable()
    return False


def _iso_date(yymmdd: str) -> str | None:
    """GS1 date YYMMDD as ISO; day 00 means the last day of the month.

    Years are read as 20YY rather than with GS1's sliding century window, so
    the same scan always parses the same way (replays, tests) for dates up to
    2099, which covers every expiry a packing bench will see.
    """
    year, month, day = 2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    if day == 0:
        day = last
    if day > last:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
