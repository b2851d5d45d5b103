"""Find a USB serial device again when it comes back under another name.

Unplug a USB-CDC scanner and plug it back, or into another socket, and the
system may call it /dev/ttyACM1 instead of /dev/ttyACM0 (COM4 instead of COM3).
What stays is its USB vendor and product id and, on most scanners, its serial
number; `serial.tools.list_ports` reports all three.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from serial.tools import list_ports


@dataclass(frozen=True)
class UsbIdentity:
    """What identifies one USB serial device whatever port name it gets."""

    vid: int
    pid: int
    serial_number: str | None

    def __str__(self) -> str:
        ids = f"USB {self.vid:04X}:{self.pid:04X}"
        return ids if self.serial_number is None else f"{ids} serial {self.serial_number}"


class PortFinder(Protocol):
    """Maps between port names and USB identities; injectable so tests can rename ports."""

    def identify(self, port: str) -> UsbIdentity | None:
        """The identity of the device at `port`, or None (not USB, or not there)."""

    def find(self, identity: UsbIdentity) -> str | None:
        """The one port where `identity` is plugged in now, or None."""


class ListPortsFinder:
    """`PortFinder` over pyserial's list of the system's ports."""

    def __init__(self, comports: Callable[[], Iterable[Any]] = list_ports.comports) -> None:
        # Any: pyserial has no type hints; items are serial.tools.list_ports_common.ListPortInfo.
        self._comports = comports

    def identify(self, port: str) -> UsbIdentity | None:
        wanted = _canonical(port)
        for info in self._comports():
            if info.vid is not None and _canonical(info.device) == wanted:
                return UsbIdentity(int(info.vid), int(info.pid), _serial(info))
        return None

    def find(self, identity: UsbIdentity) -> str | None:
        matches = [
            str(info.device)
            for info in self._comports()
            if info.vid == identity.vid
            and info.pid == identity.pid
            and _serial(info) == identity.serial_number
        ]
        # Two alike scanners without serial numbers cannot be told apart: guess neither,
        # so one bench's scanner never takes over another's id.
        return matches[0] if len(matches) == 1 else None


def _serial(info: Any) -> str | None:
    return None if info.serial_number is None else str(info.serial_number)


def _canonical(port: str) -> str:
    # /dev/serial/by-id/... links name the same device as /dev/ttyACM0; COM names ignore case.
    return os.path.realpath(port) if port.startswith("/") else port.upper()
