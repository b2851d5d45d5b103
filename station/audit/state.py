"""The audit trail's state in a few words, for a supervisor's screen: whole, or per station.

Two kinds of answer. A verification: `full_report` of a station's store;
`station_states` per station, from the store (`local_states`) or from
the central database's copy (`central_states`, once stations sync: from each
station's verified mark, station.audit.central_marks). All of them read and
hash links and rows: call them off the UI thread, on demand or rarely.

And what is known without verifying (`Known`, read by station.audit.known at
every dashboard refresh): the last verification recorded, how many links came
after it, and the newest anchor. The newest anchor alone says nothing about
whether anyone walked the chain, so it is never the state, only a fact beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Literal

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


Level = Literal["verified", "unverified", "broken"]


@dataclass(frozen=True)
class Verification:
    """The last verification recorded for a station."""

    at: datetime
    seq: int  # clean: the link up to which the chain was found intact; else the head walked
    problem: str | None = None  # the first problem found (None: intact)
    problems: int = 0  # how many problems it found in all (0: intact, or not recorded)
    by: str | None = None  # who ran it (the central login), when known
    checks: str | None = None  # what it checked, in words ("store and log"), when known


@dataclass(frozen=True)
class Known:
    """What is known of one station's chain without walking it."""

    station: str
    head: int  # its newest link held here (0: none yet)
    verified: Verification | None
    anchor: tuple[int, datetime] | None  # the newest anchor's link and time
    how_to_verify: str  # what a supervisor runs or presses to verify, in words

    @property
    def level(self) -> Level:
        if self.verified is None:
            return "unverified"
        if self.verified.problem is not None or self.head < self.verified.seq:
            return "broken"
        return "verified" if self.head == self.verified.seq else "unverified"

    def words(self, tz: tzinfo) -> str:
        """The state as a supervisor reads it, the newest anchor as a fact beside it."""
        return f"{self.station}: {self._verdict(tz)} ({self._anchored(tz)})"

    def _verdict(self, tz: tzinfo) -> str:
        done = self.verified
        if done is None:
            return f"never verified - {self.how_to_verify}"
        at = _time(done.at, tz) + (f" by {done.by}" if done.by else "")
        checked = f" (checked: {done.checks})" if done.checks else ""
        if done.problem is not None:
            more = f" (and {done.problems - 1:,} more)" if done.problems > 1 else ""
            return (
                f"PROBLEM found by the verification at {at}{checked}: {done.problem}{more} "
                f"({self.how_to_verify} for the whole report; it exits 1)"
            )
        if self.head < done.seq:
            return (
                f"PROBLEM: the chain now ends at link {self.head}, before link {done.seq} "
                f"verified intact at {at}: links were removed - {self.how_to_verify}"
            )
        since = self.head - done.seq
        after = (
            "nothing recorded since"
            if since == 0
            else f"{since:,} event(s) recorded since, not yet verified"
        )
        return f"verified intact up to link {done.seq:,} at {at}{checked}; {after}"

    def _anchored(self, tz: tzinfo) -> str:
        if self.anchor is None:
            return "no anchor yet"
        seq, at = self.anchor
        return f"newest anchor: link {seq:,} at {_time(at, tz)}"


_WORST: dict[Level, int] = {"broken": 0, "unverified": 1, "verified": 2}


def summary(known: Sequence[Known], tz: tzinfo) -> tuple[str, Level]:
    """One line for the dashboard's bar: a station's state, or a count of each state."""
    if not known:
        return "Audit trail: no station has any event on its chain yet.", "unverified"
    level = min((station.level for station in known), key=_WORST.__getitem__)
    if len(known) == 1:
        return f"Audit trail: {known[0].words(tz)}", level
    parts = []
    for each, said in (
        ("broken", "with a PROBLEM"),
        ("unverified", "not verified up to their newest event"),
        ("verified", "verified up to their newest event"),
    ):
        names = [station.station for station in known if station.level == each]
        if names:
            parts.append(f"{len(names)} {said} ({', '.join(names)})")
    return (
        f"Audit trail of {len(known)} stations: {'; '.join(parts)}. "
        "Pick a station to read its state.",
        level,
    )


def _time(at: datetime, tz: tzinfo) -> str:
    return f"{at.astimezone(tz):%Y-%m-%d %H:%M}"
