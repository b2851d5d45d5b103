"""Events the central server quarantined: missing from its tables, but not deleted.

Sync sets aside, in the central table `quarantine`, an event the server
refused for good (a NUL byte from a noisy serial line, which PostgreSQL text
cannot hold), with the reason and the row as it was sent, and goes on
(station.sync.deliver.quarantine). Its link is in the central chain, its row
in no event table: `audit verify --central` names it as quarantined, with the
reason, not as a row deleted. The row kept in the quarantine is checked
against its link like any central row, so an edit there is still named.

A parcel's items travel in its transaction (station.sync.deliver): a
quarantined parcel's items are set aside with it. The quarantine keeps the
parcel alone; its items are found by the chain itself, where the commit that
wrote a parcel links it (with any other parcel of that commit), then their items.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

# (table, row id as the links name it) -> (reason, when, the station row as sent)
Kept = dict[tuple[str, str], tuple[str, str, Mapping[str, Any]]]


def kept_rows(connection: Connection, station: str, tables: frozenset[str]) -> Kept:
    """The rows of `station` the central server quarantined, by table and row id."""
    kept: Kept = {}
    rows = connection.execute(
        text(
            "SELECT stream, reason, created_at, rows FROM quarantine WHERE station = :s ORDER BY id"
        ),
        {"s": station},
    )
    for stream, reason, at, sent in rows:
        if stream not in tables:
            continue
        try:
            events = json.loads(sent)
        except ValueError:
            continue  # not what sync wrote: its rows are named as deleted
        for event in events if isinstance(events, list) else []:
            if isinstance(event, dict) and "id" in event:
                key = str(event["id"]).replace("-", "")
                kept[(str(stream), key)] = (str(reason), at.isoformat(), event)
    return kept


@dataclass
class SetAside:
    """One station's quarantine, asked about each linked row missing centrally."""

    connection: Connection
    station: str
    kept: Kept
    _parcels_of_item: dict[int, tuple[str, ...]] | None = field(default=None, init=False)

    def find(
        self, table: str, row_id: str, seq: int
    ) -> tuple[str, str, Mapping[str, Any] | None] | None:
        """(reason, when, the row as kept; None for a parcel's item) if it was quarantined."""
        found = self.kept.get((table, row_id))
        if found is not None or table != "parcelitem":
            return found
        for parcel in self._parcels_of(seq):
            if ("parcel", parcel) in self.kept:
                reason, at, _ = self.kept[("parcel", parcel)]
                return (f"{reason} (set aside with its parcel {parcel})", at, None)
        return None

    def _parcels_of(self, seq: int) -> tuple[str, ...]:
        """The parcels linked in a row just before the item's link."""
        if not any(table == "parcel" for table, _ in self.kept):
            return ()
        if self._parcels_of_item is None:
            self._parcels_of_item = {}
            rows = self.connection.execute(
                text(
                    "SELECT seq, table_name, row_id FROM audit_link WHERE station = :s "
                    "AND table_name IN ('parcel', 'parcelitem') ORDER BY seq"
                ),
                {"s": self.station},
            )
            block: list[str] = []
            after_item = True
            for link_seq, table, row_id in rows:
                if table == "parcel":
                    block = [str(row_id)] if after_item else [*block, str(row_id)]
                    after_item = False
                else:
                    self._parcels_of_item[int(link_seq)] = tuple(block)
                    after_item = True
        return self._parcels_of_item.get(seq, ())
