"""The pack screen fits a 1366 x 768 bench screen and uses a 1920 x 1080 one: nothing is lost."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from station.settings import Labels, Settings
from station.verdicts import VerdictKind
from tests.helpers.factory import CABLE_EAN, MUG_UPC, STRANGER_EAN, TAPE_EAN, Bench, add_order
from tests.ui.conftest import VERDICT_TIMEOUT_MS, PackScreen
from ui import style
from ui.main_window import PROMPT_LABEL, MainWindow

SIZES = [(1366, 768), (1920, 1080)]
# What the title bar and a desktop panel leave of a 768-line screen.
BENCH_SCREEN = (1366, 768 - 60)


def area_in_window(window: MainWindow, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def stacked_without_overlap(window: MainWindow) -> bool:
    """Header, banner, the middle, input, buttons and status bar: one under the other."""
    middle = window.order_table if window.order_table.isVisible() else window.prompt
    column = [
        window.header,
        window.banner,
        middle,
        window.input_bar,
        window.action_bar,
        window.device_status,
    ]
    areas = [area_in_window(window, widget) for widget in column]
    preview = area_in_window(window, window.label_preview)
    return (
        all(upper.bottom() < lower.top() for upper, lower in itertools.pairwise(areas))
        and areas[1].bottom() < preview.top()
        and preview.bottom() < areas[3].top()
        and window.rect().contains(areas[-1])
    )


@pytest.fixture
def long_order(bench: Bench) -> str:
    # Four lines: at 768 lines the table cannot show them all at once.
    add_order(bench.store, "SO-9", {"MUG-350": 2, "CABLE-USBC": 1, "TAPE-48": 3, "BOOK-01": 1})
    return "SO-9"


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_with_an_order_open_every_part_is_inside_the_window(
    screen: PackScreen, window: MainWindow, qtbot: QtBot, long_order: str, width: int, height: int
) -> None:
    window.resize(width, height)
    screen.scan_all("BADGE-P1", long_order, MUG_UPC)
    qtbot.waitUntil(lambda: window.size().toTuple() == (width, height))
    hint = window.minimumSizeHint()
    assert hint.width() <= width and hint.height() <= height
    inside = window.rect()
    parts = {
        "header": window.header,
        "banner": window.banner,
        "order table": window.order_table,
        "label panel": window.label_preview,
        "input field": window.input_bar,
        "log out": window.action_bar.logout_button,
        "acknowledge": window.action_bar.acknowledge_button,
        "status bar": window.device_status,
        "devices": window.device_status.devices_button,
    }
    for name, widget in parts.items():
        assert widget.isVisible(), name
        area = area_in_window(window, widget)
        assert inside.contains(area), f"{name} at {area} is not inside {inside}"
    qtbot.waitUntil(lambda: stacked_without_overlap(window))
    # The table and the label panel share the middle; the label panel keeps room for its words.
    assert window.label_preview.height() >= 150
    assert window.order_table.viewport().height() >= 2 * window.order_table.rowHeight(0)


def test_the_window_fits_what_a_768_line_screen_leaves_under_a_title_bar(
    screen: PackScreen, window: MainWindow, qtbot: QtBot, long_order: str
) -> None:
    window.resize(*BENCH_SCREEN)
    screen.scan_all("BADGE-P1", long_order, "NOT-IN-THIS-ORDER")  # the tall verdict band
    assert window.banner.needs_action
    hint = window.minimumSizeHint()
    assert hint.width() <= BENCH_SCREEN[0] and hint.height() <= BENCH_SCREEN[1]
    assert window.size().toTuple() == BENCH_SCREEN
    qtbot.waitUntil(lambda: window.order_table.isVisible())
    qtbot.waitUntil(lambda: stacked_without_overlap(window))


def test_a_label_with_long_words_beside_a_tall_band_still_fits(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    window.resize(*BENCH_SCREEN)
    screen.scan_all("BADGE-P1", "SO-3")
    with qtbot.waitSignal(window.label_preview.label_shown, timeout=VERDICT_TIMEOUT_MS):
        screen.scan(TAPE_EAN)
    assert window.label_preview.courier.text() == "DHL Express · Express Worldwide"
    screen.scan("NOT-A-PRODUCT")  # an error: the tall band, beside the label's words
    assert window.banner.needs_action
    qtbot.waitUntil(lambda: stacked_without_overlap(window))


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_row_being_scanned_is_always_in_view(
    screen: PackScreen, window: MainWindow, qtbot: QtBot, long_order: str, width: int, height: int
) -> None:
    window.resize(width, height)
    screen.scan_all("BADGE-P1", long_order, MUG_UPC)
    table = window.order_table
    scans = [(STRANGER_EAN, 3), (MUG_UPC, 0), (TAPE_EAN, 2), (CABLE_EAN, 1), (TAPE_EAN, 2)]
    for barcode, row in scans:
        verdict = screen.scan(barcode)
        assert verdict.kind in (VerdictKind.OK, VerdictKind.LINE_COMPLETE)
        assert table.lines_model.active_row == row
        qtbot.waitUntil(table.active_row_visible)
    # A wrong item makes the banner taller: the row just counted stays in view.
    screen.scan("NOT-IN-THIS-ORDER")
    assert window.banner.needs_action
    qtbot.waitUntil(table.active_row_visible)


def test_a_verdict_needing_action_takes_a_third_of_the_screen_in_large_type(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    window.resize(1920, 1080)
    screen.scan_all("BADGE-P1", "SO-1")
    routine = window.banner.height()
    assert routine >= 0.2 * 1080
    assert screen.scan(TAPE_EAN).kind is VerdictKind.WRONG_ITEM
    qtbot.waitUntil(lambda: window.banner.height() >= 0.3 * window.height())
    assert window.banner.width() >= window.width() - 40, "a full-width band"
    assert window.banner.headline_px() >= 72
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.banner.height() >= 0.3 * window.height())
    assert window.banner.headline_px() >= 50
    # The headline's words are all drawn: a long one shrinks to its line, it is not cut.
    headline = window.banner._headline
    assert headline.fontMetrics().horizontalAdvance(headline.text()) <= headline.width()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_type_is_readable_from_a_distance(window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    metrics = style.metrics_for(height)
    assert window.order_table.font().pixelSize() == metrics.table_px >= 22
    assert window.header.packer_label.font().pixelSize() >= 19
    assert window.order_table.verticalHeader().defaultSectionSize() >= metrics.thumbnail_px
    assert window.banner._detail.font().pixelSize() >= 24
    assert window.action_bar.logout_button.height() >= 46, "a button for a gloved finger"


@pytest.mark.parametrize(
    "settings", [Settings(station="bench-1", labels=Labels(scan_back="required"))]
)
def test_while_labels_wait_to_be_scanned_back_the_screen_asks_for_them(
    screen: PackScreen, window: MainWindow
) -> None:
    screen.scan_all("BADGE-P1", "SO-3")
    assert screen.scan(TAPE_EAN).kind is VerdictKind.ORDER_COMPLETE
    assert window.prompt.isVisible()
    assert window.prompt.text() == PROMPT_LABEL, "not 'Scan an order': the next order waits"
    assert window.banner.action() == "Scan the label on each box"
