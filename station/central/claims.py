"""Order claims: a station's lease on an order, with a fencing number (migrations c0002, c0004).

The central calls: take or renew (`claim_order`), release or finish as packed
(`release_order`), look one order up (`claim_by_number`), and copy the live
claims into a station's mirror (`mirror_claims`, at each sync). The bench
makes them through its ClaimWorker (station/central/claim_worker.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, text

from station import claims
from station.central.connect import connected
from station.store import Store

LEASE_S = 120  # renewed while the order is open; a crashed station's claim lapses after it


@dataclass(frozen=True)
class Claim:
    """Who holds an order now, with which fencing number, until when (the server's clock)."""

    order_id: uuid.UUID
    station: str
    fence: int
    expires_at: datetime
    lease_left_s: float = 0.0  # expires_at less the server's now: no station clock involved
    packed: bool = False  # the holder packed the order: it keeps it for good

    def held_by(self, station: str) -> bool:
        return self.station == station


def claim_order(engine: Engine, order_id: uuid.UUID, lease_s: int = LEASE_S) -> Claim:
    """Take or renew the order's lease; the returned Claim names the holder either way.

    Raises:
        CentralUnreachable: the central database cannot be reached.
        CentralError: this login is not a station's.
    """
    with connected(engine) as connection:
        station, fence, expires_at, left, packed = connection.execute(
            text(
                "SELECT c.station, c.fence, c.expires_at, "
                "extract(epoch FROM c.expires_at - now())::float8, "
                "(SELECT o.packed_at IS NOT NULL FROM order_claim o WHERE o.order_id = :order) "
                "FROM central_claim_order(:order, :lease) c"
            ),
            {"order": order_id, "lease": lease_s},
        ).one()
    return Claim(order_id, station, int(fence), expires_at, float(left), bool(packed))


def release_order(engine: Engine, claim: Claim, *, packed: bool = False) -> bool:
    """Let the order go (`packed`: held by this station for good); False when this
    station no longer held it under that fence."""
    function = "central_finish_order" if packed else "central_release_order"
    with connected(engine) as connection:
        released = connection.execute(
            text(f"SELECT {function}(:order, :fence)"),
            {"order": claim.order_id, "fence": claim.fence},
        ).scalar_one()
    return bool(released)


_LIVE = text(
    "SELECT order_id, station, fence, extract(epoch FROM expires_at - now())::float8 "
    "FROM order_claim WHERE released_at IS NULL AND expires_at > now()"
)


def mirror_claims(engine: Engine, store: Store) -> int:
    """Copy the central database's live claims into the station's mirror; how many there are.

    Called at each sync, so that a bench that loses the link still knows which
    orders other stations were packing.
    """
    with connected(engine) as connection:
        live = [
            (order, holder, int(fence), float(left))
            for order, holder, fence, left in connection.execute(_LIVE)
        ]
        newest = connection.execute(text("SELECT coalesce(max(fence), 0) FROM order_claim"))
        newest_fence = int(newest.scalar_one())
    with store.write_lock, store.session() as db:
        claims.mirror_live_claims(db, live, newest_fence)
        db.commit()
    return len(live)


# One order's claim by number: holder, fence, lease left, packed, and whether it holds.
_ONE = text(
    "SELECT o.id, c.station, c.fence, extract(epoch FROM c.expires_at - now())::float8, "
    "c.packed_at IS NOT NULL, "
    "coalesce(c.packed_at IS NOT NULL OR (c.released_at IS NULL AND c.expires_at > now()), "
    "false) FROM orders o LEFT JOIN order_claim c ON c.order_id = o.id WHERE o.number = :number"
)


@dataclass(frozen=True)
class KnownClaim:
    """What the central database says of one order's claim, found by the order's number."""

    order_id: uuid.UUID
    station: str | None  # None: never claimed
    fence: int | None
    lease_left_s: float
    packed: bool
    holds: bool  # packed, or a live lease: the order is someone's


def claim_by_number(engine: Engine, number: str) -> KnownClaim | None:
    """The claim on the order with this number; None when there is no such order."""
    with connected(engine) as connection:
        row = connection.execute(_ONE, {"number": number}).first()
    if row is None:
        return None
    order, holder, fence, left, packed, holds = row
    return KnownClaim(
        order,
        holder,
        None if fence is None else int(fence),
        float(left or 0.0),
        bool(packed),
        bool(holds),
    )
