"""The live view: the newest frame, the codes read outlined in their verdict's colour."""

from __future__ import annotations

import numpy as np
from pytestqt.qtbot import QtBot

from devices.camera.camera import LatestFrame
from devices.camera.decode import Found
from devices.camera.sources import Frame
from ui.camera_view import CameraView
from ui.style import ROLE_COLOURS, Role


def frame(number: int, time: float = 0.0) -> Frame:
    return Frame(np.full((90, 160, 3), 128, dtype=np.uint8), time, number)


def test_the_view_shows_the_newest_frame_and_skips_the_rest(qtbot: QtBot) -> None:
    slot = LatestFrame()
    view = CameraView(slot)
    qtbot.addWidget(view)
    view.resize(160, 90)
    view.show()

    for number in (1, 2, 3):
        slot.put(frame(number))
    qtbot.waitUntil(lambda: view.shown_frame == 3, timeout=5000)

    assert slot.dropped == 2
    assert not view.pixmap().isNull()


def test_a_code_read_is_outlined_in_its_verdict_colour(qtbot: QtBot) -> None:
    slot = LatestFrame()
    view = CameraView(slot)
    qtbot.addWidget(view)
    view.resize(160, 90)
    view.show()
    corners = ((20, 20), (140, 20), (140, 70), (20, 70))
    view.decoded(frame(1, 1.0), [Found("4006381333931", "EAN-13", corners)])
    view.verdict_for("4006381333931", Role.STOP)

    view.show_frame(frame(2, 1.1))

    image = view.pixmap().toImage()
    edge = image.pixelColor(80, 20).name()
    middle = image.pixelColor(80, 45).name()
    assert edge == ROLE_COLOURS[Role.STOP][0]
    assert middle == "#808080"  # the picture itself, untouched


def test_an_outline_goes_when_the_code_is_no_longer_read(qtbot: QtBot) -> None:
    view = CameraView(LatestFrame())
    qtbot.addWidget(view)
    view.resize(160, 90)
    corners = ((20, 20), (140, 20), (140, 70), (20, 70))
    view.decoded(frame(1, 1.0), [Found("4006381333931", "EAN-13", corners)])

    view.show_frame(frame(30, 3.0))  # two seconds later, nothing read since

    assert view.pixmap().toImage().pixelColor(80, 20).name() == "#808080"


def test_a_bgra_frame_shows_its_colours(qtbot: QtBot) -> None:
    # Its alpha was read as a fourth colour: the picture came out skewed and wrongly tinted.
    view = CameraView(LatestFrame())
    qtbot.addWidget(view)
    view.resize(160, 90)
    bgra = np.zeros((90, 160, 4), dtype=np.uint8)
    bgra[:, :] = (255, 0, 0, 255)  # blue, opaque

    view.show_frame(Frame(bgra, 0.0, 1))

    image = view.pixmap().toImage()
    assert {image.pixelColor(x, y).name() for x, y in ((0, 0), (80, 45), (159, 89))} == {"#0000ff"}
