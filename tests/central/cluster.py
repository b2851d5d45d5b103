"""A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl on a free port.

Uses the server binaries of Debian's `postgresql` package (or PG_BIN). As root
the server runs as the `postgres` OS user, because PostgreSQL refuses root.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"


def server_bin() -> Path:
    """The folder of initdb and pg_ctl: $PG_BIN, else the newest /usr/lib/postgresql/N/bin."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if not found:
        on_path = shutil.which("initdb")
        if on_path is None:
            raise RuntimeError(
                "PostgreSQL server binaries not found: install the Debian package postgresql "
                "(.ci/run does) or set PG_BIN to the folder holding initdb and pg_ctl"
            )
        return Path(on_path).parent
    return found[-1].parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """One running test cluster; `url(db, user)` builds a libpq URL for it."""

    folder: Path
    port: int
    bin: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(
        self, database: str = "postgres", user: str = SUPERUSER, port: int | None = None
    ) -> str:
        return f"postgresql://{user}@127.0.0.1:{port or self.port}/{database}?sslmode=disable"

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", SUPERUSER, "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-instructions",
        )
        # The superuser needs no password (the tests are it); every other role
        # (the stations) must bring its own, as in a real warehouse.
        hba = self.data / "pg_hba.conf"
        rules = hba.read_text()
        hba.write_text(f"host all {SUPERUSER} 127.0.0.1/32 trust\n" + rules)

    def start(self) -> None:
        options = f"-p {self.port} -h 127.0.0.1 -k {self.folder} -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-l",
            str(self.folder / "server.log"),
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")


def start_cluster() -> Cluster:
    folder = Path(tempfile.mkdtemp(prefix="packstation-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, SUPERUSER, SUPERUSER)
    cluster = Cluster(folder, free_port(), server_bin())
    cluster.init()
    cluster.start()
    return cluster


def remove_cluster(cluster: Cluster) -> None:
    try:
        cluster.stop("immediate")
    except subprocess.CalledProcessError:
        pass  # a test left it stopped
    finally:
        shutil.rmtree(cluster.folder, ignore_errors=True)
