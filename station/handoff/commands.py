"""`main.py handoff …`: the loads of this station, one load, its export, parcels never collected."""

from __future__ import annotations

import argparse
import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from station.errors import UserError
from station.handoff import loads, remote
from station.handoff.manifest_data import canonical, sha256_hex
from station.handoff.readiness import short_id
from station.handoff.tables import HandoffClose, HandoffLoad, HandoffScan
from station.models import Order, Parcel, utc_now
from station.store import DB_NAME, Store


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    handoff = commands.add_parser(
        "handoff", parents=[common], help="loads handed to couriers, their manifests"
    )
    words = handoff.add_subparsers(dest="handoff_command", required=True)
    lister = words.add_parser("list", parents=[common], help="the loads, newest first")
    lister.add_argument("--date", help="only loads opened on this day (YYYY-MM-DD, UTC)")
    lister.add_argument("--courier", help="only this courier's loads (id or name)")
    show = words.add_parser("show", parents=[common], help="one load as JSON")
    show.add_argument("load", help="the load id (L-… or its full UUID)")
    export = words.add_parser(
        "export", parents=[common], help="copy a closed load's manifest files to DIR"
    )
    export.add_argument("load", help="the load id (L-… or its full UUID)")
    export.add_argument("dir", type=Path)
    pending = words.add_parser(
        "pending", parents=[common], help="parcels sealed but on no closed load, oldest first"
    )
    pending.add_argument(
        "--older-than", type=str, default="0", help="only parcels sealed this many hours ago"
    )
    pending.add_argument(
        "--days", type=str, default="14", help="how many days back to look (default 14)"
    )
    pending.add_argument(
        "--warehouse",
        help="only other stations' parcels of this warehouse (a dock with a central database)",
    )


def run(args: argparse.Namespace, data_dir: Path) -> int:
    if not (data_dir / DB_NAME).is_file():
        raise UserError(f"There is no station database in {data_dir}: give --data-dir.")
    store = Store.open(data_dir)
    try:
        with store.session() as db:
            if args.handoff_command == "list":
                return _list(db, args.date, args.courier)
            if args.handoff_command == "show":
                shown = load_json(db, _load(db, args.load))
                print(json.dumps(shown, indent=2, ensure_ascii=False))
                return 0
            if args.handoff_command == "export":
                return _export(db, _load(db, args.load), data_dir, args.dir)
            warehouse = _warehouse(args.warehouse)
            return _pending(db, _hours(args.older_than), _days(args.days), warehouse)
    finally:
        store.close()


def _load(db: Session, key: str) -> HandoffLoad:
    load = loads.find_load(db, key)
    if load is None:
        raise UserError(
            f"There is no load {key!r} at this station: `main.py handoff list` shows the loads."
        )
    return load


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"--date {text!r} is not a day: write it as YYYY-MM-DD.") from None


def _hours(text: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        hours = -1.0
    if not 0 <= hours <= 24 * 366:
        raise UserError(f"--older-than {text!r} must be a number of hours (0 to 8784).")
    return hours


def _warehouse(text: str | None) -> str | None:
    # An empty name listed every warehouse's parcels, as if --warehouse were not given.
    if text is not None and not text.strip():
        raise UserError(
            "--warehouse needs a warehouse's name ([station] warehouse), or leave it out."
        )
    return text


def _days(text: str) -> int:
    if not (text.strip().isdigit() and 1 <= int(text) <= 3660):
        raise UserError(f"--days {text!r} must be a whole number of days (1 to 3660).")
    return int(text)


def _list(db: Session, day_text: str | None, courier: str | None) -> int:
    day = _day(day_text)
    rows = list(db.exec(select(HandoffLoad).order_by(col(HandoffLoad.created_at).desc())))
    if day is not None:
        rows = [load for load in rows if load.created_at.date() == day]
    if courier is not None:
        wanted = courier.strip().casefold()
        if not wanted:
            raise UserError("--courier is empty: give a courier's id or name, e.g. --courier ups.")
        rows = [load for load in rows if wanted in (load.courier_id, load.courier.casefold())]
    if not rows:
        print("No loads.")
        return 0
    for load in rows:
        closing = loads.closing_of(db, load.id)
        state = (
            f"closed {closing.closed_at:%H:%M}, {closing.parcel_count} parcel(s), "
            f"driver {closing.driver_name}"
            if closing
            else f"OPEN, {loads.loaded_count(db, load.id)} parcel(s) so far"
        )
        print(f"{short_id(load.id)}  {load.created_at:%Y-%m-%d %H:%M}  {load.courier:16}  {state}")
    return 0


def load_json(db: Session, load: HandoffLoad) -> dict[str, Any]:
    closing = loads.closing_of(db, load.id)
    left = db.exec(
        select(HandoffScan)
        .where(HandoffScan.load_id == load.id, HandoffScan.left_reason != "")
        .order_by(col(HandoffScan.seq))
    )
    return {
        "load": short_id(load.id),
        "id": str(load.id),
        "station": load.station,
        "courier": load.courier,
        "courier_id": load.courier_id,
        "opened_at": load.created_at.isoformat(),
        "closed_at": closing.closed_at.isoformat() if closing else None,
        "driver": closing.driver_name if closing else None,
        "vehicle": closing.vehicle if closing else None,
        "signature": _signature(closing),
        "photo": closing.photo_path if closing else None,
        "manifest": closing.manifest_path if closing else None,
        "manifest_sha256": closing.manifest_sha256 if closing else None,
        "total_weight_g": closing.total_weight_g if closing else None,
        "parcels": [_parcel_json(db, parcel) for parcel in loads.loaded_parcels(db, load.id)],
        "left": [{"tracking": row.tracking, "reason": row.left_reason} for row in left],
    }


def _signature(closing: HandoffClose | None) -> str | None:
    if closing is None:
        return None
    return "drawn" if closing.signature_png else closing.signature_note


def _parcel_json(db: Session, parcel: Parcel) -> dict[str, Any]:
    order = db.get(Order, parcel.order_id)
    return {
        "tracking": parcel.tracking,
        "order": order.number if order else remote.order_number(db, parcel.id),
        "courier": parcel.courier,
        "service": parcel.service,
        "weight_g": parcel.weight_g,
        "sealed_at": parcel.created_at.isoformat(),
    }


def _export(db: Session, load: HandoffLoad, data_dir: Path, folder: Path) -> int:
    closing = loads.closing_of(db, load.id)
    if closing is None:
        raise UserError(
            f"Load {short_id(load.id)} is still open: close it at the dock, then export it."
        )
    pdf = data_dir / closing.manifest_path
    files = [pdf, pdf.with_suffix(".csv"), pdf.with_suffix(".json")]
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise UserError(
            f"The manifest files {', '.join(missing)} are missing from {data_dir}: restore "
            "them from a backup of the data dir (`main.py handoff show` prints the load's data)."
        )
    _check_manifest_hash(files[2], closing.manifest_sha256)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file: give a folder to export into.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path in files:
            shutil.copyfile(path, folder / path.name)
        if closing.signature_png:
            (folder / f"{pdf.stem}-signature.png").write_bytes(closing.signature_png)
    except OSError as exc:
        raise UserError(f"Cannot write into {folder}: {exc.strerror}.") from exc
    print(f"Load {short_id(load.id)}: manifest exported to {folder}.")
    return 0


def _check_manifest_hash(path: Path, recorded: str) -> None:
    """An export is a bundle anyone can check: one whose data no longer hashes to what
    the close recorded is refused, not handed on as the record of the handoff."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        body.pop("sha256")
        found = sha256_hex(canonical(body))
    except (OSError, ValueError, AttributeError, KeyError):
        found = ""
    if found != recorded:
        raise UserError(
            f"{path} was changed after the load was closed: its data no longer has the "
            f"SHA-256 the close recorded ({recorded}). Nothing was exported: restore the "
            "manifest from a backup of the data dir."
        )


def _pending(db: Session, hours: float, days: int, warehouse: str | None) -> int:
    parcels = loads.uncollected(
        db, timedelta(hours=hours), utc_now(), timedelta(days=days), warehouse
    )
    if not parcels:
        print(f"Every parcel sealed in the {days} days looked at is on a closed load.")
        return 0
    for parcel in parcels:
        print(
            f"{parcel.tracking:24}  {parcel.order:14}  {parcel.courier:16}  "
            f"sealed {parcel.sealed_at:%Y-%m-%d %H:%M} UTC ({parcel.hours:.0f} h ago)"
        )
    return 0
