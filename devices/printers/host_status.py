"""The ZPL host status (~HS): the request and what its three-line answer means.

Each line of the answer is framed STX ... ETX CR LF (ZPL II Programming
Guide, ~HS):

    1: aaa,b,c,dddd,eee,f,g,h,iii,j,k,l
       b paper out, c paused, dddd label length, eee formats in the buffer,
       f buffer full, g diagnostic mode, h partial format, iii unused,
       j corrupt RAM, k under temperature, l over temperature
    2: mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www
       o head up (open), p ribbon out, q thermal transfer, r print mode, ...
    3: xxxx,y  password, static RAM installed

Only what stops a label is read. An answer that does not look like this is
UNKNOWN, never READY: a garbled answer says nothing about the paper.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from devices.printers.status import PrinterState, PrinterStatus

REQUEST = b"~HS"
# The odometer (~HQOD): how much label the printer has ever printed. It only
# grows, so a reading before a label and one after tell whether it printed.
ODOMETER_REQUEST = b"~HQOD"
STX, ETX = b"\x02", b"\x03"
_LINE = re.compile(rb"\x02([^\x02\x03]*)\x03")
_ODOMETER = re.compile(rb"TOTAL NONRESETTABLE:\s*(\d{1,12})")

# (answer line, field index) -> the problem it reports when it is "1".
_FLAGS: dict[tuple[int, int], PrinterState] = {
    (0, 1): PrinterState.PAPER_OUT,
    (0, 2): PrinterState.PAUSED,
    (0, 5): PrinterState.BUFFER_FULL,
    (0, 9): PrinterState.ERROR,  # corrupt RAM: the printer lost its configuration
    (1, 2): PrinterState.HEAD_OPEN,
    (1, 3): PrinterState.RIBBON_OUT,
}
# Fewer fields than this and the flags above are not where we read them.
_MIN_FIELDS = (6, 4)


def answer_complete(data: bytes) -> bool:
    """True once all three lines have arrived, so a query need not wait any longer."""
    return len(_LINE.findall(data)) >= 3


def odometer_complete(data: bytes) -> bool:
    """True once the ~HS answer and the odometer's have both arrived."""
    return answer_complete(data) and parse_odometer(data) is not None


def parse_odometer(data: bytes | None) -> int | None:
    """The odometer's total in an answer to ~HQOD, or None if there is none (yet)."""
    for frame in _LINE.findall(data or b""):  # whole frames only: never half a number
        found = _ODOMETER.search(frame)
        if found:
            return int(found.group(1))
    return None


def formats_waiting(data: bytes | None) -> int | None:
    """Labels the printer holds, received and not all printed yet, or None if it did not say.

    ~HS line 1: eee formats in the receive buffer, h a label begun and not
    finished; line 2: uuuuuuuu labels remaining in the batch being printed.
    """
    lines = [line.decode("ascii", "replace").split(",") for line in _LINE.findall(data or b"")]
    if len(lines) < 2 or len(lines[0]) < 8 or len(lines[1]) < 9:
        return None
    counts = (lines[0][4].strip(), lines[1][8].strip())
    if not all(count.isdigit() for count in counts):
        return None
    partial = lines[0][7].strip() == "1"
    return sum(int(count) for count in counts) + int(partial)


def parse_host_status(data: bytes | None) -> PrinterStatus:
    """What the printer said, or UNKNOWN when it said nothing we can read."""
    if not data:
        return PrinterStatus.unknown("no answer to ~HS")
    lines = [line.decode("ascii", "replace").split(",") for line in _LINE.findall(data)]
    if len(lines) < 2 or any(
        len(fields) < minimum for fields, minimum in zip(lines, _MIN_FIELDS, strict=False)
    ):
        return PrinterStatus.unknown(f"unreadable answer to ~HS: {data!r}")
    problems = _problems(lines)
    if problems is None:
        return PrinterStatus.unknown(f"unreadable flags in the answer to ~HS: {data!r}")
    return PrinterStatus.from_problems(problems, detail=data.decode("ascii", "replace"))


def _problems(lines: Sequence[Sequence[str]]) -> list[PrinterState] | None:
    problems = []
    for (line, index), problem in _FLAGS.items():
        fields = lines[line]
        if index >= len(fields):
            continue  # an older firmware's shorter line: that flag is not reported
        flag = fields[index].strip()
        if flag not in ("0", "1"):
            return None
        if flag == "1":
            problems.append(problem)
    return problems
