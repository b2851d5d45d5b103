"""Checking central rows against their newest links, as the station hashed them.

A central event row keeps the station row it was sent as in `data` (station.
sync.streams.record), beside the columns central queries read. Here the two
are compared, and `data` is turned back into the values SQLite held, whose
digest the link recorded (station.audit.chain.content_digest). A linked row
missing centrally is asked about in the server's quarantine first
(station.audit.central_quarantine).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, TypeDecorator

from station.audit.central_quarantine import SetAside
from station.audit.chain import content_digest
from station.audit.report import UNLINKED, AuditReport, Problem, Quarantined


def _disagreeing(data: Mapping[str, Any], columns: Mapping[str, Any]) -> list[str]:
    """The columns beside `data` that do not say what it says (edited on their own)."""
    wrong = []
    for name, value in columns.items():
        if name not in data:  # a parcel's item keeps no station of its own
            continue
        recorded = data[name]
        if isinstance(value, datetime):
            try:
                same = recorded is not None and value == datetime.fromisoformat(str(recorded))
            except ValueError:
                same = False
        elif isinstance(value, uuid.UUID):
            same = str(value) == recorded
        else:
            same = value == recorded
        if not same:
            wrong.append(name)
    return wrong


@dataclass(frozen=True)
class RowChecks:
    """What checking one table of one station centrally needs."""

    station: str
    table: str
    kinds: dict[str, type]
    schemas: dict[int, tuple[str, ...]]
    aside: SetAside
    report: AuditReport

    def edited(self, row_id: str, seq: int, how: str) -> None:
        self.report.problems.append(
            Problem(self.station, seq, "row_edited", how, self.table, row_id)
        )

    def matches(self, data: Mapping[str, Any], schema_id: int, content: str) -> bool:
        columns = self.schemas.get(schema_id, ())
        return content_digest(canonical(data, self.kinds), columns) == content

    def missing(self, link: tuple[str, int, int, str]) -> None:
        """A linked row not in its central table: quarantined by the server, or deleted."""
        row_id, seq, schema_id, content = link
        found = self.aside.find(self.table, row_id, seq)
        if found is None:
            self.report.problems.append(
                Problem(
                    self.station,
                    seq,
                    "row_deleted",
                    f"central {self.table} {row_id}, recorded by link {seq} of station "
                    f"{self.station!r}, is missing: deleted from the central database.",
                    self.table,
                    row_id,
                )
            )
            return
        reason, at, kept = found
        if kept is not None and not self.matches(kept, schema_id, content):
            self.edited(
                row_id,
                seq,
                f"quarantined {self.table} {row_id} differs from link {seq} of station "
                f"{self.station!r}: edited in the central database's quarantine.",
            )
            return
        self.report.quarantined.append(
            Quarantined(self.station, seq, self.table, row_id, reason, at)
        )


def check_rows(
    checks: RowChecks,
    rows: Iterator[tuple[str, Mapping[str, Any], dict[str, Any]]],
    links: Iterator[tuple[str, int, int, str]],
    *,
    links_behind: bool,
) -> None:
    """Merge the central rows and their newest central links, both by row id."""
    station, table = checks.station, checks.table
    link = next(links, None)
    for row_id, data, columns_beside in rows:
        while link is not None and link[0] < row_id:
            checks.missing(link)
            link = next(links, None)
        if link is None or link[0] != row_id:
            if not links_behind:
                checks.report.problems.append(
                    Problem(
                        station,
                        UNLINKED,
                        "row_inserted",
                        f"central {table} {row_id} (station {station!r}, seq "
                        f"{data.get('seq', '?')}) is on no link: inserted centrally.",
                        table,
                        row_id,
                    )
                )
            continue
        _, seq, schema_id, content = link
        wrong = _disagreeing(data, columns_beside)
        if wrong:
            checks.edited(
                row_id,
                seq,
                f"central {table} {row_id}: its {', '.join(wrong)} column(s) no longer say "
                f"what link {seq} of station {station!r} recorded: edited in the central "
                "database.",
            )
        elif not checks.matches(data, schema_id, content):
            checks.edited(
                row_id,
                seq,
                f"central {table} {row_id} differs from link {seq} of station {station!r}: "
                "edited in the central database.",
            )
        link = next(links, None)
    while link is not None:
        checks.missing(link)
        link = next(links, None)


# -- the central row back to what SQLite held ------------------------------------------


def column_kinds(table: Table) -> dict[str, type]:
    kinds: dict[str, type] = {}
    for column in table.columns:
        stored = column.type
        if isinstance(stored, TypeDecorator):  # e.g. sqlmodel's UTCDateTime: what it stores
            stored = stored.impl_instance
        try:
            kinds[column.name] = stored.python_type
        except NotImplementedError:
            kinds[column.name] = object
    return kinds


def canonical(data: Mapping[str, Any], kinds: Mapping[str, type]) -> dict[str, object]:
    """The station row as SQLite held it, from its central JSON (station.sync.streams.record):
    a UUID as 32 hex digits, a time as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC, a bool as 0/1."""
    return {name: _stored(value, kinds.get(name, object)) for name, value in data.items()}


def _stored(value: Any, kind: type) -> object:
    if value is None:
        return None
    try:
        if kind is uuid.UUID:
            return uuid.UUID(str(value)).hex
        if kind is datetime:
            moment = datetime.fromisoformat(str(value))
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC)
            return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    except ValueError:
        return value  # not what sync sent: it mismatches its link, and is named
    if kind is bool and isinstance(value, bool):
        return int(value)
    return value
