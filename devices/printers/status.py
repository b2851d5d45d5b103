"""What a label printer says about itself, in one enum for every printer language.

Modelled on OctoPrint's connection states: an explicit enum plus named sets of
states, so callers ask "can it print?" rather than comparing flags. These are
finer than devices.state.DeviceState (which says only whether a connection
works): a printer can be connected and out of paper, and the packer needs to
know which. `PrinterStatus.device_state` gives the common word for the UI.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from devices.state import DeviceState


class PrinterState(enum.Enum):
    READY = "ready"
    PAPER_OUT = "paper_out"
    HEAD_OPEN = "head_open"
    RIBBON_OUT = "ribbon_out"
    PAUSED = "paused"
    OFFLINE = "offline"
    BUFFER_FULL = "buffer_full"
    ERROR = "error"
    PAPER_LOW = "paper_low"
    UNREACHABLE = "unreachable"
    UNKNOWN = "unknown"


# A label sent in one of these states would not come out now: don't send it,
# tell the packer why, and let the print queue try again.
BLOCKING = frozenset(
    {
        PrinterState.PAPER_OUT,
        PrinterState.HEAD_OPEN,
        PrinterState.RIBBON_OUT,
        PrinterState.PAUSED,
        PrinterState.OFFLINE,
        PrinterState.BUFFER_FULL,
        PrinterState.ERROR,
        PrinterState.UNREACHABLE,
    }
)

# When a printer reports several problems the packer hears the one to fix
# first: loading paper is pointless while the head is open, and a printer
# pauses itself when paper runs out, so "paused" comes after its cause.
_PRIORITY = (
    PrinterState.UNREACHABLE,
    PrinterState.HEAD_OPEN,
    PrinterState.PAPER_OUT,
    PrinterState.RIBBON_OUT,
    PrinterState.ERROR,
    PrinterState.OFFLINE,
    PrinterState.PAUSED,
    PrinterState.BUFFER_FULL,
    PrinterState.PAPER_LOW,
)

_MESSAGES = {
    PrinterState.READY: "Label printer is ready.",
    PrinterState.PAPER_OUT: "Label printer out of paper: load labels, the label prints by itself.",
    PrinterState.HEAD_OPEN: (
        "Label printer head or cover is open: close it, the label prints by itself."
    ),
    PrinterState.RIBBON_OUT: (
        "Label printer out of ribbon: load a new ribbon, the label prints by itself."
    ),
    PrinterState.PAUSED: (
        "Label printer is paused: press its pause button, the label prints by itself."
    ),
    PrinterState.OFFLINE: (
        "Label printer is offline: check its cover and paper, the label prints by itself."
    ),
    PrinterState.BUFFER_FULL: (
        "Label printer is busy (its memory is full): wait a moment, the label prints by itself."
    ),
    PrinterState.ERROR: (
        "Label printer reports an error: switch it off and on again, the label prints by "
        "itself. If the error stays, call a supervisor."
    ),
    PrinterState.PAPER_LOW: "Label printer paper is running low: have a new roll ready.",
    PrinterState.UNREACHABLE: (
        "Label printer cannot be reached: check that it is switched on and its cable is in, "
        "the label prints by itself."
    ),
    PrinterState.UNKNOWN: "Label printer did not say how it is.",
}


@dataclass(frozen=True)
class PrinterStatus:
    """One answer from a printer: the state that matters most, and all it reported.

    `detail` is for the log (the raw answer or the connection error), never
    for the packer.
    """

    state: PrinterState
    problems: frozenset[PrinterState] = frozenset()
    detail: str = ""

    @classmethod
    def from_problems(cls, problems: Iterable[PrinterState], detail: str = "") -> PrinterStatus:
        found = frozenset(problems)
        state = next((s for s in _PRIORITY if s in found), PrinterState.READY)
        return cls(state, found, detail)

    @classmethod
    def unknown(cls, detail: str) -> PrinterStatus:
        return cls(PrinterState.UNKNOWN, frozenset(), detail)

    @classmethod
    def unreachable(cls, detail: str) -> PrinterStatus:
        return cls(PrinterState.UNREACHABLE, frozenset({PrinterState.UNREACHABLE}), detail)

    @property
    def blocks_printing(self) -> bool:
        return self.state in BLOCKING

    @property
    def message(self) -> str:
        """What the packer reads: what is wrong and what to do."""
        return _MESSAGES[self.state]

    @property
    def device_state(self) -> DeviceState:
        """The connection-level state shared with scanners and scales."""
        if self.state is PrinterState.UNREACHABLE:
            return DeviceState.DISCONNECTED
        if self.blocks_printing:
            return DeviceState.ERROR
        if self.state is PrinterState.UNKNOWN:
            return DeviceState.UNKNOWN  # said nothing: never claimed to be ready
        return DeviceState.READY


def unconfirmed(where: str, seconds: float) -> str:
    """What the packer reads about a label the printer has but did not confirm."""
    return (
        f"Label printer at {where} has the label but did not confirm it within {seconds:g} s: "
        "it may have printed."
    )
