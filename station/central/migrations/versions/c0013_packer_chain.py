"""verified marks, and the central packers on a chain of their own

The packers' badges, roles and PIN hashes every station pulls are chained
here (station.audit.central_packers): the rows the database holds now, and
from then on those each `central import packers` writes, in its transaction.
A role changed centrally by plain SQL is named by `audit verify --central`.

A year of 20 busy stations is some 72 million links and rows, an hour or more
of hashing. Each clean verification now leaves a mark per station (its newest
link, that link's hash, the transaction horizon it read at, and how many rows
of each table it found), and the next one walks only what came after the
mark, and checks the rows written since then (a row's xmin says so), with
counts and the links' own xmin for what lay before (station.audit.central_marks).
`--full` walks everything, as before. The index finds a row's links by id.

Only the database owner writes marks: a station's login reads them.

Revision ID: c0013
Revises: c0012
Create Date: 2026-12-03 17:45:00
"""

from alembic import op
from sqlalchemy import text

from station.audit.central_packers import chain_packers
from station.central.roles import group_role, quote

revision = "c0013"
down_revision = "c0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    database = op.get_bind().execute(text("SELECT current_database()")).scalar_one()
    op.execute(
        """
        CREATE TABLE audit_verified (
            station text PRIMARY KEY,
            seq bigint NOT NULL,
            hash text NOT NULL,
            horizon bigint NOT NULL,
            counts jsonb NOT NULL,
            verified_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    # In the verifier's order (bytes: COLLATE "C"), as it merges links with rows by id.
    op.execute('CREATE INDEX ix_audit_link_row ON audit_link (station, row_id COLLATE "C", seq)')
    op.execute(f"GRANT SELECT ON audit_verified TO {quote(group_role(database))}")
    # The central packers on their chain (station.audit.central_packers), from here on
    # chained by every `central import packers`.
    chain_packers(op.get_bind(), all_rows=True)


def downgrade() -> None:
    raise NotImplementedError("the central schema is not downgraded; restore a backup")
