"""The names of the central database's PostgreSQL roles.

Roles belong to the whole cluster, not to one database, so each central
database has its own group role (`<db>_stations`) holding the rights every
station has there, and each station logs in as `<db>_<station>`, a member.
"""

from __future__ import annotations

import re

from station.central.connect import CentralError

# A station name becomes part of a role name and of a pgpass line: plain
# characters only, and short enough for PostgreSQL's 63-byte names.
_STATION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
_MAX_NAME = 63


def quote(name: str) -> str:
    """An SQL identifier, quoted (roles are created by name, never from a parameter)."""
    return '"' + name.replace('"', '""') + '"'


def group_role(database: str) -> str:
    return _fitting(f"{database}_stations", database)


def station_role(database: str, station: str) -> str:
    if not _STATION.fullmatch(station):
        raise CentralError(
            f"Station name {station!r} cannot be used centrally: use 1 to 40 letters, digits, "
            "'-', '_' or '.', starting with a letter or digit (e.g. bench-01)."
        )
    return _fitting(f"{database}_{station}", database)


def _fitting(name: str, database: str) -> str:
    if len(name.encode()) > _MAX_NAME:
        raise CentralError(
            f"The role name {name!r} is longer than PostgreSQL's 63 bytes; use a shorter "
            f"database name than {database!r} or a shorter station name."
        )
    return name
