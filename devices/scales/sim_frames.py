"""What the simulated scale says: each protocol's answers, built from a weight.

Pure functions, so the simulator's frames can be checked against the parsers
without a port.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.scales.reading import from_grams

# Decimals shown per unit: enough that grams -> display -> grams is exact.
PLACES = {"g": 0, "kg": 3, "lb": 3, "oz": 2}


@dataclass(frozen=True)
class SimWeight:
    """What is on the simulated platter."""

    grams: int = 0
    stable: bool = True
    overload: bool = False


def _value(weight: SimWeight, unit: str) -> str:
    return from_grams(weight.grams, unit, PLACES[unit])


def mt_sics_answer(command: str, weight: SimWeight, unit: str) -> bytes | None:
    """The answer to one MT-SICS command; None while `S` waits for the weight to settle."""
    if command not in ("S", "SI"):
        return b"ES\r\n"
    if weight.overload:
        return b"S +\r\n"
    if command == "S" and not weight.stable:
        return None
    return f"S {'S' if weight.stable else 'D'} {_value(weight, unit):>10} {unit}\r\n".encode()


def mt_sics_busy() -> bytes:
    """What `S` gets when the weight did not settle within the balance's timeout."""
    return b"S I\r\n"


def nci_answer(command: str, weight: SimWeight, unit: str) -> bytes:
    """The answer to one NCI command (W, S or Z); `<LF>?<CR><ETX>` to anything else."""
    motion = 0 if weight.stable else 0x01
    at_zero = 0x02 if weight.grams == 0 and not weight.overload else 0
    over = 0x02 if weight.overload else 0
    status = f"{chr(0x30 | motion | at_zero)}{chr(0x30 | over)}"
    if command in ("S", "Z"):
        return f"\n{status}\r\x03".encode()
    if command != "W":
        return b"\n?\r\x03"
    shown = "^^^^^^^" if weight.overload else f"{_value(weight, unit):>7}{unit}"
    return f"\n{shown}\r\n{status}\r\x03".encode()


def cas_line(weight: SimWeight, unit: str) -> bytes:
    """One line of CAS stream output, in the short form `ST,GS,+  1.234kg`."""
    if weight.overload:
        return f"OL,GS,+9999999{unit}\r\n".encode()
    value = _value(weight, unit)
    sign = "-" if value.startswith("-") else "+"
    head = "ST" if weight.stable else "US"
    return f"{head},GS,{sign}{value.lstrip('-'):>7}{unit}\r\n".encode()
