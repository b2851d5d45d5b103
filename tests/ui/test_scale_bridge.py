"""The scale on the pack screen: a pty scale simulator weighs the parcel the station waits for."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from devices.scales.simulator import ScaleSimulator
from station.device_urls import Role, parse_device_url
from station.settings import Devices, Settings
from station.verdicts import Awaiting, Verdict, VerdictKind
from tests.helpers.factory import TAPE_EAN
from tests.ui.conftest import VERDICT_TIMEOUT_MS
from ui.main_window import MainWindow
from ui.scale_bridge import connect_scale

if sys.platform == "win32":  # pragma: no cover - the simulator needs a pty
    pytest.skip("the scale simulator needs a POSIX pty", allow_module_level=True)

# SO-3 holds one roll of tape (100 g in the test catalog) in a 150 g box.
PARCEL_G = 250


@pytest.fixture
def scale() -> Iterator[ScaleSimulator]:
    with ScaleSimulator("mt-sics") as simulator:
        yield simulator


@pytest.fixture
def settings(scale: ScaleSimulator) -> Settings:
    url = parse_device_url(f"scale+serial://{scale.port}?protocol=mt-sics", Role.SCALE)
    return Settings(station="bench-1", devices=Devices(scale=url))


@pytest.fixture
def scale_window(qtbot: QtBot, window: MainWindow, settings: Settings) -> Iterator[MainWindow]:
    stops = connect_scale(window, settings)
    yield window
    for stop in stops:
        stop()


def answer_to(qtbot: QtBot, window: MainWindow, scan: str) -> Verdict:
    with qtbot.waitSignal(window.verdict_shown, timeout=VERDICT_TIMEOUT_MS) as got:
        window.controller.scan(scan)
    verdict = got.args[0]
    assert isinstance(verdict, Verdict)
    return verdict


def weighed(qtbot: QtBot, window: MainWindow, scale: ScaleSimulator, grams: int) -> Verdict:
    with qtbot.waitSignal(window.verdict_shown, timeout=VERDICT_TIMEOUT_MS) as got:
        scale.set_weight(grams)
    verdict = got.args[0]
    assert isinstance(verdict, Verdict)
    return verdict


def pack_order_3(qtbot: QtBot, window: MainWindow) -> Verdict:
    answer_to(qtbot, window, "BADGE-P1")
    answer_to(qtbot, window, "SO-3")
    return answer_to(qtbot, window, TAPE_EAN)


def test_the_parcel_on_the_scale_is_weighed_and_its_verdict_shown(
    qtbot: QtBot, scale_window: MainWindow, scale: ScaleSimulator
) -> None:
    status = scale_window.device_status
    qtbot.waitUntil(lambda: getattr(status.health("scale"), "word", None) == "ready")
    complete = pack_order_3(qtbot, scale_window)
    assert complete.kind is VerdictKind.ORDER_COMPLETE
    assert scale_window.view is not None
    assert scale_window.view.awaiting is Awaiting.WEIGHT

    verdict = weighed(qtbot, scale_window, scale, PARCEL_G)

    assert verdict.kind is VerdictKind.WEIGHT_OK
    assert scale_window.view.awaiting is Awaiting.NOTHING
    weight = status.findChild(QLabel, "scale weight")
    assert weight is not None
    assert weight.text() == f"Weight: {PARCEL_G} g"


def test_a_wrong_weight_is_refused_and_the_corrected_parcel_weighed_again(
    qtbot: QtBot, scale_window: MainWindow, scale: ScaleSimulator
) -> None:
    pack_order_3(qtbot, scale_window)

    wrong = weighed(qtbot, scale_window, scale, 900)

    assert wrong.kind is VerdictKind.WEIGHT_MISMATCH
    assert scale_window.view is not None
    assert scale_window.view.awaiting is Awaiting.WEIGHT

    right = weighed(qtbot, scale_window, scale, PARCEL_G)

    assert right.kind is VerdictKind.WEIGHT_OK


def test_an_unplugged_scale_shows_as_not_connected(
    qtbot: QtBot, scale_window: MainWindow, scale: ScaleSimulator
) -> None:
    status = scale_window.device_status
    qtbot.waitUntil(lambda: getattr(status.health("scale"), "word", None) == "ready")

    scale.unplug()

    qtbot.waitUntil(lambda: getattr(status.health("scale"), "word", None) == "not connected")
    entry = status.entry("scale")
    assert entry is not None
    assert "plugged in" in entry.toolTip()
    weight = status.findChild(QLabel, "scale weight")
    assert weight is not None
    assert weight.text() == "Weight: none"
