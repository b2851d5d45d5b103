"""The camera's column on the pack screen: its live view under a caption with its state.

Shown between the order table and the last label; F8 (or `[camera] live_view = false`)
hides it. Hidden, it takes no frames: the camera goes on scanning and recording.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from devices.camera.camera import LatestFrame
from ui import style
from ui.camera_view import CameraView
from ui.status_bar import COLOURS, DeviceHealth, Level

# A 16:9 picture this wide at full size: codes outlined in it are seen from the bench,
# and the order table keeps most of the screen.
VIEW_WIDTH_PX = 480
# On a small screen (1366 x 768) the order table needs the room: a smaller picture.
SMALL_SCREEN_SCALE = 0.9
SMALL_WIDTH_PX = 272
MARGIN_PX = 8
HIDE_KEY = "F8"  # F9 is the dashboard


class CameraPanel(QFrame):
    """One camera's live view with its name and state above it."""

    def __init__(self, camera_id: str, frames: LatestFrame, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.camera_id = camera_id
        self.frames = frames
        self.setObjectName("cameraPanel")
        self.caption = QLabel(f"Camera {camera_id}")
        self.hint = QLabel(f"{HIDE_KEY} hides")
        self.hint.setStyleSheet(f"color: {COLOURS[Level.NONE]};")
        self.view = CameraView(frames)
        self.view.show_no_picture("Opening the camera…")
        column = QVBoxLayout(self)
        column.setContentsMargins(MARGIN_PX, 0, MARGIN_PX, 0)
        column.setSpacing(4)
        column.addWidget(self.caption)
        column.addWidget(self.view)
        column.addWidget(self.hint, 0, Qt.AlignmentFlag.AlignRight)
        column.addStretch(1)

    def set_metrics(self, metrics: style.Metrics) -> None:
        small = metrics.scale < SMALL_SCREEN_SCALE
        width = SMALL_WIDTH_PX if small else round(VIEW_WIDTH_PX * metrics.scale)
        self.setFixedWidth(width + 2 * MARGIN_PX)
        self.view.setFixedSize(width, width * 9 // 16)
        self.caption.setFont(style.font(metrics.header_px))
        self.view.setFont(style.font(metrics.header_px, bold=True))
        self.hint.setFont(style.font(max(14, metrics.header_px * 2 // 3)))

    def show_health(self, health: DeviceHealth) -> None:
        """The camera's state from the status bar: in the caption, and in place of a
        picture when there is none."""
        self.caption.setText(f"{health.title}: {health.word}")
        self.caption.setToolTip(health.tooltip)
        self.caption.setStyleSheet(f"color: {COLOURS[health.level]};")
        if health.level is not Level.OK:
            self.view.show_no_picture(f"No picture\n{health.word}")

    def set_shown(self, shown: bool) -> None:
        self.setVisible(shown)
        self.view.set_paused(not shown)
