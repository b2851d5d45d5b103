"""The audit trail's state in a few words, for a supervisor's screen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from station.audit.anchors import log_anchors, store_anchors
from station.audit.verify import Anchor, AuditReport, verify_chain
from station.store import Store


@dataclass(frozen=True)
class AuditState:
    ok: bool
    summary: str  # "intact: N links" or the first problem
    links: int
    last_anchor: Anchor | None
    first_problem: str | None = None


def full_report(store: Store, log_dir: Path | None = None) -> AuditReport:
    """Verify the store's chain against its own anchors and those in `log_dir`."""
    anchors = store_anchors(store) + (log_anchors(log_dir) if log_dir else [])
    with store.engine.connect() as connection:
        return verify_chain(connection, anchors)


def audit_state(store: Store, log_dir: Path | None = None) -> AuditState:
    """Verify the whole chain: about 5,000 events a second, so minutes on a year's store.

    Call it off the UI thread, on demand or rarely (not at every dashboard refresh).
    """
    report = full_report(store, log_dir)
    first = report.first()
    if first is None:
        return AuditState(
            True, f"intact: {report.links} links", report.links, report.newest_anchor()
        )
    return AuditState(
        False, f"BROKEN: {first.message}", report.links, report.newest_anchor(), first.message
    )
