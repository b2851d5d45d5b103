"""The cameras' column on the pack screen: each camera's live view under a caption with
its state, stacked.

Shown between the order table and the last label; F8 (or `[camera] live_view = false`)
hides them all. Hidden, they take no frames: the cameras go on scanning and recording.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
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
# Up to this many cameras are stacked at full size; more share the column's height.
FULL_SIZE_CAMERAS = 2


class CameraPanel(QFrame):
    """One camera's live view with its name and state above it."""

    def __init__(self, camera_id: str, frames: LatestFrame, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.camera_id = camera_id
        self.frames = frames
        self.setObjectName("cameraPanel")
        self.caption = QLabel(f"Camera {camera_id}")
        self.view = CameraView(frames)
        self.view.show_no_picture("Opening the camera…")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.caption)
        column.addWidget(self.view)

    def set_metrics(self, metrics: style.Metrics, share: float = 1.0) -> None:
        """Size for the screen; `share` of the full width (several cameras stacked)."""
        small = metrics.scale < SMALL_SCREEN_SCALE
        width = round((SMALL_WIDTH_PX if small else VIEW_WIDTH_PX * metrics.scale) * share)
        self.view.setFixedSize(width, width * 9 // 16)
        self.caption.setFont(style.font(metrics.header_px))
        self.view.setFont(style.font(metrics.header_px, bold=True))

    def show_health(self, health: DeviceHealth) -> None:
        """The camera's state from the status bar: in the caption, and in place of a
        picture when there is none."""
        self.caption.setText(f"{health.title}: {health.word}")
        self.caption.setToolTip(health.tooltip)
        self.caption.setStyleSheet(f"color: {COLOURS[health.level]};")
        if health.level is not Level.OK:
            self.view.show_no_picture(f"No picture\n{health.word}")


class CameraColumn(QFrame):
    """Every camera's panel, stacked in the order configured, with one hint under them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraColumn")
        self.panels: list[CameraPanel] = []
        self._metrics: style.Metrics | None = None
        self._hidden = False
        self.hint = QLabel(f"{HIDE_KEY} hides")
        self.hint.setStyleSheet(f"color: {COLOURS[Level.NONE]};")
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(MARGIN_PX, 0, MARGIN_PX, 0)
        self._column.setSpacing(MARGIN_PX)
        self._column.addWidget(self.hint, 0, Qt.AlignmentFlag.AlignRight)
        self._column.addStretch(1)

    def add(self, camera_id: str) -> CameraPanel:
        """A panel for one more camera, under the others."""
        panel = CameraPanel(camera_id, LatestFrame(), self)
        self._column.insertWidget(len(self.panels), panel)
        self.panels.append(panel)
        panel.view.set_paused(self._hidden)
        if self._metrics is not None:
            self.set_metrics(self._metrics)
        return panel

    def set_metrics(self, metrics: style.Metrics) -> None:
        self._metrics = metrics
        self._fit()
        small = metrics.scale < SMALL_SCREEN_SCALE
        width = SMALL_WIDTH_PX if small else round(VIEW_WIDTH_PX * metrics.scale)
        self.setFixedWidth(width + 2 * MARGIN_PX)
        self.hint.setFont(style.font(max(14, metrics.header_px * 2 // 3)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Size the pictures to the column: full width for up to two cameras, and never
        taller together than the column is (stacked, they must not overlap)."""
        metrics = self._metrics
        if metrics is None or not self.panels:
            return
        share = min(1.0, FULL_SIZE_CAMERAS / len(self.panels))
        small = metrics.scale < SMALL_SCREEN_SCALE
        full = SMALL_WIDTH_PX if small else VIEW_WIDTH_PX * metrics.scale
        captions = sum(panel.caption.sizeHint().height() + 4 for panel in self.panels)
        room = self.height() - captions - self.hint.sizeHint().height()
        room -= MARGIN_PX * len(self.panels)
        if self.height() > 0 and room > 0:
            share = min(share, room / len(self.panels) * 16 / 9 / full)
        for panel in self.panels:
            panel.set_metrics(metrics, share)

    def set_shown(self, shown: bool) -> None:
        self._hidden = not shown
        self.setVisible(shown)
        for panel in self.panels:
            panel.view.set_paused(not shown)
