"""ZPL read the way a printer reads it, for tests; and a simulator for a test's duration.

The reader does not trust the renderer: every ^ or ~ in the bytes starts a
command, wherever it is, as on a Zebra. Field data is decoded with the
printer's rules: ^FH turns `_XX` into the byte XX, and inside a field block
(^FB) `\\&` is a line break and `\\\\` a backslash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from devices.printers.zpl_simulator import SimulatedState, ZplSimulator
from station.labels import Address, LabelContent

_HEX = re.compile(r"[0-9A-Fa-f]{2}")
JOB = "3f2a9c1e-7b44-4d0e-9a51-2f0c8e6d1b73"
SENDER = Address("PackStation Demo Warehouse", "1 Logistics Way", "Springfield", "12345", "US")
SHIP_TO = Address("Jan de Vries", "Keizersgracht 12", "Amsterdam", "1015 CS", "NL", "+31 20 1234")


def make_label(ship_to: Address = SHIP_TO, **changes: object) -> LabelContent:
    """A typical label; `changes` replace any other field."""
    values: dict[str, object] = {
        "sender": SENDER,
        "ship_to": ship_to,
        "order_number": "SO-100001",
        "courier": "PostNL",
        "service": "Standard",
        "tracking": "1Z999AA10123456784",
        "parcel_no": 1,
        "parcel_count": 2,
        "weight_g": 1250,
    }
    values.update(changes)
    return LabelContent(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Command:
    prefix: str  # "^" (format) or "~" (control, run at once even inside a label)
    name: str  # two characters, upper case: XA, FO, A0, FB, FD, ...
    params: str  # everything up to the next prefix


@dataclass
class Field:
    """The commands from ^FO to ^FS, and the field data as it would print."""

    x: int
    y: int
    commands: dict[str, str] = field(default_factory=dict)
    text: str = ""

    @property
    def block(self) -> tuple[int, int, int] | None:
        """(width, lines, line gap) of a ^FB field."""
        if "FB" not in self.commands:
            return None
        width, lines, gap = self.commands["FB"].split(",")[:3]
        return int(width), int(lines), int(gap)

    @property
    def font_size(self) -> int:
        return int(self.commands["A0"].split(",")[1])


def commands(zpl: bytes) -> list[Command]:
    text = zpl.decode("utf-8")
    starts = [m.start() for m in re.finditer(r"[\^~]", text)]
    found = []
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        chunk = text[start:end]
        found.append(Command(chunk[0], chunk[1:3].upper(), chunk[3:].rstrip("\r\n")))
    return found


def fields(zpl: bytes) -> list[Field]:
    found: list[Field] = []
    current: Field | None = None
    for command in commands(zpl):
        if command.name == "FO":
            x, y = command.params.split(",")[:2]
            current = Field(int(x), int(y))
        elif current is not None and command.name == "FS":
            found.append(current)
            current = None
        elif current is not None:
            current.commands[command.name] = command.params
            if command.name == "FD":
                current.text = decode_field(command.params, current.commands)
    return found


def decode_field(data: str, field_commands: dict[str, str]) -> str:
    if "FH" in field_commands:
        data = decode_hex(data, field_commands["FH"] or "_")
    if "FB" in field_commands:
        data = decode_block(data)
    return data


def decode_hex(data: str, indicator: str) -> str:
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == indicator:
            pair = data[i + 1 : i + 3]
            if not _HEX.fullmatch(pair):
                raise ValueError(f"a hex indicator without two hex digits at {i} in {data!r}")
            out.append(int(pair, 16))
            i += 3
        else:
            out += data[i].encode("utf-8")
            i += 1
    return out.decode("utf-8")


def decode_block(data: str) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(1) == "&":
            return "\n"
        if match.group(1) == "\\":
            return "\\"
        raise ValueError(f"a lone backslash in a field block: {data!r}")

    return re.sub(r"\\(.?)", replace, data, flags=re.DOTALL)


@contextmanager
def zpl_simulator(state: SimulatedState = SimulatedState.READY) -> Iterator[ZplSimulator]:
    with ZplSimulator(port=0, state=state) as simulator:
        yield simulator
