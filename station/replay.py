"""Headless pack sessions: one scan per line in, one JSON verdict per line out."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from station.session import PackSession


def replay(session: PackSession, lines: Iterable[str], out: TextIO) -> int:
    """Feed every non-blank line to the session as a scan; return how many."""
    count = 0
    for line in lines:
        scan = line.rstrip("\r\n")
        if not scan.strip():
            continue
        verdict = session.wait_for_label(session.handle_scan(scan, source="replay"))
        out.write(json.dumps(verdict.as_json(), ensure_ascii=False) + "\n")
        # Flushed per scan so a reader (or a crash test) sees every stored verdict.
        out.flush()
        count += 1
    return count
