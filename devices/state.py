"""The state of a device connection, in the same words for scanners, printers and scales.

The named sets answer "can it work now?" and "does someone need to know?" in one
place, so the UI and each device do not keep their own lists (as OctoPrint does
with its operational and error states).
"""

from __future__ import annotations

import enum


class DeviceState(enum.Enum):
    """Where a device connection is. Values are stable words for logs and the UI."""

    UNKNOWN = "unknown"  # not started yet
    CONNECTING = "connecting"  # opening the port for the first time
    READY = "ready"  # connected and usable
    DISCONNECTED = "disconnected"  # absent or lost; the device retries by itself
    ERROR = "error"  # present but unusable (in use, no permission, bad setting); still retrying
    CLOSED = "closed"  # stopped on purpose


OPERATIONAL = frozenset({DeviceState.READY})
FAULTED = frozenset({DeviceState.DISCONNECTED, DeviceState.ERROR})
