"""Anchors: a station's chain head written where the store cannot take it back.

A chain proves edits and deletions inside it, but cutting off its newest
links (with their rows) leaves a shorter chain that still verifies. An anchor
writes the head (station, link number, hash) to the station's log, to the
central database when one is configured (station.audit.central) and to the
store; the verifier then requires every anchored link to be on the chain.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import col, select

from station.audit.records import CHAINED_STATIONS, AuditAnchor, AuditLink
from station.audit.report import Anchor
from station.models import utc_now
from station.store import Store

log = logging.getLogger("packstation.audit")
# Only the audit logger's own line (main.py's format: time, level, logger): text that
# another message merely quotes (a scan, a file name) is no anchor. The store's own
# chain (the packers, station.audit.registry.STORE_CHAIN) is named by "".
_LOG_LINE = re.compile(
    r"^(?P<at>\S+ \S+) INFO packstation\.audit: audit anchor: station=(?P<station>\S*) "
    r"seq=(?P<seq>\d+) hash=(?P<hash>[0-9a-f]{64})$"
)


def write_anchors(store: Store, *, every_head: bool = False) -> list[Anchor]:
    """Anchor each station's head that moved since its last anchor (`every_head`: each
    one, as `main.py audit anchor` does); the anchors written."""
    new: list[Anchor] = []
    latest = {anchor.station: anchor for anchor in store_anchors(store)}
    for station, seq, digest in _current_heads(store):
        known = latest.get(station)
        if known is not None and known.seq == seq and not every_head:
            continue
        now = utc_now()
        log.info("audit anchor: station=%s seq=%d hash=%s", station, seq, digest)
        new.append(Anchor(station, seq, digest, now.isoformat(), "store"))
    if new:
        with store.write_lock, store.session() as db:
            for anchor in new:
                db.add(AuditAnchor(station=anchor.station, seq=anchor.seq, hash=anchor.hash))
            db.commit()
    return new


_CHAINED_STATIONS = text(
    CHAINED_STATIONS + " SELECT station FROM chained WHERE station IS NOT NULL"
)


def _current_heads(store: Store) -> list[tuple[str, int, str]]:
    with store.session() as db:
        stations = [row[0] for row in db.connection().execute(_CHAINED_STATIONS)]
        found = []
        for station in stations:
            head = db.exec(
                select(AuditLink.seq, AuditLink.hash)
                .where(AuditLink.station == station)
                .order_by(col(AuditLink.seq).desc())
                .limit(1)
            ).first()
            if head is not None:
                found.append((station, head[0], head[1].hex()))
    return found


def store_anchors(store: Store) -> list[Anchor]:
    """The newest anchor of each station kept in the store."""
    with store.session() as db:
        rows = db.exec(select(AuditAnchor).order_by(col(AuditAnchor.id))).all()
    newest = {row.station: row for row in rows}
    return [
        Anchor(row.station, row.seq, row.hash, row.anchored_at.isoformat(), "store")
        for row in newest.values()
    ]


def log_anchors(log_dir: Path) -> list[Anchor]:
    """Every anchor written to the station's logs (rotated ones included)."""
    return list(_parse(sorted(log_dir.glob("packstation.log*"))))


def _parse(files: Iterable[Path]) -> Iterable[Anchor]:
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            found = _LOG_LINE.match(line)
            if found:
                yield Anchor(found["station"], int(found["seq"]), found["hash"], found["at"], "log")


class AnchorScheduler:
    """Anchor the chain heads every `every_s` while the station runs, on its own thread.

    A session's close anchors too; this bounds what a crash or a cut-back file
    can hide to the last interval. With a central URL the anchors go there as well.
    """

    def __init__(self, store: Store, *, every_s: float = 900.0, central_url: str | None = None):
        self._store = store
        self._every_s = every_s
        self._central_url = central_url
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="audit-anchors", daemon=True)

    def start(self) -> AnchorScheduler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.wait(self._every_s):
            self.anchor_now()

    def anchor_now(self) -> list[Anchor]:
        """Anchor what moved; a store or central database that cannot take it is logged."""
        try:
            anchors = write_anchors(self._store)
        except DatabaseError as exc:
            log.warning("audit anchor not written: %s", exc)
            return []
        if anchors and self._central_url is not None:
            self._send(anchors)
        return anchors

    def _send(self, anchors: list[Anchor]) -> None:
        from station.audit.central import send_anchors
        from station.central.connect import central_engine

        assert self._central_url is not None
        try:
            engine = central_engine(self._central_url)
            try:
                send_anchors(engine, anchors)
            finally:
                engine.dispose()
        # Whatever the central side says (unreachable, refused, not migrated to c0005),
        # the anchor is in the log and the store, and the next interval tries again.
        except Exception as exc:
            log.warning("audit anchor not sent to the central database: %s", exc)
