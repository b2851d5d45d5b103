"""PackStation command line: the GUI, the demo, imports and headless replay."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import re
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from devices import registry
from devices.camera import commands as camera_commands
from station import paths
from station.audit import commands as audit_commands
from station.central import commands as central_commands
from station.errors import UserError
from station.handoff import commands as handoff_commands
from station.handoff.warehouse import remember as remember_warehouse
from station.lock import DataDirLock
from station.session import PackSession
from station.settings import Settings, load_settings
from station.store import Store
from station.supervisor import commands as report_commands

log = logging.getLogger("packstation")
EXIT_USER_ERROR = 2
EXIT_BUG = 3


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="folder of this station's database, labels and logs",
    )
    common.add_argument(
        "--config", type=Path, default=argparse.SUPPRESS, help="station config file (TOML)"
    )
    common.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="use the demo data dir, seeding it with demo data if it is empty",
    )
    parser = argparse.ArgumentParser(
        prog="main.py",
        parents=[common],
        description="PackStation: scan-verified packing. Without a command, opens the station.",
    )
    parser.add_argument("--report-ready", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command")
    importer = commands.add_parser(
        "import", parents=[common], help="import catalog, orders or packers (CSV or JSON)"
    )
    importer.add_argument("kind", choices=["catalog", "orders", "packers"])
    importer.add_argument("file", type=Path)
    replayer = commands.add_parser(
        "replay", parents=[common], help="run scans from a file (one per line; - for stdin)"
    )
    replayer.add_argument("file")
    replayer.add_argument("--station", help="station name (default: from the config)")
    commands.add_parser(
        "devices", parents=[common], help="list serial ports, system printers and cameras"
    )
    commands.add_parser(
        "check", parents=[common], help="check the station's database fully (it may be in use)"
    )
    address = commands.add_parser(
        "address", parents=[common], help="correct an order's address (a supervisor, recorded)"
    )
    address.add_argument("order", help="the order number")
    for word in ("name", "street", "city", "postcode", "country", "phone"):
        address.add_argument(f"--{word}", help=f"the recipient's new {word}")
    address.add_argument("--supervisor", required=True, help="the supervisor's badge")
    address.add_argument("--pin", help="the supervisor's PIN, if they have one")
    audit_commands.add_parser(commands, common)
    tester = commands.add_parser(
        "print-test", parents=[common], help="print a test label to a printer URL"
    )
    tester.add_argument("url", help="e.g. zpl+tcp://192.0.2.10:9100 or pdf+file:///tmp/labels")
    ranges = commands.add_parser(
        "ranges",
        parents=[common],
        help="list this station's tracking number ranges, or add one",
    )
    ranges.add_argument("--station", help="station name (default: from the config)")
    range_commands = ranges.add_subparsers(dest="range_command")
    adder = range_commands.add_parser("add", help="add serials FIRST..LAST for a courier")
    adder.add_argument("courier", help="courier profile id, e.g. hansepost")
    adder.add_argument("first", type=int)
    adder.add_argument("last", type=int)
    dashboard = commands.add_parser(
        "dashboard",
        parents=[common],
        help="the supervisors' dashboard on its own (an office PC): figures, charts, exceptions",
    )
    dashboard.add_argument("--supervisor", help="the supervisor's badge (this station's dashboard)")
    dashboard.add_argument("--pin", help="the supervisor's PIN, if they have one")
    dashboard.add_argument(
        "--central",
        action="store_true",
        help="every station's figures from the central database ([central] url): an office PC",
    )
    central_commands.add_commands(commands, common)
    camera_commands.add_commands(commands, common)
    report_commands.add_commands(commands, common)
    handoff_commands.add_commands(commands, common)
    return parser


# One flat dispatch of every subcommand, in the one place that maps errors to exit codes.
def main(argv: list[str] | None = None) -> int:  # noqa: C901
    args = build_parser().parse_args(argv)
    demo = bool(getattr(args, "demo", False))
    data_dir: Path = getattr(args, "data_dir", None) or paths.default_data_dir(demo)
    config: Path = getattr(args, "config", None) or paths.default_config_path(demo, data_dir)
    try:
        if data_dir.exists() and not data_dir.is_dir():
            raise UserError(
                f"The data folder {data_dir} is a file, not a folder: give --data-dir a "
                "folder (a missing one is made)."
            )
        _setup_logging(data_dir)
        if args.command == "decode":  # reads no config: a bad one must not stop it
            return camera_commands.decode(args.images)
        settings = load_settings(config)
        if args.command == "devices":
            return _list_devices()
        if args.command == "check":
            return _check(data_dir)
        if args.command == "evidence":
            return camera_commands.evidence(args.words, data_dir, args)
        if args.command == "print-test":
            return _print_test(args.url, data_dir)
        if args.command == "audit":
            return audit_commands.run(args, data_dir, settings)
        if args.command == "ranges":
            return _ranges(data_dir, config, settings, args)
        if args.command == "dashboard":  # takes the data dir's lock only if it is free
            from ui.dashboard.opening import run_central, run_standalone

            if args.central:
                return run_central(settings)
            if not args.supervisor:
                raise UserError("Give the supervisor's badge: --supervisor BADGE (or --central).")
            return run_standalone(data_dir, settings, args.supervisor, args.pin)
        if args.command == "handoff":  # reads only: it may run while the station works
            return handoff_commands.run(args, data_dir)
        if args.command == "report":  # reads only: it may run while the station works
            from devices.pdf.report_pdf import report_pdf

            return report_commands.run(args, data_dir, settings, report_pdf)
        if args.command in ("central", "sync"):
            return central_commands.run(args, data_dir, settings, config)
        if args.command == "import" and not demo:
            # An import only upserts reference data in one transaction: it may
            # run while the station packs, so it takes no station lock.
            return _import(data_dir, args.kind, args.file, settings, config)
        with _locked_store(data_dir) as store:
            # The station's sync (a process of its own) tells the central database from here.
            station = getattr(args, "station", None) or settings.station
            remember_warehouse(store, station, settings.warehouse)
            if demo:
                _seed_demo(store, data_dir, settings, config)
                settings = _with_demo_camera(settings, data_dir)
            if args.command == "import":
                return _import(data_dir, args.kind, args.file, settings, config, store)
            if args.command == "address":
                return _correct_address(store, settings, args)
            if args.command == "replay":
                return _replay(store, settings, data_dir, config, args.file, args.station)
            return _gui(store, settings, data_dir, config, args.report_ready)
    except UserError as exc:
        print(f"packstation: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as exc:
        known = _storage_failure(exc, data_dir)
        if known is not None:
            log.warning("stopped: %s", known)
            print(f"packstation: {known}", file=sys.stderr)
            return EXIT_USER_ERROR
        log.exception("unexpected error")
        print(
            "packstation: an unexpected error stopped the program; details are in "
            f"{paths.logs_dir(data_dir) / 'packstation.log'}. Please report it.",
            file=sys.stderr,
        )
        return EXIT_BUG


def _storage_failure(exc: Exception, data_dir: Path) -> str | None:
    """The message for a full disk, read-only media, no permission or a damaged store."""
    from station.errors import storage_problem
    from station.integrity import storage_error
    from station.store import DB_NAME

    filename = getattr(exc, "filename", None)
    path = Path(filename) if isinstance(filename, str) else data_dir / DB_NAME
    if storage_problem(exc, path) is None:
        return None
    return str(storage_error(exc, path, "could not be used"))


def _correct_address(store: Store, settings: Settings, args: argparse.Namespace) -> int:
    from station.address import ADDRESS_FIELDS, correct_address

    changes = {
        field: getattr(args, word)
        for field, word in ADDRESS_FIELDS.items()
        if getattr(args, word) is not None
    }
    with store.write_lock, store.session() as db:
        change = correct_address(
            db, args.order, changes, args.supervisor, station=settings.station, pin=args.pin
        )
    for field, value in change.new.items():
        print(f"Order {change.order}: {ADDRESS_FIELDS[field]} {change.old[field]!r} -> {value!r}")
    if change.sealed:
        print(
            "Its labels were printed with the old address: reprint them at the bench "
            "(Reprint label…); a reprint carries the new address."
        )
    return 0


def _check(data_dir: Path) -> int:
    from station.integrity import full_check, way_back
    from station.store import DB_NAME

    path = data_dir / DB_NAME
    if not path.is_file():
        raise UserError(f"There is no database at {path}: nothing to check.")
    problems = full_check(path)
    if not problems:
        print(f"{path}: whole (pages, indexes, references and the station's own rules).")
        return 0
    listed = "\n".join(f"  - {problem}" for problem in problems)
    raise UserError(f"The database {path} is damaged:\n{listed}\n{way_back(path)}")


@contextmanager
def _locked_store(data_dir: Path) -> Iterator[Store]:
    lock = DataDirLock(data_dir).acquire()
    store = Store.open(data_dir)
    try:
        yield store
    finally:
        store.close()
        lock.release()


def _setup_logging(data_dir: Path) -> None:
    folder = paths.logs_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        folder / "packstation.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


@contextmanager
def _session(
    store: Store, settings: Settings, data_dir: Path, config: Path, station: str | None
) -> Iterator[PackSession]:
    from station.couriers.plan import CourierBook
    from ui.document_printers import document_printer

    couriers = CourierBook.load(config.parent)
    documents = document_printer(settings.devices.document_printer, data_dir / "documents")
    printer, stop_printer = registry.label_printer(
        settings.devices.label_printer, paths.labels_dir(data_dir)
    )
    session = PackSession(
        store, settings, printer, station=station, couriers=couriers, documents=documents
    )
    try:
        with _claims(session, settings):
            yield session
    finally:
        session.close()
        stop_printer()


def _claims(session: PackSession, settings: Settings) -> AbstractContextManager[object]:
    """Order claims at the bench when the station has a central database (issue 11)."""
    if settings.central.url is None:
        return nullcontext()
    from station.central.claim_worker import bench_claims

    return bench_claims(session, settings.central.url)


def _list_devices() -> int:
    from devices.discovery import cameras, serial_ports
    from ui.printers import system_printers

    sections = {
        "Serial ports (scanners, scales, serial printers)": [
            (found.url, found.description) for found in serial_ports()
        ],
        "System printers": system_printers(),
        "Cameras": [(found.url, found.description) for found in cameras()],
    }
    for title, rows in sections.items():
        print(f"{title}:")
        for url, description in rows:
            print(f"  {url:40}  {description}")
        if not rows:
            print("  (none found)")
    return 0


def _print_test(url_text: str, data_dir: Path) -> int:
    from station.device_urls import Role, parse_device_url
    from station.labels import sample_label
    from station.ports import MayHavePrinted, PrintError

    url = parse_device_url(url_text, Role.LABEL_PRINTER)
    printer, stop = registry.label_printer(url, paths.labels_dir(data_dir))
    try:
        result = printer.print_label("print-test", sample_label())
    except MayHavePrinted as exc:  # neither "printed" nor "NOT printed": look first
        raise UserError(
            f"Test label: {exc} Look at the printer before running print-test again."
        ) from exc
    except PrintError as exc:
        # Nothing keeps this label once the command ends: it must not promise
        # what the station's print queue does ("the label prints by itself").
        reason = re.sub(r",? the label prints by itself\.?", ".", str(exc), flags=re.IGNORECASE)
        raise UserError(
            f"The test label was NOT printed: {reason} Then run print-test again."
        ) from exc
    finally:
        stop()
    print(f"Test label sent: {result.location}")
    return 0


def _seed_demo(store: Store, data_dir: Path, settings: Settings, config: Path) -> None:
    from station.couriers.plan import CourierBook
    from station.couriers.range_admin import ensure_demo_ranges
    from station.demo import is_seeded, seed_demo

    if not is_seeded(store):
        summary = seed_demo(store, data_dir, settings.commands)
        print(f"Demo data ready in {data_dir}: {summary.describe()}", file=sys.stderr)
    # The demo's station may be renamed in its config: it gets numbers of its own.
    with store.session() as db:
        ensure_demo_ranges(db, settings.station, CourierBook.load(config.parent))
        db.commit()


def _with_demo_camera(settings: Settings, data_dir: Path) -> Settings:
    # The demo films and photographs without a camera (a generated video, looped).
    from devices.camera.demo_video import with_demo_camera

    try:
        return with_demo_camera(settings, data_dir)
    except OSError as exc:
        log.warning("the demo camera is not there: %s", exc)
        return settings


def _ranges(data_dir: Path, config: Path, settings: Settings, args: argparse.Namespace) -> int:
    from station.couriers.plan import CourierBook
    from station.couriers.range_admin import add_station_range, describe_ranges

    book = CourierBook.load(config.parent)
    station = args.station or settings.station
    # Like an import, a range only adds reference data: it may be added while the station packs.
    store = Store.open(data_dir)
    try:
        with store.write_lock, store.session() as db:
            if args.range_command == "add":
                print(add_station_range(db, station, book, args.courier, args.first, args.last))
                db.commit()
            print(f"Tracking numbers at station {station}:")
            for line in describe_ranges(db, station, book):
                print("  " + line)
    finally:
        store.close()
    return 0


def _import(
    data_dir: Path,
    kind: str,
    file: Path,
    settings: Settings,
    config: Path,
    store: Store | None = None,
) -> int:
    from station.couriers.plan import CourierBook
    from station.couriers.range_admin import missing_range_hints
    from station.importers import import_file

    own = store is None
    store = store or Store.open(data_dir)
    book = CourierBook.load(config.parent)
    try:
        with store.session() as db:
            report = import_file(db, kind, file, commands=settings.commands, couriers=book)
            print(report.summary())
            if kind == "orders":
                tare = settings.weighing.box_tare_g
                for hint in missing_range_hints(db, settings.station, book, tare):
                    print(hint)
    finally:
        if own:
            store.close()
    return 0


def _replay(
    store: Store, settings: Settings, data_dir: Path, config: Path, file: str, station: str | None
) -> int:
    from devices.pdf.manifest import manifest_printer, render_manifest_pdf
    from station.couriers.plan import CourierBook
    from station.handoff.replay_lines import dock_replay
    from station.replay import replay, utf8_lines

    with _session(store, settings, data_dir, config, station) as session:
        printer = manifest_printer(settings.devices.document_printer)
        couriers = CourierBook.load(config.parent)
        dock = dock_replay(session, couriers, data_dir, render_manifest_pdf, printer)
        try:
            if file == "-":
                replay(session, utf8_lines(sys.stdin.buffer, "standard input"), sys.stdout, dock)
                return 0
            with open(file, "rb") as lines:
                replay(session, utf8_lines(lines, f"replay file {file}"), sys.stdout, dock)
        except FileNotFoundError:
            raise UserError(f"Replay file {file} does not exist.") from None
        finally:
            dock.close()  # its central load decisions (with a central database)
    return 0


def _gui(store: Store, settings: Settings, data_dir: Path, config: Path, report_ready: bool) -> int:
    from ui.app import run_gui

    with _session(store, settings, data_dir, config, None) as session:
        log.info("station %s starting, data dir %s", session.station, data_dir)
        return run_gui(
            session,
            settings,
            report_ready=report_ready,
            label_printer=session.printer,
            config_path=config,
        )


if __name__ == "__main__":
    sys.exit(main())
