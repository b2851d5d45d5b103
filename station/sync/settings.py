"""The `[central]` table of a station's config: where the central database is, how often to sync."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from station.errors import UserError

OFFLINE_OPEN = ("any", "claimed_only")


@dataclass(frozen=True)
class Central:
    """Without a url the station is an island: nothing is synced and no PostgreSQL is needed."""

    url: str | None = None  # postgresql://USER@HOST:PORT/DB, never with a password
    sync_interval_s: int = 30
    # Offline, may the bench open any order it has, or only those it had claimed?
    offline_open: str = "any"


def read_central(table: dict[str, Any], source: str) -> Central:
    """The [central] table, checked; a bad value raises UserError naming it."""
    known = {"url", "sync_interval_s", "offline_open"}
    for key in table:
        if key not in known:
            raise UserError(
                f"{source}: unknown setting central.{key}. Known: {', '.join(sorted(known))}."
            )
    url = table.get("url")
    if url is not None:
        _check_url(url, source)
    interval = table.get("sync_interval_s", Central.sync_interval_s)
    if isinstance(interval, bool) or not isinstance(interval, int) or not 1 <= interval <= 3600:
        raise UserError(
            f"{source}: setting central.sync_interval_s must be a whole number of seconds "
            f"from 1 to 3600, got {interval!r}."
        )
    offline_open = table.get("offline_open", Central.offline_open)
    if offline_open not in OFFLINE_OPEN:
        raise UserError(
            f"{source}: setting central.offline_open must be one of "
            f"{', '.join(repr(choice) for choice in OFFLINE_OPEN)}, got {offline_open!r}."
        )
    return Central(url, interval, offline_open)


def _check_url(url: Any, source: str) -> None:
    example = "postgresql://USER@HOST:5432/DATABASE"
    if not isinstance(url, str) or urlsplit(url).scheme not in ("postgresql", "postgres"):
        raise UserError(f"{source}: setting central.url must be a URL like {example!r}.")
    if urlsplit(url).password is not None:
        # The message must not repeat the URL: it holds the password.
        raise UserError(
            f"{source}: setting central.url holds a password. Remove it from the config and "
            "put it in the station's pgpass file (see README, Central database)."
        )
