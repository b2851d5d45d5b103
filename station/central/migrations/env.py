"""Alembic environment of the central database: runs on the connection handed over.

Its own chain and version table, apart from the station's SQLite chain.
"""

from alembic import context
from sqlalchemy import text

connection = context.config.attributes["connection"]
# Two `central init` at once: the second waits, then finds the schema current.
connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('packstation central migrations'))"))
context.configure(connection=connection, version_table="central_alembic_version")
with context.begin_transaction():
    context.run_migrations()
