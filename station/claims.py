"""Order claims at the bench: what the station knows of who packs which order, and its rules.

The central database is the authority on claims (station/central/claims.py),
but a verdict never waits for the network: opening an order is decided at
once from this station's mirror of claims (`orderclaim`) and the state of the
central link. The mirror holds, per order, the latest claim the station knows
of: its own (written by the claim worker when the central database grants or
refuses it) and other stations' live claims (pulled at each sync). A newer
claim replaces an older one only with a fencing number at least as high, so
an answer that arrives late never undoes a newer one.

Rules (README "Claims and double-packed orders"):
- another station's live claim refuses the order at once (`order_claimed_elsewhere`);
- offline with `offline_open = "claimed_only"`, only an order whose latest known
  claim is this station's opens (`order_needs_claim`); with "any", every order
  not known to be claimed elsewhere opens;
- an open order that the mirror later shows held by another station (the
  central claim was refused) leaves the bench at the next input, loudly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.sqlite import insert
from sqlmodel import Field, Session, SQLModel

from station.models import utc_now
from station.verdicts import VerdictKind

ANY = "any"
CLAIMED_ONLY = "claimed_only"


class OrderClaim(SQLModel, table=True):
    """The latest claim this station knows of on one order (local bookkeeping)."""

    order_id: uuid.UUID = Field(primary_key=True)
    station: str  # the holder
    fence: int
    # By this station's clock: when it was told, plus the lease the server had left.
    lease_until: datetime
    packed: bool = False  # the holder packed it: held for good, whatever the lease
    updated_at: datetime = Field(default_factory=utc_now)


@dataclass(frozen=True)
class Refusal:
    """Why this bench does not open an order now."""

    kind: VerdictKind
    message: str


def known_claim(db: Session, order_id: uuid.UUID) -> OrderClaim | None:
    return db.get(OrderClaim, order_id)


def held_elsewhere(db: Session, station: str, order_id: uuid.UUID) -> OrderClaim | None:
    """Another station's live claim on the order, as far as this station knows."""
    claim = known_claim(db, order_id)
    if claim is None or claim.station == station:
        return None
    if not claim.packed and claim.lease_until <= utc_now():
        return None
    return claim


def where(claim: OrderClaim) -> str:
    """Where the order is, in the words of a stop."""
    doing = "WAS PACKED" if claim.packed else "IS BEING PACKED"
    return f"{doing} AT {claim.station}"


def open_refusal(
    db: Session, station: str, order_id: uuid.UUID, number: str, online: bool, offline_open: str
) -> Refusal | None:
    """Whether this bench may open the order now; None when it may."""
    other = held_elsewhere(db, station, order_id)
    if other is not None:
        return Refusal(
            VerdictKind.ORDER_CLAIMED_ELSEWHERE,
            f"ORDER {number} {where(other)}: not opened here. Put the tote aside for a supervisor.",
        )
    if online or offline_open != CLAIMED_ONLY:
        return None
    mine = known_claim(db, order_id)
    if mine is not None and mine.station == station:
        return None
    return Refusal(
        VerdictKind.ORDER_NEEDS_CLAIM,
        f"Order {number} not opened: the central database is out of reach and this bench "
        "opens only orders it already holds (offline_open = claimed_only). "
        "Keep the tote until the link is back.",
    )


def remember(
    db: Session,
    order_id: uuid.UUID,
    station: str,
    fence: int,
    lease_left_s: float,
    *,
    packed: bool = False,
) -> None:
    """Record a claim the central database told of, unless a newer one is known."""
    now = utc_now()
    values = {
        "order_id": order_id,
        "station": station,
        "fence": fence,
        "lease_until": now + timedelta(seconds=max(lease_left_s, 0.0)),
        "packed": packed,
        "updated_at": now,
    }
    table = OrderClaim.__table__  # type: ignore[attr-defined]
    statement = insert(table).values(values)
    db.execute(
        statement.on_conflict_do_update(
            index_elements=["order_id"],
            set_={key: statement.excluded[key] for key in values if key != "order_id"},
            where=table.c.fence <= statement.excluded.fence,
        )
    )


def forget(db: Session, order_id: uuid.UUID, *, fence: int | None = None) -> None:
    """The claim is over (released, or gone centrally); with `fence`, only that one."""
    table = OrderClaim.__table__  # type: ignore[attr-defined]
    statement = delete(table).where(table.c.order_id == order_id)
    if fence is not None:
        statement = statement.where(table.c.fence <= fence)
    db.execute(statement)


def mirror_live_claims(
    db: Session, live: list[tuple[uuid.UUID, str, int, float]], newest_fence: int
) -> None:
    """The live claims the central database has now (`(order, holder, fence, lease left)`).

    Claims the mirror has that are no longer live there are forgotten, except
    newer ones than the snapshot (granted to this station since it was read).
    """
    table = OrderClaim.__table__  # type: ignore[attr-defined]
    live_orders = [order for order, _holder, _fence, _left in live]
    db.execute(
        delete(table).where(table.c.order_id.not_in(live_orders), table.c.fence <= newest_fence)
    )
    for order, holder, fence, left in live:
        remember(db, order, holder, fence, left)
