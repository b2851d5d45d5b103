"""`main.py audit verify|anchor`: check the station's audit chain, or anchor its head."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn

from station import paths
from station.audit.anchors import log_anchors, store_anchors, write_anchors
from station.audit.registry import STORE_CHAIN, chain_name
from station.audit.verified_here import (
    STORE_AND_LOG,
    STORE_LOG_AND_CENTRAL,
    record_verification,
)
from station.audit.verify import Anchor, verify_chain
from station.errors import UserError
from station.settings import Settings
from station.store import DB_NAME, Store

EXIT_BROKEN = 1


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    audit = commands.add_parser(
        "audit", parents=[common], help="check the hash chain over this station's events"
    )
    actions = audit.add_subparsers(dest="audit_command", required=True)
    verify = actions.add_parser(
        "verify",
        parents=[common],
        help="exit 0 if every stored event is as recorded, 1 naming the first that is not",
    )
    verify.add_argument("--json", action="store_true", help="the report as JSON")
    verify.add_argument(
        "--central",
        action="store_true",
        help="walk each station's chain in the central database ([central] url, or --url)",
    )
    verify.add_argument(
        "--station",
        action="append",
        default=[],
        metavar="NAME",
        help="with --central: only this station (again for more; default every station)",
    )
    verify.add_argument("--url", help="with --central: the central database's URL")
    verify.add_argument(
        "--full",
        action="store_true",
        help="with --central: walk every link and row, not only what came after the last "
        "verified mark",
    )
    actions.add_parser(
        "anchor",
        parents=[common],
        help="write each station's chain head to the log (and the central database)",
    )


def run(args: argparse.Namespace, data_dir: Path, settings: Settings) -> int:
    if args.audit_command == "verify" and args.central:
        return _verify_central(
            args.url or settings.central.url, args.station, full=args.full, as_json=args.json
        )
    if args.audit_command == "verify" and (args.station or args.url or args.full):
        raise UserError(
            "--station, --url and --full go with --central: add --central, or leave them out."
        )
    if not (data_dir / DB_NAME).exists():
        raise UserError(f"No station database in {data_dir}: give the station's --data-dir.")
    store = Store.open(data_dir)
    try:
        if args.audit_command == "anchor":
            return _anchor(store, settings)
        return _verify(store, data_dir, settings, as_json=args.json)
    finally:
        store.close()


def _anchor(store: Store, settings: Settings) -> int:
    anchors = write_anchors(store, every_head=True)
    where = "the log"
    if settings.central.url is not None:
        from station.audit.central import send_anchors
        from station.central.connect import CentralUnreachable, central_engine

        engine = central_engine(settings.central.url)
        try:
            send_anchors(engine, anchors)
            where += " and the central database"
        except CentralUnreachable as exc:
            print(f"packstation: {exc} Anchored in the log only.", file=sys.stderr)
        finally:
            engine.dispose()
    for anchor in anchors:
        # The store's packer chain is anchored in the log and the store only.
        shown = f"station {anchor.station}" if anchor.station else chain_name(anchor.station)
        where_this = "the log" if anchor.station == STORE_CHAIN else where
        print(f"Anchored {shown} at link {anchor.seq} ({where_this}).")
    if not anchors:
        print("Nothing to anchor: this store has no events yet.")
    return 0


def _verify(store: Store, data_dir: Path, settings: Settings, *, as_json: bool) -> int:
    anchors = store_anchors(store) + log_anchors(paths.logs_dir(data_dir))
    note, checks = "", STORE_AND_LOG
    if settings.central.url is not None:
        central, note = _central_anchors(settings, {anchor.station for anchor in anchors})
        anchors += central
        checks = STORE_AND_LOG if note else STORE_LOG_AND_CENTRAL  # a note: not reached
    with store.engine.connect() as connection:
        report = verify_chain(connection, anchors)
    try:  # for the dashboard to tell how far, and when, the chain was found intact
        record_verification(data_dir, report, checks=checks)
    except OSError as exc:
        note += ("\n" if note else "") + f"Not recorded for the dashboard: {exc}"
    if as_json:
        print(json.dumps({**report.as_json(), "note": note}, ensure_ascii=False))
    else:
        print(report.as_text() + (f"\n{note}" if note else ""))
    return 0 if report.ok else EXIT_BROKEN


def _verify_central(url: str | None, stations: list[str], *, full: bool, as_json: bool) -> int:
    from station.audit.central_verify import central_stations, unknown_stations, verify_central
    from station.central.connect import CentralUnreachable, central_engine

    if url is None:
        raise UserError(
            "audit verify --central needs the central database: set [central] url in the "
            "station's config, or give --url URL."
        )
    engine = central_engine(url)
    try:
        unknown = unknown_stations(engine, stations)
        if unknown:
            _refuse_unknown(unknown, central_stations(engine))
        report = verify_central(engine, stations, full=full, mark=True)
    except CentralUnreachable as exc:
        raise UserError(f"{exc} Nothing was verified; try again once it is reachable.") from exc
    finally:
        engine.dispose()
    unknown = sorted(set(stations) - set(report.heads))
    note = f"No links in the central database for: {', '.join(unknown)}." if unknown else ""
    if as_json:
        print(json.dumps({**report.as_json(), "note": note}, ensure_ascii=False))
    else:
        print("Central copy. " + report.as_text() + (f"\n{note}" if note else ""))
    return 0 if report.ok else EXIT_BROKEN


def _refuse_unknown(unknown: list[str], known: list[str]) -> NoReturn:
    """A station the central database never heard of: a typo would verify intact."""
    names = ", ".join(repr(name) for name in unknown)
    raise UserError(
        f"No station {names} in the central database: none of its events or links were "
        f"ever synced there. It holds: {', '.join(known) or 'no station yet'}. "
        "Check --station; nothing was verified."
    )


def _central_anchors(settings: Settings, stations: set[str]) -> tuple[list[Anchor], str]:
    from station.audit.central import central_anchors
    from station.central.connect import CentralUnreachable, central_engine

    assert settings.central.url is not None
    engine = central_engine(settings.central.url)
    try:
        found: list[Anchor] = []
        # The store's own chain has no central anchor (station.audit.central.send_anchors).
        for station in sorted(stations - {STORE_CHAIN} | {settings.station}):
            found += central_anchors(engine, station)
        return found, ""
    except CentralUnreachable as exc:
        return [], f"Central anchors not checked: {exc}"
    finally:
        engine.dispose()
