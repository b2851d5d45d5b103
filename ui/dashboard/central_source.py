"""Where the dashboard reads on an office PC: the central database, every station at once.

The same queries as on a station's store (station.supervisor.tables), on a
connection of the dashboard's worker. Finished days come from the central
database's saved day totals (station.supervisor.saved_days, filled by whoever
reads a day first). The central database not answering is a state the window
shows (CentralUnreachable, a UserError), never a traceback nor a frozen window:
every read runs on the dashboard's worker and a connection gives up after
CONNECT_TIMEOUT_S.

The exception queue is the stations' (a decision is an event of the station
that records it): here it lists what waits, read from the synced events, and
deciding stays at the bench.
"""

from __future__ import annotations

import logging
from datetime import tzinfo

from sqlalchemy import Engine, and_, exists, select
from sqlalchemy.orm import aliased

from station.audit.known import VERIFY_CENTRAL, central_known
from station.audit.state import Known
from station.central import schema
from station.central.connect import central_engine, connected, shown
from station.errors import UserError
from station.exception_queue import WaitingOrder
from station.models import Order, Packer
from station.supervisor.drill import OrderRef, Trail, order_trail, orders_behind
from station.supervisor.figures import EVERYONE, Filter, dashboard
from station.supervisor.formulas import EXCEPTION_OPENED, EXCEPTION_RESOLVED
from station.supervisor.period import Period
from station.supervisor.saved_days import CentralDays
from station.supervisor.tables import key
from ui.dashboard.source import Drill, Snapshot

log = logging.getLogger(__name__)

_DECIDING = (EXCEPTION_OPENED, *EXCEPTION_RESOLVED, "exception_released")


class CentralReader:
    """The dashboard's queries on the central database; called on the dashboard's worker."""

    verifies_here = False

    def __init__(self, url: str, tz: tzinfo, engine: Engine | None = None) -> None:
        self.engine = engine if engine is not None else central_engine(url)
        self.where = shown(self.engine.url)
        self.tz = tz

    def snapshot(self, period: Period, only: Filter = EVERYONE) -> Snapshot:
        """The figures of `only` (the station the supervisor picked, or all of them)."""
        with connected(self.engine) as connection:
            read = dashboard(connection, period, only, CentralDays(connection))
            waiting = self._waiting(connection, only)
        return Snapshot(
            period=period,
            only=only,
            by_packer=read.by_packer,
            by_station=read.by_station,
            hours=read.hours,
            days=read.days,
            mistakes=read.mistakes,
            reasons=read.reasons,
            waiting=waiting,
        )

    def orders(self, drill: Drill) -> list[OrderRef]:
        with connected(self.engine) as connection:
            refs = orders_behind(
                connection, drill.period, drill.figure, drill.by, drill.key, drill.only
            )
        if drill.what is not None:
            refs = [ref for ref in refs if ref.what == drill.what]
        return refs

    def waiting(self, only: Filter = EVERYONE) -> list[WaitingOrder]:
        with connected(self.engine) as connection:
            return self._waiting(connection, only)

    def _waiting(self, connection: object, only: Filter) -> list[WaitingOrder]:
        """Orders whose newest deciding event is their flagging, the longest waiting first."""
        event = schema.orderevent
        later = aliased(event)
        query = (
            select(
                event.c.order_id,
                event.c.station,
                event.c.created_at,
                event.c.data["reason"].astext,
                event.c.data["note"].astext,
                event.c.data["packer_id"].astext,
                Order.__table__.c.number,  # type: ignore[attr-defined]
            )
            .join(Order.__table__, Order.__table__.c.id == event.c.order_id)  # type: ignore[attr-defined]
            .where(event.c.kind == EXCEPTION_OPENED)
            .where(
                ~exists().where(
                    and_(
                        later.c.order_id == event.c.order_id,
                        later.c.kind.in_(_DECIDING),
                        later.c.created_at > event.c.created_at,
                    )
                )
            )
            .order_by(event.c.created_at)
        )
        if only.station is not None:
            query = query.where(event.c.station == only.station)
        rows = connection.execute(query).all()  # type: ignore[attr-defined]
        packers = {
            key(pid): (str(name), str(badge))
            for pid, name, badge in connection.execute(  # type: ignore[attr-defined]
                select(Packer.__table__.c.id, Packer.__table__.c.name, Packer.__table__.c.badge)  # type: ignore[attr-defined]
            )
        }
        return [
            WaitingOrder(
                order_id=order_id,
                number=str(number),
                reason=str(reason or ""),
                note=str(note or ""),
                flagged_by=packers.get(key(packer_id), ("", ""))[0] if packer_id else "",
                badge=packers.get(key(packer_id), ("", ""))[1] if packer_id else "",
                station=str(station),
                since=created,
            )
            for order_id, station, created, reason, note, packer_id, number in rows
        ]

    def trail(self, number: str) -> tuple[Trail | None, str | None]:
        with connected(self.engine) as connection:
            return order_trail(connection, number, self.tz), None

    def audit_known(self) -> list[Known]:
        """Each station's verified mark, the links synced since, its newest anchor."""
        with connected(self.engine) as connection:
            return central_known(connection)

    def verify(self) -> list[Known]:
        """Not from the dashboard: from a mark it takes seconds, without one hours, and
        only the database owner's login leaves marks."""
        raise UserError(
            "The dashboard does not verify the central copy: "
            f"{VERIFY_CENTRAL} with the central database owner's URL."
        )

    def close(self) -> None:
        self.engine.dispose()
