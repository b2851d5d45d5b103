"""The audit chain's cost on a year's store: upgrade time and size per million events.

Run: uv run python bench/audit_chain_cost.py [--verify] [--convert-from DIR]

Copies the cached aged store (bench/aged_store.py builds it: 1.57 million scan
events, 345,000 orders, at schema 0008, before the chain) to a work folder,
never touching the cache, and there:
- upgrades it to 0009 (the chain: every stored event linked), timed;
- measures the links' bytes (SQLite's dbstat: the table and its indexes);
- applies the slimming of 0016 (station.audit.slim), timed, and measures again;
- with --verify, times `audit verify`'s walk after each;
- with --convert-from DIR, instead copies DIR's store (one upgraded before 0016,
  whose links are hex text, e.g. a cached bench store) and times 0016's
  conversion of its links alone, with the sizes before and after.
Prints the figures; the work copy is deleted at the end.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, event

from bench.aged_store import CACHE, COPIES, PACKED
from station.audit.verify import verify_chain
from station.store import DB_NAME, MIGRATIONS


def _begin(connection: object) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")  # type: ignore[attr-defined]


def migrate(path: Path, target: str) -> float:
    """Seconds to upgrade the file to `target`, in one transaction as the station does."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(f"sqlite:///{path}", connect_args={"isolation_level": None})
    event.listen(engine, "begin", _begin)
    start = time.perf_counter()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, target)
    finally:
        engine.dispose()
    return time.perf_counter() - start


def link_bytes(path: Path) -> tuple[int, int, int]:
    """The links' count, their bytes (table and indexes), and the events they cover."""
    db = sqlite3.connect(path)
    try:
        size = db.execute(
            "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN "
            "(SELECT name FROM sqlite_master WHERE tbl_name = 'auditlink')"
        )
        total = int(size.fetchone()[0])
        links = int(db.execute("SELECT count(*) FROM auditlink").fetchone()[0])
        scans = int(db.execute("SELECT count(*) FROM scanevent").fetchone()[0])
    finally:
        db.close()
    return links, total, scans


def timed_verify(path: Path) -> tuple[float, bool]:
    engine = create_engine(f"sqlite:///{path}")
    start = time.perf_counter()
    try:
        with engine.connect() as connection:
            report = verify_chain(connection)
    finally:
        engine.dispose()
    return time.perf_counter() - start, report.ok


def slim(path: Path) -> float | None:
    """Seconds for the 0016 step alone (station.audit.slim), or None before it exists."""
    try:
        from station.audit.slim import slim_links
    except ImportError:
        return None
    engine = create_engine(f"sqlite:///{path}", connect_args={"isolation_level": None})
    event.listen(engine, "begin", _begin)
    start = time.perf_counter()
    try:
        with engine.begin() as connection:
            run: Connection = connection
            slim_links(run)
    finally:
        engine.dispose()
    return time.perf_counter() - start


def report(label: str, path: Path) -> None:
    links, size, scans = link_bytes(path)
    if not links:
        print(f"{label}: no links yet ({scans:,} scan events)")
        return
    per_million = size / links * 1_000_000 if links else 0.0
    print(
        f"{label}: {links:,} links ({scans:,} scan events), {size / 1e6:,.0f} MB of links, "
        f"{per_million / 1e6:,.0f} MB per million events, {size / links:.0f} B per link; "
        f"file {path.stat().st_size / 1e6:,.0f} MB"
    )


def convert(source: Path, *, verify: bool) -> None:
    work = Path(tempfile.mkdtemp(prefix="audit-cost-", dir=CACHE))
    try:
        path = work / DB_NAME
        with sqlite3.connect(source) as db, sqlite3.connect(path) as out:
            db.backup(out)  # consistent even while another bench has it open
        print(f"copied {source} ({path.stat().st_size / 1e6:,.0f} MB) to {work}")
        report("hex-text links", path)
        seconds = slim(path)
        print(f"converting the links (0016's step alone): {seconds:.0f} s")
        report("after 0016", path)
        if verify:
            seconds, ok = timed_verify(path)
            print(f"audit verify after 0016: {seconds:.0f} s ({'intact' if ok else 'BROKEN'})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verify", action="store_true", help="time audit verify as well")
    parser.add_argument("--convert-from", type=Path, help="a data dir whose links are hex text")
    args = parser.parse_args()
    if args.convert_from is not None:
        convert(args.convert_from / DB_NAME, verify=args.verify)
        return
    cached = CACHE / f"aged-{PACKED}x{COPIES}" / DB_NAME
    marker = cached.parent / "built-at-revision"
    if not cached.is_file() or marker.read_text().strip() != "0008":
        sys.exit(f"needs the aged store at 0008 in {cached.parent}: bench/aged_store.py builds it")
    work = Path(tempfile.mkdtemp(prefix="audit-cost-", dir=CACHE))
    try:
        path = work / DB_NAME
        shutil.copyfile(cached, path)
        print(f"copied the aged store ({path.stat().st_size / 1e6:,.0f} MB) to {work}")
        print(f"upgrade 0008 -> 0009 (the chain's tables): {migrate(path, '0009'):.0f} s")
        report("after 0009", path)
        if args.verify:
            seconds, ok = timed_verify(path)
            print(f"audit verify after 0009: {seconds:.0f} s ({'intact' if ok else 'BROKEN'})")
        seconds = slim(path)
        if seconds is None:
            print("no slimming step (station.audit.slim) yet")
            return
        print(f"slimming the links (0016's step alone): {seconds:.0f} s")
        report("after 0016", path)
        if args.verify:
            seconds, ok = timed_verify(path)
            print(f"audit verify after 0016: {seconds:.0f} s ({'intact' if ok else 'BROKEN'})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
