"""One throwaway PostgreSQL cluster per test session; a fresh database per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from station.central.admin import add_station, init_schema
from station.central.connect import central_engine
from tests.central.cluster import Cluster, remove_cluster, start_cluster


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    running = start_cluster()
    try:
        yield running
    finally:
        remove_cluster(running)


@pytest.fixture
def database(cluster: Cluster) -> str:
    """The name of a new, empty database on the test cluster."""
    name = f"t{uuid.uuid4().hex[:10]}"
    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return name


@pytest.fixture
def admin_url(cluster: Cluster, database: str) -> str:
    """The URL of the new database for its administrator (the cluster's superuser)."""
    return cluster.url(database)


@dataclass(frozen=True)
class Central:
    """A central database with its schema, and the logins of the stations added to it."""

    admin_url: str
    cluster: Cluster
    database: str
    pgpass: Path

    def add_station(self, name: str) -> str:
        """Add a station as `central add-station` does; its URL (its password is in pgpass)."""
        login = add_station(central_engine(self.admin_url), name)
        with self.pgpass.open("a", encoding="utf-8") as out:
            out.write(login.pgpass + "\n")
        return login.url


@pytest.fixture
def central(
    cluster: Cluster, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Central:
    url = cluster.url(database)
    init_schema(central_engine(url))
    pgpass = tmp_path / "pgpass"
    pgpass.touch(mode=0o600)
    # libpq reads the station's password from here, as it would from ~/.pgpass.
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    return Central(url, cluster, database, pgpass)
