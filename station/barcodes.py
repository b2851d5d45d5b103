"""Scan normalisation: keep what the scanner sent, derive the keys we match on.

A scan is matched in two ways. Badges, order numbers and command barcodes are
compared by `text`: the payload as printed, without the scanner's AIM
symbology prefix. Products are looked up by `code`: the same trade item can be
printed as UPC-A, EAN-13, GTIN-14 or inside a GS1 element string with lot and
expiry, and all of these must find the one product, so every valid GTIN becomes
its 14-digit form. Anything that is not a valid GTIN is left exactly as typed:
an order number like "100234" or a badge "012345678901" must not be padded,
trimmed or otherwise rewritten.

GS1 element strings are read by biip, which knows every application identifier
of the GS1 General Specifications with its length, character set and check
digits. Which strings are element strings at all is decided here, because biip
would also read plain text as one (an order number "100234" is a valid lot
"(10)0234" to it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from biip import ParseError
from biip.gs1_element_strings import GS1ElementString
from biip.gs1_messages import GS1Message

from station.characters import GS as GS  # re-exported: GS1 callers know it from here
from station.characters import scan_chars_only

GTIN_LENGTHS = frozenset({8, 12, 13, 14})

# AIM identifier: "]", a symbology letter, a modifier character (ISO/IEC 15424).
_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")
# Symbologies whose payload is by definition a GS1 element string (FNC1 first).
_GS1_SYMBOLOGIES = frozenset({"]C1", "]d2", "]Q3", "]e0", "]J1"})
_DIGITS = re.compile(r"[0-9]+")
# GS1 net weight in kilograms: AI 3100 to 3105, the last digit counts the decimals.
_NET_WEIGHT_KG_AIS = tuple(f"310{decimals}" for decimals in range(6))


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
        expiry: GS1 AI 17 as "YYYY-MM-DD" (day 00: the month's last day; the
            century by GS1's rule, within 49 years back and 50 ahead of today).
        serial: GS1 AI 21.
        net_weight_g: GS1 AI 310n (net weight in kg) in whole grams.
    """

    raw: str
    text: str
    code: str
    symbology: str | None = None
    gtin: str | None = None
    lot: str | None = None
    expiry: str | None = None
    serial: str | None = None
    net_weight_g: int | None = None


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
    gtin = _value(elements, "01")
    expiry = elements["17"].date if "17" in elements else None
    return ParsedScan(
        raw=raw,
        text=text,
        code=gtin or text,
        symbology=symbology,
        gtin=gtin,
        lot=_value(elements, "10"),
        expiry=expiry.isoformat() if expiry else None,
        serial=_value(elements, "21"),
        net_weight_g=_net_weight_g(elements),
    )


def _without_controls(value: str) -> str:
    # Scanners on long cables or misconfigured wedges add stray STX/ETX, NUL or
    # DEL bytes; keeping them would make a good scan miss its badge or product.
    # GS stays: it is FNC1, which separates the fields of an element string.
    return scan_chars_only(value)


def _split_symbology(text: str) -> tuple[str | None, str]:
    if _AIM.match(text):
        return text[:3], text[3:].strip()
    return None, text


def _read_gs1(text: str, symbology: str | None) -> dict[str, GS1ElementString] | None:
    """Element strings of `text` by application identifier, or None for plain text.

    A bare GTIN is returned as AI 01 with its GTIN-14, so callers treat both alike.
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


def _bare(gtin: str | None) -> dict[str, GS1ElementString] | None:
    return None if gtin is None else {"01": GS1ElementString.parse("01" + gtin)}


def _parse_hri(text: str) -> dict[str, GS1ElementString] | None:
    """Parse the printed form "(01)...(17)...(10)..."; None unless all of it is read.

    People type it with spaces, as it appears under the bars; those go.
    """
    try:
        message = GS1Message.parse_hri(text)
    except ParseError:
        return None
    # biip skips what it cannot pair up; a stray character must make it text.
    if message.as_hri() != "".join(text.split()):
        return None
    return _by_ai(message)


def _parse_element_string(text: str) -> dict[str, GS1ElementString] | None:
    """Parse a raw element string, where GS (FNC1) ends each variable-length field."""
    try:
        return _by_ai(GS1Message.parse(text))
    except ParseError:
        return None


def _by_ai(message: GS1Message) -> dict[str, GS1ElementString] | None:
    """The element strings by AI; None if an AI repeats or a check digit is wrong."""
    elements = {element.ai.ai: element for element in message.element_strings}
    if len(elements) != len(message.element_strings):
        return None  # GS1 forbids an AI twice; which value would be meant?
    # biip reads a GTIN, SSCC or GLN with a wrong check digit and notes the error.
    if any(e.gtin_error or e.sscc_error or e.gln_error for e in elements.values()):
        return None
    return elements or None


def _value(elements: dict[str, GS1ElementString], ai: str) -> str | None:
    element = elements.get(ai)
    return element.value if element else None


def _net_weight_g(elements: dict[str, GS1ElementString]) -> int | None:
    for ai in _NET_WEIGHT_KG_AIS:
        kilograms = elements[ai].decimal if ai in elements else None
        if kilograms is not None:
            return round(kilograms * 1000)
    return None
