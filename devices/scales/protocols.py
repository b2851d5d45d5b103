"""The scale protocols by name: how frames end, how to ask, how to parse, the usual line settings.

`SerialScale` and `ScaleSimulator` look protocols up here, so a new protocol
is one parser module and one entry below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

import serial

from devices.scales.cas import parse_cas
from devices.scales.mt_sics import STABLE_WEIGHT, parse_mt_sics
from devices.scales.nci import ETX, WEIGHT_COMMAND, parse_nci
from devices.scales.reading import Reading

ProtocolName = Literal["mt-sics", "nci", "cas"]
PROTOCOL_NAMES: tuple[str, ...] = get_args(ProtocolName)

__all__ = [
    "PROTOCOL_NAMES",
    "Protocol",
    "ProtocolName",
    "parse_cas",
    "parse_mt_sics",
    "parse_nci",
    "protocol_named",
]


@dataclass(frozen=True)
class Protocol:
    """How to talk to one kind of scale.

    Attributes:
        name: the name used in settings.
        parse: one frame (decoded as Latin-1, terminator included or not) to a Reading.
        terminator: the byte that ends every frame the scale sends.
        poll: the command that asks for a stable weight; None for a scale that streams.
        bytesize, parity: the factory settings of such scales (both overridable).
    """

    name: str
    parse: Callable[[str], Reading]
    terminator: bytes
    poll: bytes | None
    bytesize: int = serial.EIGHTBITS
    parity: str = serial.PARITY_NONE


_PROTOCOLS: dict[str, Protocol] = {
    "mt-sics": Protocol("mt-sics", parse_mt_sics, b"\n", STABLE_WEIGHT),
    # NCI scales leave the factory at 9600 7E1.
    "nci": Protocol("nci", parse_nci, ETX, WEIGHT_COMMAND, serial.SEVENBITS, serial.PARITY_EVEN),
    "cas": Protocol("cas", parse_cas, b"\n", None),
}


def protocol_named(name: str) -> Protocol:
    """The protocol called `name`.

    Raises:
        ValueError: no such protocol; the message lists the known ones.
    """
    try:
        return _PROTOCOLS[name]
    except KeyError:
        raise ValueError(
            f"unknown scale protocol {name!r}; known: {', '.join(PROTOCOL_NAMES)}"
        ) from None
