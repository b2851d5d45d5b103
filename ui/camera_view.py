"""A camera's live picture, with the barcodes it reads outlined in the verdict colours.

Not on the pack screen yet (a standalone widget). The picture comes from the camera's
own `LatestFrame` slot, taken on a timer without waiting: the UI thread never waits for
a camera, and when it is busy it shows the newest frame and skips the rest.
"""

from __future__ import annotations

import threading

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


class CameraView(QLabel):
    """Shows the newest frame of a camera, scaled to fit, with the codes read outlined."""

    def __init__(self, frames: LatestFrame, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frames = frames
        self._lock = threading.Lock()
        self._found: tuple[float, list[Found]] = (0.0, [])
        self._roles: dict[str, Role] = {}
        self.shown_frame = 0  # the number of the frame on screen (0: none yet)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(160, 90)
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

    def _on_timer_timeout(self) -> None:
        frame = self._frames.take(timeout=0)
        if frame is not None:
            self.show_frame(frame)

    def show_frame(self, frame: Frame) -> None:
        with self._lock:
            read_at, found = self._found
        if frame.time - read_at > OUTLINE_MS / 1000:
            found = []
        image = _qimage(frame.image)
        painter = QPainter(image)
        for code in found:
            role = self._roles.get(code.text, Role.INFO)
            pen = QPen(QColor(ROLE_COLOURS[role][0]), max(3, image.width() // 200))
            painter.setPen(pen)
            painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in code.position]))
        painter.end()
        pixmap = QPixmap.fromImage(image)
        self.setPixmap(
            pixmap.scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        self.shown_frame = frame.number


def _qimage(bgr: BgrImage) -> QImage:
    rgb = np.ascontiguousarray(bgr[:, :, ::-1])
    height, width = rgb.shape[:2]
    # copy(): the QImage must own its pixels once the array is gone.
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
