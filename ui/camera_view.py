"""A camera's live picture, with the barcodes it reads outlined in the verdict colours.

The picture comes from the camera's own `LatestFrame` slot, taken on a timer without
waiting: the UI thread never waits for a camera, and when it is busy it shows the
newest frame and skips the rest. Capture, decoding and recording run on the camera's
threads; here a frame is only shrunk to the widget (OpenCV, ~1 ms for 720p) before it
becomes a QImage, so a big frame costs the UI thread little.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import cv2
import numpy as np
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from devices.camera.camera import LatestFrame
from devices.camera.decode import Found
from devices.camera.sources import BgrImage, Frame
from ui.style import ROLE_COLOURS, Role

REFRESH_MS = 40  # 25 pictures a second at most: above the 15 the issue asks for
# Outlines fade after this long without a read, so a code gone from view is not outlined.
OUTLINE_MS = 500
_KEPT_VERDICTS = 64  # the colours of the codes read lately; older ones are forgotten
NO_PICTURE_STYLE = "background: #263238; color: #eceff1;"


class CameraView(QLabel):
    """Shows the newest frame of a camera, scaled to fit, with the codes read outlined."""

    def __init__(self, frames: LatestFrame, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frames = frames
        self._lock = threading.Lock()
        self._found: tuple[float, list[Found]] = (0.0, [])
        self._roles: OrderedDict[str, Role] = OrderedDict()
        self.shown_frame = 0  # the number of the frame on screen (0: none yet)
        self.frames_shown = 0  # how many frames were put on screen, for a rate
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(160, 90)
        self.setWordWrap(True)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(REFRESH_MS)

    def decoded(self, frame: Frame, found: list[Found]) -> None:
        """What the camera's reader found in a frame (CameraScanner's `decoded`; any thread)."""
        with self._lock:
            self._found = (frame.time, found)

    def verdict_for(self, text: str, role: Role) -> None:
        """Colour the outline of `text` as its verdict was (UI thread)."""
        self._roles[text] = role
        self._roles.move_to_end(text)
        while len(self._roles) > _KEPT_VERDICTS:
            self._roles.popitem(last=False)

    def show_no_picture(self, words: str) -> None:
        """No frames: say why, in place of a frozen last picture."""
        self.clear()
        self.setStyleSheet(NO_PICTURE_STYLE)
        self.setText(words)
        self.shown_frame = 0

    def set_paused(self, paused: bool) -> None:
        """A hidden view takes no frames (the camera's other users go on)."""
        if paused:
            self._timer.stop()
        else:
            self._timer.start(REFRESH_MS)

    def _on_timer_timeout(self) -> None:
        if not self.isVisible() or self.window().isMinimized():
            return  # nobody looks: the frames are not even converted
        frame = self._frames.take(timeout=0)
        if frame is not None:
            self.show_frame(frame)

    def show_frame(self, frame: Frame) -> None:
        with self._lock:
            read_at, found = self._found
        if frame.time - read_at > OUTLINE_MS / 1000:
            found = []
        if self.shown_frame == 0:
            self.setStyleSheet("")
        image, scale = _fitted_qimage(frame.image, self.width(), self.height())
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for code in found:
            role = self._roles.get(code.text, Role.INFO)
            pen = QPen(QColor(ROLE_COLOURS[role][0]), max(3, image.width() // 120))
            painter.setPen(pen)
            painter.drawPolygon(
                QPolygonF([QPointF(x * scale, y * scale) for x, y in code.position])
            )
        painter.end()
        self.setPixmap(QPixmap.fromImage(image))
        self.shown_frame = frame.number
        self.frames_shown += 1


def _fitted_qimage(bgr: BgrImage, width: int, height: int) -> tuple[QImage, float]:
    """The picture shrunk (never enlarged) to fit width x height, and the scale used."""
    rows, columns = bgr.shape[:2]
    scale = min(1.0, width / columns, height / rows)
    if scale < 1.0:
        size = (max(1, round(columns * scale)), max(1, round(rows * scale)))
        bgr = np.asarray(cv2.resize(bgr, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    if bgr.ndim == 2:
        rgb = np.ascontiguousarray(np.repeat(bgr[:, :, None], 3, axis=2))
    else:  # BGR or BGRA: blue, green, red turned round, any alpha left out
        rgb = np.ascontiguousarray(bgr[:, :, 2::-1])
    rows, columns = rgb.shape[:2]
    # copy(): the QImage must own its pixels once the array is gone.
    image = QImage(rgb.data, columns, rows, 3 * columns, QImage.Format.Format_RGB888).copy()
    return image, scale
