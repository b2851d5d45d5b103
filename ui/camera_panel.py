"""The cameras' column on the pack screen: each camera's live view under a caption with
its state, stacked.

Shown between the order table and the last label; F8 (or `[camera] live_view = false`)
hides them all. Hidden, they take no frames: the cameras go on scanning and recording.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLayout,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

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
# Two cameras side by side: each picture up to this share of one camera's full width.
SIDE_BY_SIDE_SHARE = 0.75
MIN_WIDTH_PX = 96


class CameraPanel(QFrame):
    """One camera's live view with its name and state above it."""

    def __init__(self, camera_id: str, frames: LatestFrame, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.camera_id = camera_id
        self.frames = frames
        self.setObjectName("cameraPanel")
        self.caption = QLabel(f"Camera {camera_id}")
        self.caption.setWordWrap(True)
        self.view = CameraView(frames)
        self.view.show_no_picture("Opening the camera…")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.caption)
        column.addWidget(self.view)

    def set_metrics(self, metrics: style.Metrics, share: float = 1.0) -> None:
        """Size for the screen; `share` of the full width (several cameras)."""
        small = metrics.scale < SMALL_SCREEN_SCALE
        width = round((SMALL_WIDTH_PX if small else VIEW_WIDTH_PX * metrics.scale) * share)
        self.view.setFixedSize(width, width * 9 // 16)
        narrow = share < 1  # several cameras: a smaller caption, on two lines if need be
        small_px = max(14, metrics.header_px * 2 // 3)
        self.caption.setFont(style.font(small_px if narrow else metrics.header_px))
        self.caption.setFixedWidth(width)
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
    """Every camera's panel, in the order configured, with one hint under them.

    The pictures take the height the screen leaves them: one camera at full width;
    more stacked, or side by side (two abreast, each up to SIDE_BY_SIDE_SHARE of the
    full width) when that shows them larger, as on a 1366 x 768 or 1920 x 1080 screen.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraColumn")
        self.panels: list[CameraPanel] = []
        self.abreast = 1  # pictures side by side
        self._metrics: style.Metrics | None = None
        self._hidden = False
        self.hint = QLabel(f"{HIDE_KEY} hides")
        self.hint.setStyleSheet(f"color: {COLOURS[Level.NONE]};")
        # Its height is what the screen has left, not what the pictures ask: `_fit`
        # sizes them to it (else two cameras make the window taller than the screen).
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Ignored)
        column = QVBoxLayout(self)
        column.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        column.setContentsMargins(MARGIN_PX, 0, MARGIN_PX, 0)
        column.setSpacing(MARGIN_PX)
        self._grid = QGridLayout()
        self._grid.setSpacing(MARGIN_PX)
        column.addLayout(self._grid)
        column.addWidget(self.hint, 0, Qt.AlignmentFlag.AlignRight)
        column.addStretch(1)

    def add(self, camera_id: str) -> CameraPanel:
        """A panel for one more camera, after the others."""
        panel = CameraPanel(camera_id, LatestFrame(), self)
        self.panels.append(panel)
        self._place()
        panel.view.set_paused(self._hidden)
        self._fit()
        return panel

    def set_metrics(self, metrics: style.Metrics) -> None:
        self._metrics = metrics
        self.hint.setFont(style.font(max(14, metrics.header_px * 2 // 3)))
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _place(self) -> None:
        for index, panel in enumerate(self.panels):
            self._grid.addWidget(panel, index // self.abreast, index % self.abreast)

    def _fit(self) -> None:
        """Size the pictures to the room: never taller together than the column is."""
        metrics = self._metrics
        if metrics is None or not self.panels:
            return
        small = metrics.scale < SMALL_SCREEN_SCALE
        full = SMALL_WIDTH_PX if small else round(VIEW_WIDTH_PX * metrics.scale)
        caption = self.panels[0].caption.sizeHint().height() + 4
        room = self.height() - self.hint.sizeHint().height() - MARGIN_PX
        count = len(self.panels)

        def width_with(abreast: int) -> int:
            rows = -(-count // abreast)
            widest = full if abreast == 1 else round(full * SIDE_BY_SIDE_SHARE)
            if room <= 0:  # not laid out yet
                return widest
            tall = (room - rows * (caption + MARGIN_PX)) / rows
            return max(MIN_WIDTH_PX, min(widest, int(tall * 16 / 9)))

        abreast = max((1, 2) if count > 1 else (1,), key=width_with)
        width = width_with(abreast)
        if abreast != self.abreast:
            self.abreast = abreast
            self._place()
        for panel in self.panels:
            panel.set_metrics(metrics, width / full)
        self.setFixedWidth(max(full, abreast * width + (abreast - 1) * MARGIN_PX) + 2 * MARGIN_PX)

    def set_shown(self, shown: bool) -> None:
        self._hidden = not shown
        self.setVisible(shown)
        for panel in self.panels:
            panel.view.set_paused(not shown)
