"""The audit trail's state in a few words, for a supervisor's screen: whole, or per station.

`audit_state` answers for a station's store; `station_states` per station,
from the store (`local_states`) or from the central database's copy
(`central_states`, once stations sync: from each station's verified mark,
station.audit.central_marks). All of them read and hash links and rows:
call them off the UI thread, on demand or rarely.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from station.audit.anchors import log_anchors, store_anchors
from station.audit.registry import SHARED_CHAINS
from station.audit.verify import Anchor, AuditReport, Problem, verify_chain
from station.store import Store


@dataclass(frozen=True)
class AuditState:
    ok: bool
    summary: str  # "intact: N links" or the first problem
    links: int
    last_anchor: Anchor | None
    first_problem: str | None = None
    problems: int = 0  # how many problems in all (the summary names the first)


def full_report(store: Store, log_dir: Path | None = None) -> AuditReport:
    """Verify the store's chain against its own anchors and those in `log_dir`."""
    anchors = store_anchors(store) + (log_anchors(log_dir) if log_dir else [])
    with store.engine.connect() as connection:
        return verify_chain(connection, anchors)


def audit_state(store: Store, log_dir: Path | None = None) -> AuditState:
    """Verify the whole chain: about 5,000 events a second, so minutes on a year's store.

    Call it off the UI thread, on demand or rarely (not at every dashboard refresh).
    """
    return _state(full_report(store, log_dir))


def local_states(store: Store, log_dir: Path | None = None) -> dict[str, AuditState]:
    """Each station's state in this store (a bench's store holds its own station's chain)."""
    return station_states(full_report(store, log_dir))


def central_states(central: Engine, stations: Sequence[str] = ()) -> dict[str, AuditState]:
    """Each station's state in the central database's copy (every station, for none).

    Raises CentralUnreachable as every central read does.
    """
    from station.audit.central_verify import verify_central

    return station_states(verify_central(central, stations))


def station_states(report: AuditReport) -> dict[str, AuditState]:
    """A report's verdict split by station, stations in name order.

    A problem no station owns (the chain's tables dropped, a packer's badge, role or
    PIN edited on the store's own chain or the central packer chain) makes every
    station broken: anyone may have signed in as a supervisor at any of them.
    """
    names = sorted((set(report.heads) | {p.station for p in report.problems}) - SHARED_CHAINS)
    shared = [problem for problem in report.problems if problem.station in SHARED_CHAINS]
    states: dict[str, AuditState] = {}
    for name in names:
        own = AuditReport(
            links=_links_of(report, name),
            heads={name: report.heads[name]} if name in report.heads else {},
            anchors=[anchor for anchor in report.anchors if anchor.station == name],
            problems=[p for p in report.problems if p.station == name] + shared,
        )
        states[name] = _state(own)
    return states


def _links_of(report: AuditReport, station: str) -> int:
    # A chain that verifies numbers its links 1..head; a broken one is named anyway.
    return report.heads.get(station, 0)


def _state(report: AuditReport) -> AuditState:
    first: Problem | None = report.first()
    if first is None:
        return AuditState(
            True, f"intact: {report.links} links", report.links, report.newest_anchor()
        )
    return AuditState(
        False,
        f"BROKEN: {first.message}",
        report.links,
        report.newest_anchor(),
        first.message,
        len(report.problems),
    )
