"""`main.py report accuracy|speed|exceptions`: the dashboard's figures for a period, on file.

Reads only: it may run while the station packs. The PDF is laid out by
devices/pdf/report_pdf.py, which main.py hands in (station/ knows no devices).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy.exc import DatabaseError

from station.errors import UserError
from station.settings import Settings
from station.store import DB_NAME, Store
from station.supervisor.figures import BY_CHOICES
from station.supervisor.period import Period, parse_day, station_zone
from station.supervisor.report import REPORT_KINDS, Report, as_csv, as_json, build_report
from station.supervisor.saved_days import CentralDays, DayBook, LocalDays
from station.supervisor.tables import Database

log = logging.getLogger(__name__)
PdfRenderer = Callable[[Report], bytes]
FORMATS = ("csv", "json", "pdf")
MAX_DAYS = 400  # a year and a bit: beyond it a report is a mistake in a date
# Days PackStation can have recorded: beyond them a date is a typo, and a local
# midnight near year 1 or 9999 has no UTC time at all (it overflowed, exit 3).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    report = commands.add_parser(
        "report",
        parents=[common],
        help="accuracy, speed or exceptions per packer, station or day, as CSV, JSON or PDF",
    )
    report.add_argument("kind", choices=REPORT_KINDS)
    report.add_argument("--from", dest="since", required=True, metavar="DATE", help="YYYY-MM-DD")
    report.add_argument(
        "--to", dest="until", required=True, metavar="DATE", help="YYYY-MM-DD, included"
    )
    report.add_argument("--by", choices=BY_CHOICES, default="packer")
    report.add_argument("--format", choices=FORMATS, default="json")
    report.add_argument(
        "--output", type=Path, metavar="FILE", help="where to write it (CSV and JSON: or stdout)"
    )
    report.add_argument(
        "--time-zone",
        metavar="ZONE",
        help="the stations' time zone for days and hours, e.g. Europe/Berlin "
        "(default: this computer's)",
    )
    report.add_argument(
        "--central",
        action="store_true",
        help="every station's figures, from the central database ([central] url)",
    )


def run(
    args: argparse.Namespace, data_dir: Path, settings: Settings, render_pdf: PdfRenderer
) -> int:
    """Write the report; a bad date, zone or output is a UserError (exit 2), nothing written."""
    period = _period(args.since, args.until, args.time_zone)
    if args.format == "pdf" and args.output is None:
        raise UserError("A PDF report needs --output FILE (e.g. --output report.pdf).")
    if args.output is not None:
        _refuse_the_store(args.output, data_dir)
    if args.central:
        report = _central_report(args, period, settings)
    else:
        report = _station_report(args, period, data_dir, settings)
    if args.format == "pdf":
        data = render_pdf(report)
    else:
        data = (as_csv(report) if args.format == "csv" else as_json(report)).encode("utf-8")
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    # Written beside it and renamed: a report is there whole or not at all.
    partial = args.output.with_name(f".{args.output.name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, args.output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(
            f"Cannot write the report to {args.output}: {exc.strerror or exc}. "
            "Give an --output in a folder that exists and can be written."
        ) from None
    print(f"{report.title} written to {args.output}", file=sys.stderr)
    return 0


def _refuse_the_store(output: Path, data_dir: Path) -> None:
    # A report written over the station's database (a slip in --output) would
    # replace every event it holds with a page of figures.
    store = (data_dir / DB_NAME).resolve()
    taken = {store.with_name(store.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")}
    if output.resolve() in taken:
        raise UserError(
            f"--output {output} is the station's database: give another file "
            "(e.g. --output report.json)."
        )


def _period(since: str, until: str, zone: str | None) -> Period:
    start, end = parse_day(since, "--from"), parse_day(until, "--to")
    for day, option in ((start, "--from"), (end, "--to")):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise UserError(
                f"{option} {day} is not a day a station can have packed on: "
                f"give a date from {FIRST_DAY} to {LAST_DAY}."
            )
    period = Period(start, end, station_zone(zone))
    if period.days > MAX_DAYS:
        raise UserError(
            f"--from {start} to --to {end} is {period.days} days: a report covers at most "
            f"{MAX_DAYS}. Check the dates, or make one report per year."
        )
    return period


def _station_report(
    args: argparse.Namespace, period: Period, data_dir: Path, settings: Settings
) -> Report:
    if not (data_dir / DB_NAME).is_file():
        raise UserError(f"There is no station database in {data_dir}: give --data-dir.")
    store = Store.open(data_dir)
    book: LocalDays | None = None
    try:
        book = _saved_days(data_dir)
        with store.session() as db:
            return _build(db, args, period, f"station {settings.station}", book)
    finally:
        store.close()
        if book is not None:
            book.close()


def _saved_days(data_dir: Path) -> LocalDays | None:
    """The saved day totals beside the store, or None where they cannot be used.

    A folder that cannot be written, or a damaged file: the same figures, summed
    from the events (slower). Anything else is a bug and stops the report.
    """
    try:
        return LocalDays(data_dir)
    except (DatabaseError, OSError) as error:
        log.warning("saved day totals not used (%s): the figures are summed from the events", error)
        return None


def _central_report(args: argparse.Namespace, period: Period, settings: Settings) -> Report:
    from station.central.connect import CentralUnreachable, central_engine, connected, shown

    if not settings.central.url:
        raise UserError(
            "No central database is configured: set [central] url in the config, "
            "or leave out --central for this station's figures."
        )
    engine = central_engine(settings.central.url)
    try:
        with connected(engine) as connection:
            source = f"central database {shown(engine.url)}"
            return _build(connection, args, period, source, CentralDays(connection))
    except CentralUnreachable as exc:
        raise UserError(f"{exc} No report was written; try again once it is reachable.") from exc
    finally:
        engine.dispose()


def _build(
    db: Database, args: argparse.Namespace, period: Period, source: str, book: DayBook | None
) -> Report:
    return build_report(db, args.kind, period, args.by, source, book)
