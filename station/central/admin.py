"""Setting up the central database: its schema, and one login role per station."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL

from station.central.connect import CentralError, connected
from station.central.roles import group_role, quote, station_role

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "central_alembic_version"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def init_schema(engine: Engine) -> tuple[str | None, str | None]:
    """Create or upgrade the central schema; (revision before, revision now)."""
    config = _config()
    with connected(engine) as connection:
        before = current_revision(connection)
        if before != head_revision():
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return before, current_revision(connection)


def require_schema(connection: Connection) -> None:
    """Refuse to work on a database that `central init` has not brought up to date."""
    current = current_revision(connection)
    if current != head_revision():
        raise CentralError(
            "The central database has no PackStation schema, or an older one "
            f"({current or 'none'}); run: main.py central init --url URL"
        )


@dataclass(frozen=True)
class StationLogin:
    """What a station needs to log in: the config line, and the pgpass line with its password."""

    station: str
    role: str
    url: str
    pgpass: str

    def instructions(self) -> str:
        return "\n".join(
            [
                f"Station {self.station} may now log in as role {self.role}.",
                "Put this in the station's config (station.toml):",
                "",
                "[station]",
                f'name = "{self.station}"',
                "[central]",
                f'url = "{self.url}"',
                "",
                "Put this line in the pgpass file of the user the station runs as",
                "(~/.pgpass, mode 0600; %APPDATA%\\postgresql\\pgpass.conf on Windows):",
                "",
                self.pgpass,
                "",
                "The password is shown only this once; run add-station again for a new one.",
            ]
        )


def add_station(engine: Engine, station: str) -> StationLogin:
    """Create (or give a new password to) the login role of one station."""
    url = engine.url
    database = url.database or ""
    role = station_role(database, station)
    password = secrets.token_urlsafe(24)
    with connected(engine) as connection:
        require_schema(connection)
        exists = connection.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
        ).first()
        # Only a SCRAM verifier reaches the server: the password itself cannot end
        # up in its statement log.
        verifier = _scram_verifier(connection, password, role)
        verb = "ALTER" if exists else "CREATE"
        connection.exec_driver_sql(
            f"{verb} ROLE {quote(role)} LOGIN PASSWORD '{verifier}'"
            + ("" if exists else f" IN ROLE {quote(group_role(database))}")
        )
        connection.execute(
            text(
                "INSERT INTO central_station (name, role_name) VALUES (:name, :role) "
                "ON CONFLICT (name) DO NOTHING"
            ),
            {"name": station, "role": role},
        )
    return StationLogin(station, role, _station_url(url, role), _pgpass_line(url, role, password))


def _scram_verifier(connection: Connection, password: str, role: str) -> str:
    driver = connection.connection.driver_connection
    assert driver is not None
    verifier: bytes = driver.pgconn.encrypt_password(
        password.encode(), role.encode(), b"scram-sha-256"
    )
    return verifier.decode()


def _station_url(url: URL, role: str) -> str:
    return url.set(drivername="postgresql", username=role).render_as_string(hide_password=False)


def _pgpass_line(url: URL, role: str, password: str) -> str:
    def field(value: str) -> str:
        return value.replace("\\", "\\\\").replace(":", "\\:")

    host = url.host or "localhost"
    port = str(url.port or 5432)
    return ":".join(field(part) for part in (host, port, url.database or "*", role, password))
