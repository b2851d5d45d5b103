"""Reaching the central PostgreSQL: one URL form, passwords never in it, errors in words.

The URL is libpq's (`postgresql://USER@HOST:PORT/DB`, `?service=NAME`); the
password comes from PGPASSWORD or a pgpass/service file, which libpq reads
itself, so it never passes through a config file, a log line or a message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from station.errors import UserError

# SQLSTATEs that mean "the address is right, the login or database is wrong":
# waiting will not fix them, the config or pgpass must change.
_LOGIN_STATES = {
    "28P01": "the password was refused",
    "28000": "this role may not log in here",
    "3D000": "the database does not exist",
}
# psycopg gives a failed connection no SQLSTATE: the server's words say which it was.
_LOGIN_WORDS = {
    "password authentication failed": "the password was refused",
    "no pg_hba.conf entry": "the server does not accept this login from this computer "
    "(its pg_hba.conf)",
}
CONNECT_TIMEOUT_S = 5


class CentralError(UserError):
    """A central URL, login or schema problem the user must fix (exit 2)."""


class CentralUnreachable(Exception):
    """The central database cannot be reached now; what is pending stays queued (exit 4)."""


def parse_url(text: str) -> URL:
    """The SQLAlchemy URL (psycopg 3 driver) for a libpq URL; refuses passwords in it."""
    try:
        url = make_url(text.strip())
    except ArgumentError:
        raise CentralError(
            f"{text!r} is not a PostgreSQL URL; write postgresql://USER@HOST:5432/DATABASE"
        ) from None
    if url.get_backend_name() != "postgresql":
        raise CentralError(
            f"{text!r} is not a PostgreSQL URL; write postgresql://USER@HOST:5432/DATABASE"
        )
    if url.password is not None:
        raise CentralError(
            "The central URL holds a password: remove it from the URL and put it in "
            "PGPASSWORD or a pgpass file (see README, Central database)."
        )
    return url.set(drivername="postgresql+psycopg")


def shown(url: URL) -> str:
    """The URL as it may appear in a message: user, host, port and database only."""
    return url.set(drivername="postgresql").render_as_string(hide_password=True)


def central_engine(text: str) -> Engine:
    url = parse_url(text)
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "packstation"},
    )


@contextmanager
def connected(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction, committed at the end; failures become our errors."""
    try:
        with engine.begin() as connection:
            yield connection
    # psycopg's own errors come from work done on the driver's connection (COPY).
    except (DBAPIError, psycopg.Error) as exc:
        error = as_central_error(exc, engine.url)
        if error is exc:
            raise
        raise error from exc


def as_central_error(exc: DBAPIError | psycopg.Error, url: URL) -> Exception:
    """What a driver error means: a login to fix, the server out of reach, or a bug (`exc`)."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    state = getattr(original, "sqlstate", None)
    where = shown(url)
    if state in _LOGIN_STATES:
        return CentralError(
            f"Cannot log in to the central database {where}: {_LOGIN_STATES[state]}. "
            "Check the URL in [central] and the station's pgpass line."
        )
    if state == "42501":
        first_line = str(original).splitlines()[0]
        return CentralError(
            f"The central database {where} refused: {first_line}. Run central commands as "
            "the database's owner with CREATEDB/CREATEROLE rights, and sync with the "
            "station's own login (central add-station)."
        )
    words = str(original)
    refused = _login_refusal(words) if state is None else None
    if refused:
        return CentralError(
            f"Cannot log in to the central database {where}: {refused}. "
            "Check the URL in [central] and the station's pgpass line."
        )
    if "no password supplied" in words:
        return CentralError(
            f"No password for the central database {where}: put the station's pgpass line "
            "(from central add-station) in its pgpass file, or set PGPASSWORD."
        )
    if isinstance(original, psycopg.OperationalError) and (
        state is None or state.startswith(("08", "57P"))
    ):
        return CentralUnreachable(f"The central database {where} cannot be reached now.")
    return exc


def _login_refusal(words: str) -> str | None:
    """What a refused login's server message means, in the terms of what to fix."""
    for phrase, meaning in _LOGIN_WORDS.items():
        if phrase in words:
            return meaning
    if "does not exist" in words:
        if 'database "' in words:
            return "its database (the name after the last / in the URL) does not exist"
        if 'role "' in words:
            return "its login role does not exist (create it with main.py central add-station)"
    return None
