"""Headless pack sessions: one scan per line in, one JSON verdict per line out.

A line `@weight 1234` is not a scan: it puts a parcel of 1,234 g on the scale,
as a stable reading from a configured scale would. From a line `CMD-LOAD` on,
the lines go to the dock (station.handoff.replay_lines).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TextIO

from station.errors import UserError
from station.session import PackSession
from station.verdicts import Verdict

if TYPE_CHECKING:
    from station.handoff.replay_lines import DockReplay

WEIGHT_LINE = re.compile(r"@weight\s+(\d{1,7})\s*g?", re.IGNORECASE)
PIN_LINE = re.compile(r"@pin(?:\s+(\S+))?", re.IGNORECASE)


def utf8_lines(data: Iterable[bytes], source: str) -> Iterator[str]:
    """The lines of `data` as text; a line that is not UTF-8 stops the replay there.

    Raises:
        UserError: naming the line and byte; the lines before it were replayed.
    """
    for number, raw in enumerate(data, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UserError(
                f"Line {number} of {source} is not UTF-8 text (byte 0x{raw[exc.start]:02X} at "
                f"position {exc.start + 1}): the lines before it were replayed, none after it. "
                "Save the scans as UTF-8 and replay the rest."
            ) from None
        yield line.removeprefix("\ufeff") if number == 1 else line


def replay(
    session: PackSession, lines: Iterable[str], out: TextIO, dock: DockReplay | None = None
) -> int:
    """Feed every non-blank line to the session; return how many answers were written."""
    count = 0
    # The last scan if it asked for a PIN: only it is given again by a line "@pin 1234"
    # (an item given again would be counted twice, a unit nobody scanned).
    previous: str | None = None
    for line in lines:
        scan = line.rstrip("\r\n")
        if not scan.strip():
            continue
        pin = PIN_LINE.fullmatch(scan.strip())
        if pin is not None:
            answer = _with_pin(session, previous, pin.group(1))
            previous = previous if answer.get("needs_pin") else None  # a wrong PIN: again
        elif dock and dock.takes(scan):
            answer = dock.answer(scan)
        else:
            answer = _answer(session, scan)
            previous = scan if answer.get("needs_pin") else None
            _await_claim(session)
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        # Flushed per line so a reader (or a crash test) sees every stored verdict.
        out.flush()
        count += 1
    return count + _report_doubts(session, out)


def _await_claim(session: PackSession) -> None:
    # A script outruns the central claim's round trip: it waits for the answer, so the
    # next line meets what a packer would (no "not sealed yet" for want of a moment).
    link, order = session.central_link, session.open_order_id
    if link is not None and order is not None:
        link.wait_for_claim(order)


def _report_doubts(session: PackSession, out: TextIO) -> int:
    """Labels that may have printed (a crash mid-send): said, never asked, never resent.

    Replay has nobody to ask; the question waits for the station's window
    (or a later answer), and nothing is sent until then.
    """
    questions = session.label_questions()
    for question in questions:
        answer = {
            "scan": None,
            "verdict": "label_may_have_printed",
            "tracking": question.tracking,
            "job": question.job_id,
            "message": f"{question.text} It may have printed: the station stopped while it "
            "was being sent, or the printer took it without confirming it. It is not sent "
            "again until someone answers at the station.",
        }
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
    out.flush()
    return len(questions)


def _answer(session: PackSession, line: str) -> dict[str, object]:
    weight = WEIGHT_LINE.fullmatch(line.strip())
    if weight is None:
        return _done(session, session.handle_scan(line, source="replay"))
    verdict = session.handle_weight(int(weight.group(1)), source="replay")
    if verdict is None:
        return {
            "scan": line,
            "verdict": None,
            "message": "No parcel waits for the scale: the weight was ignored.",
        }
    return _done(session, verdict)


def _with_pin(session: PackSession, previous: str | None, pin: str | None) -> dict[str, object]:
    """The scan before, given again with a supervisor's PIN; the PIN is never echoed."""
    if pin is None:
        return {
            "scan": None,
            "verdict": None,
            "message": "A line @pin needs the PIN after it (@pin 1234): nothing done.",
        }
    if previous is None:
        return {
            "scan": None,
            "verdict": None,
            "message": "A line @pin gives a supervisor's PIN for the badge (or order) "
            "on the line before it that asked for one, and there is none: nothing done.",
        }
    return _done(session, session.handle_scan(previous, source="replay", pin=pin))


def _done(session: PackSession, verdict: Verdict) -> dict[str, object]:
    return session.wait_for_label(verdict).as_json()
