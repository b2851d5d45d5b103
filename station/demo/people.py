"""The demo's packers and their supervisor."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoPacker:
    badge: str
    name: str
    role: str  # "packer" or "supervisor"
    pin: str | None = None


DEMO_PACKERS: tuple[DemoPacker, ...] = (
    DemoPacker("BADGE-P001", "Alex Morgan", "packer"),
    DemoPacker("BADGE-P002", "Priya Patel", "packer"),
    DemoPacker("BADGE-P003", "Tomás Novák", "packer"),
    # The supervisor has a PIN so ship-short overrides can be tried out.
    DemoPacker("BADGE-S001", "Sam Rivera", "supervisor", pin="1234"),
)
