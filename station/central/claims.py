"""Order claims: a station's lease on an order, with a fencing number (see migration c0002).

Not wired to the bench yet: `claim_order` is what opening an order online
will call, `release_order` what packing or parking it will call.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, text

from station.central.connect import connected

LEASE_S = 120  # renewed while the order is open; a crashed station's claim lapses after it


@dataclass(frozen=True)
class Claim:
    """Who holds an order now, with which fencing number, until when (the server's clock)."""

    order_id: uuid.UUID
    station: str
    fence: int
    expires_at: datetime

    def held_by(self, station: str) -> bool:
        return self.station == station


def claim_order(engine: Engine, order_id: uuid.UUID, lease_s: int = LEASE_S) -> Claim:
    """Take or renew the order's lease; the returned Claim names the holder either way.

    Raises:
        CentralUnreachable: the central database cannot be reached.
        CentralError: this login is not a station's.
    """
    with connected(engine) as connection:
        station, fence, expires_at = connection.execute(
            text("SELECT * FROM central_claim_order(:order, :lease)"),
            {"order": order_id, "lease": lease_s},
        ).one()
    return Claim(order_id, station, int(fence), expires_at)


def release_order(engine: Engine, claim: Claim) -> bool:
    """Let the order go; False when this station no longer held it under that fence."""
    with connected(engine) as connection:
        released = connection.execute(
            text("SELECT central_release_order(:order, :fence)"),
            {"order": claim.order_id, "fence": claim.fence},
        ).scalar_one()
    return bool(released)
