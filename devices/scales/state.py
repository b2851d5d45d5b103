"""The connection states of a scale.

devices/state.py did not exist when the scales were written; if a shared
`DeviceState` lands there, this enum can become an alias of it.
"""

from __future__ import annotations

from enum import Enum


class ScaleState(Enum):
    CONNECTING = "connecting"  # the first attempt to open the port
    READY = "ready"  # the port is open and being read
    DISCONNECTED = "disconnected"  # the port could not be opened or went away; retrying
    CLOSED = "closed"  # stopped by close(), or not started yet


# A reading can only come from a port that is, or may soon be, open.
MAY_READ = frozenset({ScaleState.CONNECTING, ScaleState.READY})
