"""Closing a load: the parcels not loaded decided, the manifest written, the close stored.

The order is durable-first: the manifest files are written whole, then the
close (each parcel left with its reason, the close scan, the close row with the
manifest's hash) is committed in one transaction, and only then does the dock
stop scans onto the load and print the manifest. A crash before the commit
leaves the load open and the files are written again at the next close.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from station.errors import UserError
from station.handoff import loads, remote
from station.handoff.engine import MAX_NAME, DockAwaiting, LoadAnswer, LoadingSession
from station.handoff.manifest_data import (
    NO_DRAWN_SIGNATURE,
    LeftParcel,
    ManifestData,
    ManifestFiles,
    ManifestParcel,
    PdfRenderer,
    manifest_files,
    sha256_hex,
    write_manifest,
)
from station.handoff.readiness import short_id
from station.handoff.tables import HandoffClose, HandoffLoad, HandoffScan
from station.models import Order, Parcel, utc_now
from station.ports import PermanentPrintError, PrintError
from station.verdicts import Verdict, VerdictKind

V = VerdictKind
# Prints a manifest PDF on the document printer; returns where it went.
ManifestPrinter = Callable[[Path], str]


@dataclass(frozen=True)
class Handover:
    """What the driver gives at the close."""

    driver: str
    vehicle: str = ""
    signature_png: bytes | None = None  # None: no drawn signature (a replayed close)
    photo: Path | None = None  # the cage, if a camera took one
    # The parcel count the driver checked and signed for (the close dialog's); None: not
    # shown to anyone (a replayed close).
    checked_count: int | None = None


@dataclass(frozen=True)
class LeftBehind:
    """A parcel of this courier sealed today that is on no load yet."""

    tracking: str
    order: str
    sealed_at: str


def not_loaded(session: LoadingSession) -> list[LeftBehind]:
    """The open load's courier's parcels of the day that are not on it, for the close screen."""
    load = session.state.load
    if load is None:
        return []
    with session.store.session() as db:
        parcels = loads.not_loaded(db, load, session.couriers.profiles, session.settings.warehouse)
        return [
            LeftBehind(parcel.tracking, _order_number(db, parcel), parcel.created_at.isoformat())
            for parcel in parcels
        ]


def close_load(
    session: LoadingSession,
    handover: Handover,
    data_dir: Path,
    render_pdf: PdfRenderer,
    *,
    reasons: Mapping[str, str] | None = None,
    default_reason: str | None = None,
    printer: ManifestPrinter | None = None,
    source: str = "button",
) -> LoadAnswer:
    """Close the open load for `handover`; its not-loaded parcels each need a reason.

    `reasons` maps a tracking number to why it stays; `default_reason` covers the
    others (a replayed close, where nobody is asked).

    Raises:
        UserError: a parcel not loaded has no reason (nothing is stored).
    """
    raw = session.settings.commands.close_load
    with session.lock:
        load = session.state.load
        if load is None:
            return session.handle_scan(raw, source=source)  # answered "no load open" (stored)
        driver = " ".join((handover.driver or session.state.driver).split())
        if not driver or len(driver) > MAX_NAME:  # (the close dialog caps the vehicle too)
            # Answered "driver required", stored as the close it answers.
            return session.record_driver(driver, source=source, scan=raw)
        with session.store.session() as db:
            on_load = loads.loaded_parcels(db, load.id)
            if handover.checked_count not in (None, len(on_load)):
                # A parcel came off (another dock's, as the central database decided) while
                # the close waited for its answers: the signature is not for this count.
                raise UserError(
                    f"The count changed while closing: {len(on_load)} parcel(s) are on the "
                    f"load now, not the {handover.checked_count} the driver checked. The "
                    "load stays open: check the count with the driver, then close again."
                )
            behind = loads.not_loaded(
                db, load, session.couriers.profiles, session.settings.warehouse
            )
            left = _reasons(db, behind, reasons or {}, default_reason)
            data = _manifest_data(db, session, load, on_load, left, handover, driver, data_dir)
        files = manifest_files(data_dir, data)
        try:
            write_manifest(files, data, render_pdf, handover.signature_png, handover.photo)
        except OSError as exc:  # a full disk, a folder not writable: nothing is stored
            raise UserError(
                f"The manifest cannot be written in {files.pdf.parent} ({exc.strerror or exc}): "
                "the load stays open. Free space or fix the folder, then close it again."
            ) from exc
        except PermanentPrintError as exc:  # e.g. a character in the name no font has
            raise UserError(
                f"The manifest cannot be drawn: {exc} The load stays open: correct the "
                "driver's name or vehicle, then close it again."
            ) from exc
        message = (
            f"Load {data.load} closed: {data.parcel_count} parcel(s) handed to {driver} "
            f"({load.courier}). Manifest {files.pdf.name}."
        )
        _store_close(session, load, data, behind, left, handover, files, data_dir, raw, message)
        session.closed_now(load)
    message += _printed(printer, files.pdf)
    verdict = Verdict(V.LOAD_CLOSED, raw, message)
    return LoadAnswer(
        verdict,
        DockAwaiting.NOTHING,
        load=data.load,
        courier=load.courier,
        count=data.parcel_count,
        manifest=str(files.pdf),
        parcels=data.parcel_count,
    )


def _reasons(
    db: Session, behind: list[Parcel], reasons: Mapping[str, str], default: str | None
) -> list[LeftParcel]:
    left, missing = [], []
    for parcel in behind:
        reason = " ".join((reasons.get(parcel.tracking) or default or "").split())
        if reason:
            left.append(LeftParcel(parcel.tracking, _order_number(db, parcel), reason))
        else:
            missing.append(parcel.tracking)
    if missing:
        raise UserError(
            f"{len(missing)} parcel(s) of this courier sealed today are not on the load: "
            f"{', '.join(missing[:10])}{' …' if len(missing) > 10 else ''}. Load each one, or "
            "say why it stays at the dock."
        )
    return left


def _order_number(db: Session, parcel: Parcel) -> str:
    order = db.get(Order, parcel.order_id)
    if order is not None:
        return order.number
    return remote.order_number(db, parcel.id) or "?"  # sealed at another station


def _manifest_data(
    db: Session,
    session: LoadingSession,
    load: HandoffLoad,
    on_load: list[Parcel],
    left: list[LeftParcel],
    handover: Handover,
    driver: str,
    data_dir: Path,
) -> ManifestData:
    photo = handover.photo
    return ManifestData(
        load=short_id(load.id),
        load_uuid=str(load.id),
        station=session.station,
        courier=load.courier,
        services=tuple(sorted({parcel.service for parcel in on_load})),
        date=load.created_at.date().isoformat(),
        opened_at=load.created_at.isoformat(),
        closed_at=utc_now().isoformat(),
        driver=driver,
        vehicle=" ".join(handover.vehicle.split()),
        signature="drawn" if handover.signature_png else NO_DRAWN_SIGNATURE,
        signature_sha256=sha256_hex(handover.signature_png) if handover.signature_png else None,
        photo=_relative(photo, data_dir) if photo else None,
        photo_sha256=sha256_hex(photo.read_bytes()) if photo else None,
        parcels=tuple(
            ManifestParcel(
                parcel.tracking,
                _order_number(db, parcel),
                parcel.service,
                parcel.weight_g,
                parcel.created_at.isoformat(),
            )
            for parcel in on_load
        ),
        left=tuple(left),
    )


def _relative(path: Path, data_dir: Path) -> str:
    try:
        return path.resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        return str(path)


def _store_close(
    session: LoadingSession,
    load: HandoffLoad,
    data: ManifestData,
    behind: list[Parcel],
    left: list[LeftParcel],
    handover: Handover,
    files: ManifestFiles,
    data_dir: Path,
    raw: str,
    message: str,
) -> None:
    reasons = {parcel.tracking: parcel.reason for parcel in left}
    rows: list[HandoffScan | HandoffClose] = [
        HandoffScan(
            station=session.station,
            seq=session.take_seq(),
            load_id=load.id,
            raw=parcel.tracking,
            source="close",
            verdict=V.PARCEL_LEFT.value,
            message=f"Parcel {parcel.tracking} stays at the dock: {reasons[parcel.tracking]}.",
            parcel_id=parcel.id,
            tracking=parcel.tracking,
            left_reason=reasons[parcel.tracking],
        )
        for parcel in behind
    ]
    rows.append(
        HandoffScan(
            station=session.station,
            seq=session.take_seq(),
            load_id=load.id,
            raw=raw,
            source="close",
            verdict=V.LOAD_CLOSED.value,
            message=message,
            driver=data.driver,
        )
    )
    rows.append(
        HandoffClose(
            station=session.station,
            seq=session.take_seq(),
            load_id=load.id,
            closed_at=datetime.fromisoformat(data.closed_at),
            driver_name=data.driver,
            vehicle=data.vehicle,
            signature_png=handover.signature_png,
            signature_note="" if handover.signature_png else NO_DRAWN_SIGNATURE,
            photo_path=data.photo,
            parcel_count=data.parcel_count,
            total_weight_g=data.total_weight_g,
            manifest_sha256=data.sha256,
            manifest_path=_relative(files.pdf, data_dir),
        )
    )
    with session.store.write_lock, session.store.session() as db:
        if loads.closing_of(db, load.id) is not None:
            raise UserError(f"Load {data.load} was closed meanwhile: it never changes.")
        for row in rows:
            db.add(row)
        db.commit()


def _printed(printer: ManifestPrinter | None, pdf: Path) -> str:
    if printer is None:
        return ""
    try:
        return f" Printed on {printer(pdf)}."
    except (UserError, PrintError) as exc:
        return f" MANIFEST NOT PRINTED: {exc} Print {pdf} by hand."
