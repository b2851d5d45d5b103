"""What the sync process tells the window about the central link, one JSON line each.

Kept apart from the sync itself so the window reads it without loading the
PostgreSQL driver (the window's start is timed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

SYNC_NOW = "now"  # a line the window writes to the sync process: exchange at once


@dataclass(frozen=True)
class LinkStatus:
    """What the status bar says about the central link."""

    online: bool
    waiting: int  # events not delivered yet, as far as the station knows
    conflicts: int = 0
    offline_since: datetime | None = None
    problem: str = ""  # a setting or login to fix (the link stays down until it is)

    def words(self) -> str:
        """The state in a few words, for the status bar ("online, 12 waiting")."""
        if self.problem:
            return "not connected"
        if self.online:
            return f"online, {self.waiting} waiting" if self.waiting else "online"
        # The packer's wall clock: the time they saw the link go, not UTC.
        since = self.offline_since.astimezone().strftime("%H:%M") if self.offline_since else "?"
        return f"offline since {since}, {self.waiting} waiting"

    def text(self) -> str:
        if self.problem:
            return f"Central: not connected ({self.problem})"
        return f"Central: {self.words()}"

    def to_json(self) -> str:
        """One line for the window, from the sync process (`from_json` reads it)."""
        return json.dumps(
            {
                "online": self.online,
                "waiting": self.waiting,
                "conflicts": self.conflicts,
                "offline_since": self.offline_since.isoformat() if self.offline_since else None,
                "problem": self.problem,
            }
        )

    @classmethod
    def from_json(cls, line: str) -> LinkStatus:
        """Raises ValueError for a line that is not a status (`to_json` writes them)."""
        try:
            data: dict[str, Any] = json.loads(line)
            since = data["offline_since"]
            return cls(
                online=bool(data["online"]),
                waiting=int(data["waiting"]),
                conflicts=int(data["conflicts"]),
                offline_since=datetime.fromisoformat(since) if since else None,
                problem=str(data["problem"]),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a link status: {line!r}") from exc
