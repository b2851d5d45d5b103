"""Sizes and colours of the pack screen, read from 2 m away with gloves on.

Sizes follow the window's height (`metrics_for`): a 1080-line screen gets the
full sizes, a 768-line bench screen the same screen a little smaller, so that
everything (the verdict, the row being scanned, the label, the buttons and the
status bar) is on screen at once.

Colours say one thing each: green is good, red is stop, blue (or the neutral
slate of an idle prompt) is information, and amber is kept for warnings, so
that amber always means "look, but carry on".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtGui import QFont

# The full sizes, on a 1080-line screen.
BANNER_HEADLINE_PX = 80
BANNER_DETAIL_PX = 40
BANNER_ICON_PX = 110
PROMPT_PX = 72
TABLE_PX = 30
HEADER_PX = 24
BUTTON_PX = 24
INPUT_PX = 28
THUMBNAIL_PX = 96
BUTTON_MIN_HEIGHT = 72

REFERENCE_HEIGHT = 1080
SMALLEST_SCALE = 0.66  # a 768-line screen, less its title bar and panel
LARGEST_SCALE = 1.25
# The verdict band's share of the window: larger when the packer must act.
BAND_SHARE = 0.22
BAND_SHARE_ACTION = 0.34
HEADLINE_MIN_PX = 36  # a long headline shrinks to fit its line, never below this


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for a window of a given height."""

    scale: float
    headline_px: int
    detail_px: int
    icon_px: int
    prompt_px: int
    table_px: int
    header_px: int
    button_px: int
    button_height: int
    input_px: int
    thumbnail_px: int
    band_px: int
    band_action_px: int


def metrics_for(height: int) -> Metrics:
    """The sizes for a window `height` pixels high."""
    scale = min(LARGEST_SCALE, max(SMALLEST_SCALE, height / REFERENCE_HEIGHT))

    def px(full: int, least: int = 0) -> int:
        return max(least, round(full * scale))

    return Metrics(
        scale=scale,
        headline_px=px(BANNER_HEADLINE_PX),
        detail_px=px(BANNER_DETAIL_PX, 24),
        icon_px=px(BANNER_ICON_PX),
        prompt_px=px(PROMPT_PX),
        table_px=px(TABLE_PX, 22),
        header_px=px(HEADER_PX, 19),
        button_px=px(BUTTON_PX, 19),
        button_height=px(BUTTON_MIN_HEIGHT, 46),
        input_px=px(INPUT_PX, 20),
        thumbnail_px=px(THUMBNAIL_PX, 56),
        band_px=round(min(height, REFERENCE_HEIGHT * LARGEST_SCALE) * BAND_SHARE),
        band_action_px=round(min(height, REFERENCE_HEIGHT * LARGEST_SCALE) * BAND_SHARE_ACTION),
    )


class Role(StrEnum):
    """What a colour tells the packer."""

    GOOD = "good"  # counted, weight right, label right
    DONE = "done"  # order complete: good, and the box can go
    STOP = "stop"  # an error: nothing goes on until it is dealt with
    WARNING = "warning"  # it went on, but someone should look
    INFO = "info"  # logged in, order open, acknowledged, put the box on the scale
    IDLE = "idle"  # a prompt: what to scan next


# Background and text colour per role: every verdict also has its own icon and
# words, so colour is never the only signal.
ROLE_COLOURS: dict[Role, tuple[str, str]] = {
    Role.GOOD: ("#1b7f37", "#ffffff"),
    Role.DONE: ("#0f5f2a", "#ffffff"),
    Role.STOP: ("#c62828", "#ffffff"),
    Role.WARNING: ("#f2a900", "#1a1a1a"),
    Role.INFO: ("#1257a6", "#ffffff"),
    Role.IDLE: ("#37474f", "#ffffff"),
}
IDLE_COLOURS = ROLE_COLOURS[Role.IDLE]
COMPLETE_ROW_COLOUR = "#c8e6c9"
COMPLETE_ROW_TEXT = "#0d3d16"
ACTIVE_ROW_COLOUR = "#d7e7fb"  # the row the last scan counted on
ACTIVE_ROW_DONE_COLOUR = "#a5d6a7"
# Small text colours (header and status bar) per role.
TEXT_COLOURS: dict[Role, str] = {
    Role.GOOD: "#2e7d32",
    Role.DONE: "#2e7d32",
    Role.STOP: "#c62828",
    Role.WARNING: "#b26a00",
    Role.INFO: "#1257a6",
    Role.IDLE: "#616161",
}


def font(pixels: int, *, bold: bool = False) -> QFont:
    """A font of `pixels` height, so sizes do not depend on the screen's DPI setting."""
    result = QFont()
    result.setPixelSize(pixels)
    result.setBold(bold)
    return result
