"""Tables of the courier package: the tracking number ranges a station holds.

Like every table of the store: client-made UUID keys, UTC timestamps and the
station the row belongs to.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from station.models import new_id, utc_now


class TrackingRange(SQLModel, table=True):
    """Serials `first_serial`..`last_serial` of one courier, given to one station.

    `next_serial` is the next one to hand out; past `last_serial` the range is
    used up. It only ever grows, in the transaction that stores the parcel
    using the number, so a number committed with a parcel is never handed out
    again, while one whose transaction rolled back (no label printed) is.
    """

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    station: str = Field(index=True)
    profile_id: str = Field(index=True)
    # BIGINT: serials reach 10**18 - 1; SQLite stores 64 bits anyway, a central
    # database that stations sync into would not in a plain INTEGER.
    first_serial: int = Field(sa_type=BigInteger)
    last_serial: int = Field(sa_type=BigInteger)
    next_serial: int = Field(sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
