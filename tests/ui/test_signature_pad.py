"""The signature pad: a stroke by mouse or finger is drawn once and saved as a PNG with its ink."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from ui.signature_pad import SCALE, SignaturePad


def pad(qtbot: QtBot) -> SignaturePad:
    widget = SignaturePad()
    widget.resize(400, 160)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def ink_pixels(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("L")
    return int((np.asarray(image) < 128).sum())


def test_a_mouse_stroke_is_saved_as_ink_and_clear_takes_it_away(qtbot: QtBot) -> None:
    widget = pad(qtbot)
    assert widget.is_empty and widget.png() == b""
    with qtbot.waitSignal(widget.changed):
        QTest.mousePress(widget, Qt.MouseButton.LeftButton, pos=QPoint(20, 80))
        for x in range(40, 380, 20):
            QTest.mouseMove(widget, QPoint(x, 40 + x % 80))
        QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=QPoint(380, 60))

    png = widget.png()
    assert Image.open(io.BytesIO(png)).size == (400 * SCALE, 160 * SCALE)
    assert ink_pixels(png) > 500  # a line across the pad, not a speck

    widget.clear()
    assert widget.is_empty and widget.png() == b""


def test_a_finger_signs_once_even_though_qt_also_makes_mouse_events_of_it(
    qtbot: QtBot,
) -> None:
    widget = pad(qtbot)
    finger = QTest.createTouchDevice()
    QTest.touchEvent(widget, finger).press(0, QPoint(30, 100))
    for x in range(50, 350, 25):
        QTest.touchEvent(widget, finger).move(0, QPoint(x, 60))
    QTest.touchEvent(widget, finger).release(0, QPoint(350, 70))

    assert widget.stroke_count == 1 and not widget.is_empty
    assert ink_pixels(widget.png()) > 300


def test_a_tap_on_the_pad_is_no_signature(qtbot: QtBot) -> None:
    widget = pad(qtbot)
    for point in (QPoint(40, 30), QPoint(360, 130)):  # two taps, far apart
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=point)
    assert widget.stroke_count == 2 and widget.is_empty and widget.png() == b""
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, pos=QPoint(150, 100))
    QTest.mouseMove(widget, QPoint(200, 110))
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=QPoint(240, 100))
    assert not widget.is_empty  # a short mark across the pad is one
