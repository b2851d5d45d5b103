"""A supervisor who unlocked a void or a bulk print, through the one gate (supervisor_auth)."""

from __future__ import annotations

from station.store import Store
from station.supervisor_auth import Action, Supervisor, authorize


def approver(
    store: Store,
    action: Action = Action.VOID_LABEL,
    badge: str = "BADGE-S1",
    pin: str | None = None,
    station: str = "bench-1",
) -> Supervisor:
    """The factory's supervisor (Sam, no PIN unless a test gave one), allowed and recorded."""
    answer = authorize(store, station, badge, pin, action, how="test")
    assert isinstance(answer, Supervisor), answer
    return answer
