"""An order's trail in the dashboard's panel as wide as it is on a 1366 x 768 screen: no word,
code or time is broken across lines (it was: "acknowle|dged", "2026-03-|28 08:00:40")."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from station.supervisor.drill import Trail, TrailEvent, TrailLabel, TrailParcel, TrailScan
from ui.dashboard.drill_panel import DrillPanel

PANEL_WIDTH = 500  # the trail's share of a maximized window at 1366 x 768
START = datetime(2026, 3, 28, 23, 59, 20)


def scan(n: int, raw: str, verdict: str, message: str, packer: str = "BADGE-P1") -> TrailScan:
    return TrailScan(
        START + timedelta(seconds=20 * n), "bench-1", n, packer, raw, verdict, 1, None, message
    )


TRAIL = Trail(
    number="SO-1",
    order_id=uuid.uuid4(),
    scans=(
        scan(1, "SO-1", "order_opened", "Order SO-1 open: 3 unit(s) to scan."),
        scan(
            2,
            "9780201379624",
            "wrong_item",
            "WRONG ITEM: Design Patterns is not in this order. "
            "Take it out of the box and put it back on the shelf it came from.",
        ),
        scan(3, "CMD-ACK", "acknowledged", "Error acknowledged: carry on scanning."),
        scan(4, "036000291452", "line_complete", "Ceramic Mug 350 ml 2/2: line complete.", "B-2"),
    ),
    parcels=(
        TrailParcel(
            START + timedelta(minutes=2),
            "bench-1",
            "BADGE-P1",
            1,
            1,
            "HP00000000123456",
            "hansepost",
            "parcel",
            455,
            False,
            (TrailLabel(START, "label", "printed"), TrailLabel(START, "reprint", "printed")),
        ),
    ),
    events=(
        TrailEvent(
            START + timedelta(minutes=3),
            "bench-2",
            "BADGE-P2",
            "BADGE-S1",
            "exception_flagged",
            "damaged",
            "box crushed on the left side, see photo",
        ),
    ),
)


def broken_words(document: QTextDocument) -> list[str]:
    """Each line that starts inside a word, code or time: 'before|after'."""
    found = []
    block = document.begin()
    while block.isValid():
        text, layout = block.text(), block.layout()
        for number in range(1, layout.lineCount()):
            start = layout.lineAt(number).textStart()
            before, after = text[start - 1], text[start]
            if not before.isspace() and not after.isspace():
                found.append(f"{text[max(0, start - 12) : start]}|{text[start : start + 12]}")
        block = block.next()
    return found


def test_the_trail_breaks_no_word_in_a_narrow_panel(qtbot: QtBot) -> None:
    panel = DrillPanel()
    qtbot.addWidget(panel)
    panel.resize(PANEL_WIDTH, 700)
    panel.show()
    panel.show_trail("SO-1", TRAIL)
    document = panel.trail.document()
    document.setTextWidth(panel.trail.viewport().width())
    text = panel.trail.toPlainText()
    assert broken_words(document) == []
    assert "2026-03-28 23:59:40" in text and "2026-03-29 00:00:00" in text  # the date as it changes
    assert "00:00:20" in text.split("2026-03-29 00:00:00")[1]  # and not again the same day
    assert "acknowledged" in text and "HP00000000123456" in text and "box crushed" in text
    assert "BADGE-P1 @ bench-1" in text and "B-2 @ bench-1" in text  # two packers: said per scan
    assert panel.trail.horizontalScrollBar().maximum() == 0  # nothing off to the side
