"""One full exchange of a station with the central database: push, then pull.

The central database is the authority on what it has received (the push
positions live there). The station keeps a small file beside its store,
`central-sync.json`: its pull positions and, as a cache for when the central
database is out of reach, the push positions it last saw, so "how many
events are waiting" can be told offline.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, text
from sqlalchemy.dialects.postgresql import insert

from station.central import schema
from station.central.claims import mirror_claims
from station.central.connect import CentralUnreachable, central_engine, connected
from station.handoff.central import double_loaded
from station.store import Store
from station.sync import pull, push

STATE_FILE = "central-sync.json"
CONTACT = "contact"  # the cursor row that records a station's last complete exchange


@dataclass
class SyncState:
    pulled: dict[str, int] = field(default_factory=dict)
    pushed: dict[str, int] = field(default_factory=dict)
    last_sync: str | None = None

    @classmethod
    def load(cls, folder: Path) -> SyncState:
        try:
            data: dict[str, Any] = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
            return cls(dict(data["pulled"]), dict(data["pushed"]), data.get("last_sync"))
        except (OSError, ValueError, KeyError, TypeError):
            # Missing or unreadable: pull everything again (idempotent), which is safe.
            return cls()

    def save(self, folder: Path) -> None:
        # Written whole and renamed, so a crash leaves the old file or the new one.
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".central-sync-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(asdict(self), out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, folder / STATE_FILE)


@dataclass(frozen=True)
class SyncSummary:
    pushed: int
    pulled: int
    conflicts: int
    pending: int
    reached: bool = True

    def as_json(self) -> str:
        return json.dumps(
            {
                "pushed": self.pushed,
                "pulled": self.pulled,
                "conflicts": self.conflicts,
                "pending": self.pending,
            }
        )


def sync_once(
    url: str,
    store: Store,
    station: str,
    *,
    stop: threading.Event | None = None,
    engine: Engine | None = None,
) -> SyncSummary:
    """Push every waiting event, pull reference changes; never raises CentralUnreachable.

    Once `stop` is set (the station is closing) the push ends after its batch in
    flight and nothing is pulled. With `engine` (for `url`, the sync runner's, kept
    between exchanges) its connections are reused instead of a login per exchange.

    Raises:
        CentralError: a URL, login or schema problem that waiting will not fix.
    """
    folder = store.path.parent
    state = SyncState.load(folder)
    own_engine = engine is None
    engine = central_engine(url) if engine is None else engine
    progress = push.PushResult()  # counted as each batch commits, kept if the link fails

    def remember(stream: str, position: int) -> None:
        state.pushed[stream] = position

    try:
        state.pushed = push.positions(engine, station)
        result = push.push(engine, store, station, on_batch=remember, stop=stop, into=progress)
        if stop is not None and stop.is_set():
            state.save(folder)
            return SyncSummary(result.pushed, 0, 0, push.pending(store, state.pushed, station))
        pulled = pull.pull(engine, store, state.pulled)
        state.pulled = pulled.positions
        doubles = _touch_and_count_doubles(engine, station)
        # Claims (H2, station/central/claims.py): who packs what, for opening orders offline.
        mirror_claims(engine, store)
    except CentralUnreachable:
        state.save(folder)
        pending = push.pending(store, state.pushed, station)
        return SyncSummary(progress.pushed, 0, 0, pending, False)
    finally:
        if own_engine:
            engine.dispose()
    state.last_sync = datetime.now(UTC).isoformat()
    state.save(folder)
    conflicts = result.quarantined + len(pulled.conflicts) + doubles
    pending = push.pending(store, state.pushed, station)
    return SyncSummary(result.pushed, pulled.pulled, conflicts, pending)


def _touch_and_count_doubles(engine: Engine, station: str) -> int:
    """Record the exchange as complete; how many orders this station and another both
    packed, and how many of its parcels are also on another dock's load."""
    cursor = schema.sync_cursor
    with connected(engine) as connection:
        statement = insert(cursor).values(
            station=station, stream=CONTACT, position=0, delivered=0, updated_at=func.now()
        )
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["station", "stream"], set_={"updated_at": func.now()}
            )
        )
        packed = connection.execute(
            text(
                "SELECT count(DISTINCT mine.order_id) FROM parcel mine JOIN parcel other "
                "ON other.order_id = mine.order_id AND other.station <> mine.station "
                "WHERE mine.station = :station"
            ),
            {"station": station},
        ).scalar_one()
        loaded = sum(
            any(at.station == station for at in parcel.loads)
            for parcel in double_loaded(connection)
        )
        return int(packed) + loaded
