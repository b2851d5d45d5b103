"""The connection states of a scale: the shared device states."""

from __future__ import annotations

from devices.state import DeviceState

# Scales use the same states as every device; the name stays for readability
# where scale code reports them.
ScaleState = DeviceState

# A reading can only come from a port that is, or may soon be, open.
MAY_READ = frozenset({DeviceState.CONNECTING, DeviceState.READY})
