"""The central packers (badges, roles, PIN hashes) on a chain of their own.

Stations pull their packers from the central database (station.sync.pull)
and chain them as they arrive, so a role changed centrally by plain SQL (a
packer made a supervisor) would reach every station as a legitimate change.
`central import packers` therefore chains the rows it wrote, in its own
transaction, on the chain CHAIN in `audit_link` (no station can be named
so: station.central.roles), and `audit verify --central` walks that chain
and checks every central packer row against its newest link.

A packer row's digest is computed by PostgreSQL, by the writer and the
verifier alike, over the columns of the chain's schema (the row as jsonb, in
UTC), so both hash exactly the same text whatever their own settings.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, text

from station.audit.chain import link_hash
from station.audit.registry import CENTRAL_PACKER_CHAIN as CHAIN
from station.audit.report import UNLINKED, AuditReport, Problem

TABLE = "packer"
SCHEMA_ID = 1
COLUMNS = ("id", "badge", "name", "role", "pin_hash", "created_at", "updated_at")
_DIGEST = (
    "encode(sha256(convert_to((SELECT jsonb_object_agg(key, value) FROM jsonb_each(to_jsonb(p)) "
    "WHERE key = ANY(CAST(:columns AS text[])))::text, 'UTF8')), 'hex')"
)


def chain_packers(connection: Connection) -> int:
    """Chain the packer rows this transaction wrote; how many links were added. (The
    rows the database held before the chain began were chained by migration c0013.)"""
    zone = connection.execute(text("SELECT current_setting('TimeZone')")).scalar_one()
    connection.execute(text("SELECT set_config('TimeZone', 'UTC', true)"))  # the digests' times
    # One chain, one writer at a time: two imports at once take turns here.
    connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('audit ~packers'))"))
    connection.execute(
        text(
            "INSERT INTO audit_schema (station, id, table_name, columns) "
            "VALUES (:s, :id, :t, :c) ON CONFLICT DO NOTHING"
        ),
        {"s": CHAIN, "id": SCHEMA_ID, "t": TABLE, "c": json.dumps(list(COLUMNS))},
    )
    rows = connection.execute(
        text(
            f"SELECT replace(p.id::text, '-', ''), {_DIGEST} FROM packer p "
            "WHERE p.change_txid = pg_current_xact_id()::text::bigint "
            "ORDER BY p.id"
        ),
        {"columns": list(COLUMNS)},
    ).all()
    # What the transaction does next sees its own time zone again.
    connection.execute(text("SELECT set_config('TimeZone', :zone, true)"), {"zone": zone})
    head = connection.execute(
        text("SELECT seq, hash FROM audit_link WHERE station = :s ORDER BY seq DESC LIMIT 1"),
        {"s": CHAIN},
    ).first()
    seq, prev = (int(head[0]), str(head[1])) if head else (0, "")
    links = []
    for row_id, content in rows:
        seq += 1
        prev = link_hash(prev, CHAIN, seq, TABLE, str(row_id), SCHEMA_ID, str(content))
        links.append(
            {
                "station": CHAIN,
                "seq": seq,
                "table_name": TABLE,
                "row_id": str(row_id),
                "schema_id": SCHEMA_ID,
                "content": str(content),
                "hash": prev,
            }
        )
    if links:
        connection.execute(
            text(
                "INSERT INTO audit_link (station, seq, table_name, row_id, schema_id, content, "
                "hash) VALUES (:station, :seq, :table_name, :row_id, :schema_id, :content, :hash)"
            ),
            links,
        )
    return len(links)


def check_packers(connection: Connection, report: AuditReport) -> None:
    """Every central packer row against its newest link on the chain (its links are
    walked as any chain's are). The transaction's TimeZone must be UTC, as the
    writer's (station.audit.central_verify sets it)."""
    rows = connection.execute(
        text(
            f"SELECT replace(p.id::text, '-', '') COLLATE \"C\" AS key, p.badge, {_DIGEST} "
            "FROM packer p ORDER BY 1"
        ),
        {"columns": list(COLUMNS)},
    ).all()
    newest = {
        str(row_id): (int(seq), str(content))
        for row_id, seq, content in connection.execute(
            text(
                "SELECT DISTINCT ON (row_id) row_id, seq, content FROM audit_link "
                "WHERE station = :s AND table_name = :t ORDER BY row_id, seq DESC"
            ),
            {"s": CHAIN, "t": TABLE},
        )
    }
    for row_id, badge, content in rows:
        link = newest.pop(str(row_id), None)
        if link is None:
            report.problems.append(
                Problem(
                    CHAIN,
                    UNLINKED,
                    "row_inserted",
                    f"central packer {row_id} (badge {badge}) is on no link: inserted in the "
                    "central database behind `central import`.",
                    TABLE,
                    str(row_id),
                )
            )
        elif link[1] != content:
            report.problems.append(
                Problem(
                    CHAIN,
                    link[0],
                    "row_edited",
                    f"central packer {row_id} (badge {badge}) differs from link {link[0]} of "
                    "the central packer chain: its role, PIN hash or name was edited in the "
                    "central database, and every station pulls it.",
                    TABLE,
                    str(row_id),
                )
            )
    for row_id, (seq, _) in sorted(newest.items()):
        report.problems.append(
            Problem(
                CHAIN,
                seq,
                "row_deleted",
                f"central packer {row_id}, recorded by link {seq} of the central packer "
                "chain, is missing: deleted from the central database.",
                TABLE,
                row_id,
            )
        )
