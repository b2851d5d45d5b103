"""Checking the audit chain: the links follow each other, and the rows match their links.

Four things are checked, all by reading the store (never changing it):
- per station, the links number 1, 2, 3… with no gap and each one's hash
  recomputes over its fields and the hash of the one before (a link edited,
  deleted or inserted out of place shows here);
- every row of a chained table matches the content of its newest link (a row
  edited through sqlite3), has a link (a row inserted behind PackStation's
  back), and every link's row still exists (a row deleted);
- a print job's status is its newest attempt's (kept by a trigger, not hashed);
- every anchor (station.audit.anchors) is on the chain: a chain that ends
  before an anchor was truncated, one that differs at it was rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from sqlalchemy import Connection

from station.audit.chain import content_digest, link_hash, select_rows
from station.audit.registry import AUDITED, Audited, chain_name
from station.audit.report import UNLINKED, Anchor, AuditReport, Problem, Quarantined

# The report's names, for those who import them from here as before.
__all__ = ["UNLINKED", "Anchor", "AuditReport", "Problem", "Quarantined", "verify_chain"]


def verify_chain(connection: Connection, anchors: Sequence[Anchor] = ()) -> AuditReport:
    """Walk every station's chain and every chained table; check the anchors."""
    report = AuditReport(anchors=list(anchors))
    present = {
        str(row[0])
        for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
    }
    if not {"auditlink", "auditschema"} <= present:
        report.problems.append(
            Problem("", 0, "chain_missing", "the audit chain's tables are gone: dropped.")
        )
        return report
    schemas = _schemas(connection, report)
    hashes = _walk_links(connection, report, schemas)
    for entry in AUDITED:
        if entry.table in present:
            _check_rows(connection, entry, schemas, report)
        else:
            _check_dropped(connection, entry.table, schemas, report)
    if "printjob" in present:
        _check_print_status(connection, report)
    for anchor in anchors:
        _check_anchor(anchor, report, hashes)
    return report


Schemas = dict[int, tuple[str, tuple[str, ...]]]  # schema id -> (table, hashed columns)


def _schemas(connection: Connection, report: AuditReport) -> Schemas:
    schemas: Schemas = {}
    rows = connection.exec_driver_sql("SELECT id, table_name, columns FROM auditschema")
    for schema_id, table, columns in rows:
        try:
            schemas[int(schema_id)] = (str(table), tuple(str(name) for name in json.loads(columns)))
        except (TypeError, ValueError):  # not a JSON list of names: every row of it mismatches
            schemas[int(schema_id)] = (str(table), ())
            report.problems.append(
                Problem("", 0, "schema_edited", f"audit schema {schema_id} was edited.")
            )
    return schemas


def _walk_links(
    connection: Connection, report: AuditReport, schemas: Schemas
) -> dict[tuple[str, int], str]:
    """The chain checks; returns every link's stored hash for the anchors.

    A link keeps no copy of the hash before it (station.audit.records): its own
    hash is recomputed over the previous link's, so a link edited, or one put
    in another's place, fails there.
    """
    hashes: dict[tuple[str, int], str] = {}
    station: str | None = None
    expected, prev_hash = 1, ""
    rows = connection.exec_driver_sql(
        "SELECT station, seq, row_id, schema_id, content, hash FROM auditlink ORDER BY station, seq"
    )
    for name, seq, raw_id, schema_id, raw_content, raw_hash in rows:
        if name != station:
            station, expected, prev_hash = name, 1, ""
        table = schemas.get(schema_id, ("?", ()))[0]
        row_id, content, stored = as_hex(raw_id), as_hex(raw_content), as_hex(raw_hash)
        report.links += 1
        report.heads[name] = seq
        hashes[(name, seq)] = stored
        where = f"link {seq} of {chain_name(name)} ({table} {row_id})"
        if seq != expected:
            missing = f"{expected}" if seq == expected + 1 else f"{expected} to {seq - 1}"
            report.problems.append(
                Problem(
                    name,
                    expected,
                    "link_missing",
                    f"link(s) {missing} of {chain_name(name)} are missing: deleted from the chain.",
                    table,
                    row_id,
                )
            )
        elif link_hash(prev_hash, name, seq, table, row_id, schema_id, content) != stored:
            report.problems.append(
                Problem(
                    name,
                    seq,
                    "link_edited",
                    f"{where} was edited, or put in the place of another.",
                    table,
                    row_id,
                )
            )
        expected, prev_hash = seq + 1, stored
    return hashes


def as_hex(value: object) -> str:
    """A stored id or digest as the hashes name it; text put there by hand stays as it is."""
    return value.hex() if isinstance(value, bytes) else str(value)


def _newest_links(
    connection: Connection, schema_ids: Sequence[int]
) -> Iterator[tuple[str, str, int, int, str]]:
    marks = ", ".join("?" * len(schema_ids)) or "NULL"
    # SQLite returns the other columns of the row that has the max().
    for row_id, station, seq, schema_id, content in connection.exec_driver_sql(
        "SELECT row_id, station, max(seq), schema_id, content FROM auditlink "
        f"WHERE schema_id IN ({marks}) GROUP BY row_id ORDER BY row_id",
        tuple(schema_ids),
    ):
        yield as_hex(row_id), station, seq, schema_id, as_hex(content)


def _check_rows(
    connection: Connection,
    entry: Audited,
    schemas: Schemas,
    report: AuditReport,
) -> None:
    """Merge the table's rows and its newest links, both in id order."""
    rows = connection.exec_driver_sql(select_rows(entry, None, "ORDER BY id"))
    own = [schema_id for schema_id, (table, _) in schemas.items() if table == entry.table]
    links = _newest_links(connection, own)
    link = next(links, None)
    for row in rows:
        values = dict(row._mapping)
        row_id = str(values["id"])
        while link is not None and link[0] < row_id:
            _deleted(entry, link, report)
            link = next(links, None)
        station = str(values.get("audit_station") or "")
        if link is None or link[0] != row_id:
            # Some tables (supervisor attempts, settings saves) number nothing.
            numbered = f", seq {values['seq']}" if values.get("seq") is not None else ""
            report.problems.append(
                Problem(
                    station,
                    UNLINKED,
                    "row_inserted",
                    f"{entry.table} {row_id} ({chain_name(station)}{numbered}) is on no "
                    "link: inserted behind PackStation's back.",
                    entry.table,
                    row_id,
                )
            )
            continue
        _, link_station, seq, schema_id, content = link
        columns = schemas.get(schema_id, ("", ()))[1]
        if content_digest(values, columns) != content:
            report.problems.append(
                Problem(
                    link_station,
                    seq,
                    "row_edited",
                    f"{entry.table} {row_id} differs from link {seq} of "
                    f"{chain_name(link_station)}: edited after it was recorded.",
                    entry.table,
                    row_id,
                )
            )
        link = next(links, None)
    while link is not None:
        _deleted(entry, link, report)
        link = next(links, None)


def _deleted(entry: Audited, link: tuple[str, str, int, int, str], report: AuditReport) -> None:
    row_id, station, seq, _, _ = link
    report.problems.append(
        Problem(
            station,
            seq,
            "row_deleted",
            f"{entry.table} {row_id}, recorded by link {seq} of {chain_name(station)}, is "
            "missing: deleted.",
            entry.table,
            row_id,
        )
    )


def _check_dropped(
    connection: Connection, table: str, schemas: Schemas, report: AuditReport
) -> None:
    """A chained table that is gone: every row its links recorded was deleted with it."""
    own = [schema_id for schema_id, (name, _) in schemas.items() if name == table]
    if not own:
        return  # never written: nothing was recorded in it
    marks = ", ".join("?" for _ in own)
    rows = connection.exec_driver_sql(
        f"SELECT station, MIN(seq) FROM auditlink WHERE schema_id IN ({marks}) GROUP BY station",
        tuple(own),
    )
    for station, seq in rows:
        report.problems.append(
            Problem(
                str(station),
                int(seq),
                "table_dropped",
                f"table {table} is gone, with every row of it that {chain_name(station)} "
                f"recorded from link {seq} on: dropped.",
                table,
            )
        )


def _check_print_status(connection: Connection, report: AuditReport) -> None:
    rows = connection.exec_driver_sql(
        "SELECT j.id, j.station, j.seq, j.status FROM printjob j WHERE j.status != COALESCE("
        "(SELECT a.status FROM printattempt a WHERE a.job_id = j.id ORDER BY a.seq DESC LIMIT 1),"
        " 'pending')"
    )
    for job_id, station, seq, status in rows:
        report.problems.append(
            Problem(
                station,
                UNLINKED,
                "status_edited",
                f"printjob {job_id} (seq {seq}) says {status!r}, which is not what its "
                "newest attempt says: edited.",
                "printjob",
                str(job_id),
            )
        )


def _check_anchor(anchor: Anchor, report: AuditReport, hashes: dict[tuple[str, int], str]) -> None:
    stored = hashes.get((anchor.station, anchor.seq))
    head = report.heads.get(anchor.station, 0)
    if stored is None and head < anchor.seq:
        report.problems.append(
            Problem(
                anchor.station,
                head + 1,
                "truncated",
                f"{chain_name(anchor.station)} ends at link {head}, but the "
                f"anchor of {anchor.at} ({anchor.source}) recorded link {anchor.seq}: the "
                "tail was cut off.",
            )
        )
    elif stored != anchor.hash:
        report.problems.append(
            Problem(
                anchor.station,
                anchor.seq,
                "rewritten",
                f"link {anchor.seq} of {chain_name(anchor.station)} is not the one anchored "
                f"at {anchor.at} ({anchor.source}): the chain was rewritten.",
            )
        )
