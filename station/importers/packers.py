"""Packers import: badges, names, roles and supervisor PINs.

PINs are never stored: `pin_hash` holds a salted scrypt hash in the format
"scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>", which `verify_pin` checks.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from station.importers.batches import write_in_batches
from station.importers.common import (
    Checker,
    Columns,
    Context,
    ImportReport,
    Row,
)
from station.importers.lookups import ScanNames, chunked, scan_keys
from station.label_rules import MAX_BADGE, MAX_PACKER_NAME
from station.models import Packer, new_id, utc_now

COLUMNS = Columns(required=("badge", "name", "role"), optional=("pin",))
ROLES = ("packer", "supervisor", "admin")  # an admin may do all a supervisor may

# scrypt cost: about 16 MiB and a few tens of ms per PIN, slow enough to make
# guessing a stolen database's PINs expensive, fast enough for a login.
_N, _R, _P = 2**14, 8, 1
_MAX_MEM = 64 * 1024 * 1024
_PIN = re.compile(r"[0-9]{4,12}")


def hash_pin(pin: str) -> str:
    """A salted hash of `pin` for Packer.pin_hash."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, maxmem=_MAX_MEM)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin_hash: str, pin: str) -> bool:
    """True if `pin` is the PIN `pin_hash` was made from; False for a malformed hash."""
    try:
        scheme, n, r, p, salt, digest = pin_hash.split("$")
        expected = bytes.fromhex(digest)
        actual = hashlib.scrypt(
            pin.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_MAX_MEM,
            dklen=len(expected),
        )
    # Wrong field count, bad hex or numbers, a cost beyond maxmem: not our hash.
    except (ValueError, OverflowError):
        return False
    return scheme == "scrypt" and hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class PackerDraft:
    row: Row
    badge: str
    name: str
    role: str
    pin: str | None


def import_rows(session: Session, rows: Sequence[Row], context: Context) -> ImportReport:
    checker = Checker()
    drafts = [_packer(row, checker, context) for row in rows]
    packers = [draft for draft in drafts if draft is not None]
    _check_duplicates(packers, checker)
    _check_store(session, packers, checker, context.commands)
    checker.reject_if_any(context.source)
    return _write(session, packers, context.source)


def _packer(row: Row, checker: Checker, context: Context) -> PackerDraft | None:
    """The row as a packer; None without a badge (a partial draft is never written)."""
    if context.form == "json":
        COLUMNS.check_keys(row, checker)
    badge = checker.text(row, "badge", limit=MAX_BADGE, scanned=True)
    name = checker.text(row, "name", limit=MAX_PACKER_NAME)
    role = checker.text(row, "role", limit=20)
    if role is not None and role.lower() not in ROLES:
        checker.add(row, "role", f"{role!r} is not a role; use packer, supervisor or admin")
    pin = checker.text(row, "pin", required=False)
    if pin is not None and not _PIN.fullmatch(pin):
        checker.add(row, "pin", "a PIN is 4 to 12 digits; fix it or leave it empty")
    if badge is None:
        return None
    return PackerDraft(row, badge, name or "", (role or "").lower(), pin)


def _check_duplicates(packers: Sequence[PackerDraft], checker: Checker) -> None:
    first: dict[str, Row] = {}
    for packer in packers:
        if packer.badge in first:
            checker.add(
                packer.row,
                "badge",
                f"badge {packer.badge!r} is already on "
                f"{first[packer.badge].ref}; each packer needs their own badge",
            )
        first.setdefault(packer.badge, packer.row)


def _check_store(
    session: Session, packers: Sequence[PackerDraft], checker: Checker, commands: frozenset[str]
) -> None:
    names = ScanNames(session, {key for packer in packers for key in scan_keys(packer.badge)})
    orders, barcodes = names.order_numbers(), names.barcodes()
    for packer in packers:
        for command in sorted(scan_keys(packer.badge) & commands):
            checker.add(
                packer.row,
                "badge",
                f"badge {packer.badge!r} is the station's command barcode {command!r}; "
                "scanning it would run the command, never log in",
            )
        for key in sorted(scan_keys(packer.badge) & (orders.keys() | barcodes.keys())):
            what = (
                f"order number {key!r}"
                if key in orders
                else (f"a barcode of product {barcodes[key]!r}")
            )
            checker.add(
                packer.row,
                "badge",
                f"badge {packer.badge!r} is also {what}; a scan of it would be ambiguous",
            )


def _write(session: Session, packers: Sequence[PackerDraft], source: str) -> ImportReport:
    existing = _existing(session, [packer.badge for packer in packers])
    rows: list[tuple[dict[str, object], bool]] = []  # (values, new)
    for draft in packers:
        packer = existing.get(draft.badge)
        # No PIN in the file keeps the stored one, so a roster can be
        # re-imported without anyone handing their PIN out again.
        new_pin = draft.pin is not None and not _pin_matches(packer, draft.pin)
        unchanged = packer is not None and (packer.name, packer.role) == (draft.name, draft.role)
        if unchanged and not new_pin:
            continue
        values: dict[str, object] = {
            "id": packer.id if packer else new_id(),
            "badge": draft.badge,
            "name": draft.name,
            "role": draft.role,
        }
        if draft.pin is not None and new_pin:
            # Hashed here, before any transaction: scrypt takes tens of ms a PIN.
            values["pin_hash"] = hash_pin(draft.pin)
        rows.append((values, packer is None))
    write_in_batches(session, rows, _write_batch, source=source, noun="packer")
    created = sum(1 for _, new in rows if new)
    updated = len(rows) - created
    return ImportReport("packers", created, updated, len(packers) - created - updated)


def _write_batch(db: Session, batch: list[tuple[dict[str, object], bool]]) -> None:
    now = utc_now()
    fresh = [{**values, "created_at": now, "updated_at": now} for values, new in batch if new]
    if fresh:
        db.execute(insert(Packer), fresh)
    for values, new in batch:
        if not new:
            # One statement per packer: rows with and without a new PIN differ in columns.
            db.execute(update(Packer), [{**values, "updated_at": now}])


def _existing(session: Session, badges: Sequence[str]) -> dict[str, Packer]:
    found: dict[str, Packer] = {}
    for chunk in chunked(sorted(set(badges))):
        for packer in session.exec(select(Packer).where(col(Packer.badge).in_(chunk))):
            found[packer.badge] = packer
    return found


def _pin_matches(packer: Packer | None, pin: str) -> bool:
    return packer is not None and packer.pin_hash is not None and verify_pin(packer.pin_hash, pin)
