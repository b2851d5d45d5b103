"""The station's own verifications, recorded beside its store for the dashboard to tell.

`main.py audit verify` and the dashboard's Verify audit trail walk the whole store
(minutes on a year's); what each found, per station, is kept in `audit-verified.json`
beside the store, so a dashboard opened later says how far the chain was found intact
and when, instead of nothing, and which checks ran: the dashboard's verification checks
the store against its own and the log's anchors, `main.py audit verify` the central
anchors as well when it reaches the central database. A note of what was run, not a
proof: whoever can edit the store can edit this file too, and the proof is verifying
again against the anchors.

Two verifications may finish at once (the dashboard's and the command line's): each
reads, changes and writes the file under an OS lock on `audit-verified.json.lock`,
so neither loses the other's stations.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from station.audit.report import AuditReport
from station.audit.state import Verification, station_states
from station.durable_files import write_whole
from station.errors import UserError
from station.models import utc_now

log = logging.getLogger("packstation.audit")
FILE_NAME = "audit-verified.json"
LOCK_NAME = FILE_NAME + ".lock"
LOCK_WAIT_S = 30.0  # another verification's write takes milliseconds; longer is a hang
STORE_AND_LOG = "store and log"  # the store against its own anchors and the log's
STORE_LOG_AND_CENTRAL = "store, log and central anchors"


class UnreadableRecord(UserError):
    """The record of the last verifications cannot be read (damaged, edited by hand)."""


def record_verification(
    folder: Path, report: AuditReport, at: datetime | None = None, checks: str = STORE_AND_LOG
) -> None:
    """Keep what a whole-store verification found, per station, and which `checks` it ran;
    raises OSError (the lock not had within LOCK_WAIT_S too, saying so)."""
    when = (at or utc_now()).isoformat()
    # Not the soft lock filelock falls back to: a crash would leave it behind for good.
    lock = FileLock(folder / LOCK_NAME, timeout=LOCK_WAIT_S, fallback_to_soft=False)
    try:
        with lock:
            _record(folder / FILE_NAME, report, when, checks)
    except Timeout as exc:
        raise OSError(
            f"another verification held {folder / LOCK_NAME} for {LOCK_WAIT_S:g} s; "
            "verify again to record this one"
        ) from exc


def _record(path: Path, report: AuditReport, when: str, checks: str) -> None:
    try:
        entries = _entries(path)
    except UnreadableRecord as exc:  # written anew: this verification is the record now
        log.warning("%s", exc)
        entries = {}
    for station, state in station_states(report).items():
        entries[station] = {
            "at": when,
            "seq": report.heads.get(station, 0),
            "problem": state.first_problem,
            "problems": state.problems,
            "checks": checks,
        }
    data = json.dumps(entries, indent=1, ensure_ascii=False, sort_keys=True)
    write_whole(path, data.encode())


def recorded_verifications(folder: Path) -> dict[str, Verification]:
    """The last verification of each station recorded in `folder` (none: no file)."""
    path = folder / FILE_NAME
    entries = _entries(path)
    try:
        return {
            str(station): Verification(
                datetime.fromisoformat(entry["at"]),
                int(entry["seq"]),
                None if entry["problem"] is None else str(entry["problem"]),
                int(entry.get("problems", 0)),
                # A record from before the checks were kept says nothing of them.
                checks=None if entry.get("checks") is None else str(entry["checks"]),
            )
            for station, entry in entries.items()
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise _unreadable(path, f"an entry lacks or misstates {exc}") from exc


def _entries(path: Path) -> dict[str, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise _unreadable(path, exc.strerror or str(exc)) from exc
    try:
        entries = json.loads(text)
    except ValueError as exc:
        raise _unreadable(path, f"not JSON: {exc}") from exc
    if not isinstance(entries, dict) or not all(isinstance(e, dict) for e in entries.values()):
        raise _unreadable(path, "not a JSON object of stations")
    return entries


def _unreadable(path: Path, reason: str) -> UnreadableRecord:
    return UnreadableRecord(
        f"The record of the last audit verification ({path}) cannot be read ({reason}): "
        "verify again (Verify audit trail, or `main.py audit verify`) to write it anew."
    )
