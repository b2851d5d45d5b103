"""What `audit verify` found, and how it is told: as text for people, as JSON for tools.

The report of the station's own walk (station.audit.verify) and of the central
one (station.audit.central_verify) alike: the problems (the first one named),
the anchors checked, and, centrally, the events the server quarantined and the
marks walked from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from station.audit.registry import SHARED_CHAINS, chain_name

UNLINKED = -1  # a row without a link sorts after every link of its station


@dataclass(frozen=True)
class Anchor:
    station: str
    seq: int
    hash: str
    at: str  # when it was written, as text
    source: str  # "store", "log" or "central"


@dataclass(frozen=True)
class Problem:
    """One thing wrong, at link `seq` of `station` (UNLINKED for a row without a link)."""

    station: str
    seq: int
    kind: str  # link_missing, link_edited, row_edited, row_deleted,
    # row_inserted, status_edited, truncated, rewritten, chain_missing, schema_edited,
    # table_dropped
    message: str
    table: str = ""
    row_id: str = ""

    def order(self) -> tuple[str, int]:
        return (self.station, self.seq if self.seq != UNLINKED else 1 << 62)


@dataclass(frozen=True)
class Quarantined:
    """A linked row the central server set aside (station.audit.central_quarantine):
    missing from its table for `reason`, not deleted; no problem of the chain."""

    station: str
    seq: int
    table: str
    row_id: str
    reason: str
    at: str  # when the server set it aside

    def words(self) -> str:
        return (
            f"{self.table} {self.row_id} (link {self.seq} of {chain_name(self.station)}) was "
            f"quarantined by the central server at {self.at}: {self.reason}"
        )


@dataclass
class AuditReport:
    links: int = 0
    heads: dict[str, int] = field(default_factory=dict)  # station -> newest link
    anchors: list[Anchor] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)  # centrally only
    since: dict[str, int] = field(default_factory=dict)  # centrally: walked after this link
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def first(self) -> Problem | None:
        return min(self.problems, key=Problem.order) if self.problems else None

    def newest_anchor(self) -> Anchor | None:
        return max(self.anchors, key=lambda anchor: anchor.seq) if self.anchors else None

    def as_json(self) -> dict[str, object]:
        first = self.first()
        newest = self.newest_anchor()
        return {
            "ok": self.ok,
            "links": self.links,
            "heads": self.heads,
            "first_problem": asdict(first) if first else None,
            "problems": [asdict(problem) for problem in sorted(self.problems, key=Problem.order)],
            "anchors_checked": len(self.anchors),
            "newest_anchor": asdict(newest) if newest else None,
            "quarantined": [asdict(row) for row in self.quarantined],
            "since": self.since,
        }

    def as_text(self) -> str:
        newest = self.newest_anchor()
        anchored = (
            f"; newest anchor: {_listed(newest.station)} link {newest.seq} at {newest.at} "
            f"({newest.source})"
            if newest
            else "; no anchor yet"
        )
        if self.ok:
            stations = ", ".join(
                f"{_listed(name)} ({head} links)" for name, head in self.heads.items()
            )
            intact = (
                f"Audit chain intact: {self.links} links, stations {stations or 'none'}{anchored}."
            )
            return "\n".join([intact, *self._set_aside()])
        first = self.first()
        assert first is not None
        lines = [f"AUDIT CHAIN BROKEN: {first.message}"]
        others = sorted(self.problems, key=Problem.order)[1:]
        lines += [f"  also: {problem.message}" for problem in others[:9]]
        if len(others) > 9:
            lines.append(f"  and {len(others) - 9} more problems.")
        lines.append(f"{self.links} links checked{anchored}.")
        return "\n".join([*lines, *self._set_aside()])

    def _set_aside(self) -> list[str]:
        lines = list(self.notes)
        if self.since:
            after = ", ".join(f"{name} after link {seq}" for name, seq in self.since.items())
            lines.append(
                f"Walked from the last verified marks ({after}), with the rows written since "
                "and counts before them; --full walks every link and row."
            )
        return lines + self._quarantined()

    def _quarantined(self) -> list[str]:
        if not self.quarantined:
            return []
        lines = [
            f"{len(self.quarantined)} linked event(s) not in the central tables because the "
            "central server quarantined them (as sent; `central status` lists them), not "
            "tampering:"
        ]
        lines += [f"  {row.words()}" for row in self.quarantined[:10]]
        if len(self.quarantined) > 10:
            lines.append(f"  and {len(self.quarantined) - 10} more.")
        return lines


def _listed(station: str) -> str:
    return station if station not in SHARED_CHAINS else chain_name(station)
