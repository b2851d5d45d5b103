"""Sizes and colours of the pack screen, read from 1.5 m away with gloves on."""

from __future__ import annotations

from PySide6.QtGui import QFont

from station.verdicts import Tone

BANNER_HEADLINE_PX = 48
BANNER_DETAIL_PX = 30
PROMPT_PX = 72
TABLE_PX = 30
HEADER_PX = 24
BUTTON_PX = 24
INPUT_PX = 28
THUMBNAIL_PX = 96
BUTTON_MIN_HEIGHT = 72

# Background and text colour per tone: every tone also has its own icon and
# words, so colour is never the only signal.
TONE_COLOURS: dict[Tone, tuple[str, str]] = {
    Tone.SUCCESS: ("#1b7f37", "#ffffff"),
    Tone.COMPLETE: ("#0b5fa5", "#ffffff"),
    Tone.ERROR: ("#c62828", "#ffffff"),
    Tone.INFO: ("#f2a900", "#1a1a1a"),
}
IDLE_COLOURS = ("#37474f", "#ffffff")
COMPLETE_ROW_COLOUR = "#c8e6c9"
COMPLETE_ROW_TEXT = "#0d3d16"


def font(pixels: int, *, bold: bool = False) -> QFont:
    """A font of `pixels` height, so sizes do not depend on the screen's DPI setting."""
    result = QFont()
    result.setPixelSize(pixels)
    result.setBold(bold)
    return result
