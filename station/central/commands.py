"""The `central` and `sync` commands of main.py: the central database and a station's exchange."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from station.errors import UserError
from station.settings import Settings

EXIT_UNREACHABLE = 4


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    sync = commands.add_parser(
        "sync",
        parents=[common],
        help="one exchange with the central database ([central] url), then exit",
    )
    sync.add_argument(
        "--watch",
        action="store_true",
        help="keep syncing every [central] sync_interval_s, one JSON status line per change, "
        "until standard input ends (the station window runs this)",
    )
    central = commands.add_parser("central", help="set up and watch the central PostgreSQL")
    actions = central.add_subparsers(dest="central_command", required=True)
    url = argparse.ArgumentParser(add_help=False)
    url.add_argument(
        "--url",
        required=True,
        help="postgresql://USER@HOST:PORT/DB (the password from PGPASSWORD or pgpass)",
    )
    actions.add_parser("init", parents=[common, url], help="create or upgrade the central schema")
    adder = actions.add_parser(
        "add-station",
        parents=[common, url],
        help="create a station's login role; prints its config",
    )
    adder.add_argument("name", help="the station's name, as in its [station] name")
    importer = actions.add_parser(
        "import", parents=[common, url], help="import catalog, orders or packers centrally"
    )
    importer.add_argument("kind", choices=["catalog", "orders", "packers"])
    importer.add_argument("file", type=Path)
    actions.add_parser(
        "status", parents=[common, url], help="stations, their last sync and conflicts"
    )


def run(args: argparse.Namespace, data_dir: Path, settings: Settings, config: Path) -> int:
    """Run `sync` or a `central` command; exit code 4 when the server cannot be reached."""
    from station.central.connect import CentralUnreachable

    try:
        if args.command == "sync":
            return _sync(data_dir, settings, config, watching=args.watch)
        return _central(args)
    except CentralUnreachable as exc:
        print(f"packstation: {exc} Nothing was changed there; try again later.", file=sys.stderr)
        return EXIT_UNREACHABLE


def _central(args: argparse.Namespace) -> int:
    from station.central.admin import add_station, init_schema
    from station.central.connect import central_engine
    from station.central.imports import import_central
    from station.central.status import central_status

    engine = central_engine(args.url)
    try:
        if args.central_command == "init":
            before, now = init_schema(engine)
            print(
                f"Central schema is current ({now})."
                if before == now
                else f"Central schema {'created' if before is None else 'upgraded'} ({now})."
            )
        elif args.central_command == "add-station":
            print(add_station(engine, args.name).instructions())
        elif args.central_command == "import":
            print(import_central(engine, args.kind, args.file).summary())
        else:
            print("\n".join(central_status(engine).lines()))
    finally:
        engine.dispose()
    return 0


def _sync(data_dir: Path, settings: Settings, config: Path, *, watching: bool) -> int:
    from station.store import Store
    from station.sync.exchange import sync_once

    if settings.central.url is None:
        raise UserError(
            f"No central database is set: add [central] url = "
            f'"postgresql://USER@HOST:5432/DATABASE" to {config} (see README, Central database).'
        )
    if watching:
        from station.sync.watch import watch

        interval = settings.central.sync_interval_s
        return watch(
            settings.central.url, data_dir, settings.station, interval, sys.stdin, sys.stdout
        )
    # Like an import, a sync only adds reference data and reads events: it may
    # run beside the station, so it takes no station lock.
    store = Store.open(data_dir)
    try:
        summary = sync_once(settings.central.url, store, settings.station)
    finally:
        store.close()
    print(summary.as_json())
    if not summary.reached:
        print(
            "packstation: the central database cannot be reached now; "
            f"{summary.pending} event(s) stay queued for the next sync.",
            file=sys.stderr,
        )
        return EXIT_UNREACHABLE
    return 0
