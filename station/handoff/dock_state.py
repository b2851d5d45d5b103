"""Where the dock stands: what it waits for, its open (or just closed) load, the answers.

Rebuilt from the store at a start (`resumed`): an open load survives a kill.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from station.handoff import loads
from station.handoff.tables import HandoffLoad, HandoffScan
from station.verdicts import Verdict, VerdictKind


class DockAwaiting(StrEnum):
    NOTHING = "nothing"
    ACKNOWLEDGEMENT = "acknowledgement"
    COURIER = "courier"  # CMD-LOAD was scanned: the courier's id comes next


@dataclass(frozen=True)
class LoadAnswer:
    """A verdict at the dock and where the load stands after it."""

    verdict: Verdict
    awaiting: DockAwaiting
    load: str | None = None  # the short load id
    courier: str | None = None
    count: int = 0  # parcels on the load so far
    load_open: bool = False  # `load` is open (else closed, or none)
    manifest: str | None = None  # a close: the manifest PDF's path
    parcels: int | None = None  # a close: how many parcels the manifest lists

    @property
    def kind(self) -> VerdictKind:
        return self.verdict.kind

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scan": self.verdict.scan,
            "verdict": self.verdict.kind.value,
            "order": self.verdict.order,
            "tracking": self.verdict.tracking,
            "load": self.load,
            "courier": self.courier,
            "count": self.count,
            "message": self.verdict.message,
        }
        if self.manifest is not None:
            out["manifest"] = self.manifest
            out["parcels"] = self.parcels
        return out


@dataclass
class DockState:
    """What the dock's memory holds between inputs; rebuilt from the store at a start."""

    load: HandoffLoad | None = None  # the open load
    count: int = 0
    driver: str = ""  # a name given by `@driver` before the close
    awaiting: DockAwaiting = DockAwaiting.NOTHING
    closed: HandoffLoad | None = None  # the load just closed, until another opens
    # The stop a restart finds waiting (its verdict), so the screen shows it again.
    stop: Verdict | None = None


def resumed(db: Session, station: str) -> DockState:
    """The dock as its last committed input left it (an open load survives a kill)."""
    last = loads.last_scan(db, station)
    load = loads.open_load(db, station)
    awaiting = DockAwaiting(last.awaiting) if last else DockAwaiting.NOTHING
    stop = None
    if last is not None and awaiting is DockAwaiting.ACKNOWLEDGEMENT:
        stop = Verdict(VerdictKind(last.verdict), last.raw, last.message, tracking=last.tracking)
    if load is None:
        closed = None
        if last is not None and last.load_id is not None:
            closed = db.get(HandoffLoad, last.load_id)
        count = loads.loaded_count(db, closed.id) if closed else 0
        return DockState(closed=closed, count=count, awaiting=awaiting, stop=stop)
    drivers = db.exec(
        select(HandoffScan.driver)
        .where(HandoffScan.load_id == load.id, HandoffScan.driver != "")
        .order_by(col(HandoffScan.seq).desc())
    ).first()
    return DockState(
        load=load,
        count=loads.loaded_count(db, load.id),
        driver=drivers or "",
        awaiting=awaiting,
        stop=stop,
    )
