"""The evidence viewer: find an order by its number or a tracking number, play its
video with its scans as markers to jump to, see its photos, export its bundle.

The video plays in Qt Multimedia (its FFmpeg backend plays VP9/WebM here). The order's
segments are joined into one clip without encoding them again (devices/camera/clips.py),
so one player plays the order from start to end and a marker is one position in it.
Every lookup, join, photo load and export runs on `run_in_background`: the window
never waits for the disk.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from station import evidence
from station.errors import UserError
from station.evidence_lookup import OrderEvidence, load_order_evidence
from station.store import Store
from ui import style
from ui.dialogs import run_in_background

log = logging.getLogger(__name__)

PHOTO_PX = 160
LIST_PX = 20
# A marker shows the moment leading to its scan, not only the scan.
LEAD_IN_S = 1.5
TITLE = "Evidence"
MARKETPLACE_CUT = "and a marketplace cut"
HINT = "Scan or type an order number or a tracking number, then press Enter."


@dataclass(frozen=True)
class _Loaded:
    evidence: OrderEvidence
    clip: Path | None  # the order's segments joined, in the viewer's own temporary folder
    photos: list[tuple[Path, QImage]]
    problems: list[str]  # files missing or changed since they were recorded
    unplayable: list[str]  # recorded as they are, but cut short by a crash or unreadable


class EvidenceViewer(QDialog):
    """Find an order's evidence, play it, jump to its scans, export it."""

    shown_order = Signal(str)  # the order now on screen (its clip is loading in the player)
    exported = Signal(str)  # the bundle's folder
    failed = Signal(str)  # what went wrong, also on screen

    def __init__(self, store: Store, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self._store = store
        self._data_dir = data_dir
        self._clips = tempfile.TemporaryDirectory(prefix="packstation-viewer-")
        self._loaded: _Loaded | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText("Order or tracking number")
        self.search.setFont(style.font(style.HEADER_PX))
        self.find_button = QPushButton("Find")
        self.message = QLabel(HINT)
        self.message.setWordWrap(True)
        self.video = QVideoWidget()
        self.video.setMinimumSize(480, 270)
        self.player = QMediaPlayer(self)
        self.player.setVideoOutput(self.video)
        self.play_button = QPushButton("Play")
        self.play_button.setEnabled(False)
        self.position = QSlider(Qt.Orientation.Horizontal)
        self.position.setEnabled(False)
        self.markers = QListWidget()
        self.markers.setFont(style.font(LIST_PX))
        self.markers.setToolTip("The order's scans: choose one to see it on the video.")
        self.photos = QListWidget()
        self.photos.setViewMode(QListWidget.ViewMode.IconMode)
        self.photos.setIconSize(QSize(PHOTO_PX, PHOTO_PX * 3 // 4))
        self.photos.setMaximumHeight(PHOTO_PX + 24)
        self.export_button = QPushButton("Export…")
        self.export_button.setEnabled(False)
        self.marketplace_cut = QCheckBox(MARKETPLACE_CUT)
        self.marketplace_cut.setToolTip(
            "Export also writes marketplace/: the clip cut to 60 s and 30 MB, at most 6 photos."
        )
        self._build()
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.find_button.clicked.connect(self._on_search_return_pressed)
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.markers.itemActivated.connect(self._on_markers_item_activated)
        self.markers.itemClicked.connect(self._on_markers_item_activated)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.player.playbackStateChanged.connect(self._on_player_playback_state_changed)
        self.player.durationChanged.connect(self._on_player_duration_changed)
        self.player.positionChanged.connect(self._on_player_position_changed)
        self.position.sliderMoved.connect(self.player.setPosition)
        self.finished.connect(self._on_finished)
        self.resize(1280, 720)  # the scans' list whole beside the video; fits a 1366 x 768 screen

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.find_button)
        left = QVBoxLayout()
        left.addWidget(self.video, 1)
        left.addWidget(self.position)
        left.addWidget(self.play_button)
        right = QVBoxLayout()
        right.addWidget(QLabel("Scans (choose one to jump to it)"))
        right.addWidget(self.markers, 1)
        middle = QHBoxLayout()
        middle.addLayout(left, 3)
        middle.addLayout(right, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.marketplace_cut)
        bottom.addWidget(self.export_button)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addLayout(middle, 1)
        self.photos_caption = QLabel("Photos")
        column.addWidget(self.photos_caption)
        column.addWidget(self.photos)
        column.addLayout(bottom)

    # -- finding --------------------------------------------------------------------

    def look_up(self, text: str) -> None:
        """Look `text` up (an order or tracking number) and show what was recorded."""
        self.message.setText(f"Looking for {text.strip()}…")
        store, data_dir, clips = self._store, self._data_dir, Path(self._clips.name)
        run_in_background(
            self,
            "evidence-find",
            lambda: _load(store, data_dir, text, clips),
            self._on_loaded,
            self._on_failed,
        )

    def _on_search_return_pressed(self) -> None:
        if self.search.text().strip():
            self.look_up(self.search.text())

    def _on_loaded(self, loaded: _Loaded) -> None:
        self._loaded = loaded
        found = loaded.evidence
        self.markers.clear()
        for scan in found.trail:
            where = "not filmed" if scan.video_offset_s is None else _clock(scan.video_offset_s)
            item = QListWidgetItem(f"{where}   {scan.raw}   {scan.verdict.replace('_', ' ')}")
            item.setToolTip(item.text())  # a long barcode or verdict may pass the list's edge
            item.setData(Qt.ItemDataRole.UserRole, scan.video_offset_s)
            self.markers.addItem(item)
        self.photos.clear()
        for path, image in loaded.photos:
            self.photos.addItem(QListWidgetItem(QIcon(QPixmap.fromImage(image)), path.name))
        self.photos.setVisible(bool(loaded.photos))
        self.photos_caption.setVisible(bool(loaded.photos))
        if loaded.clip is not None:
            self.player.setSource(QUrl.fromLocalFile(str(loaded.clip)))
            self.player.play()  # a picture at once, rather than a black box
        self.play_button.setEnabled(loaded.clip is not None)
        self.position.setEnabled(loaded.clip is not None)
        self.export_button.setEnabled(True)
        videos, photos = len(found.videos), len(found.photos)
        summary = (
            f"Order {found.order}: {len(found.trail)} scans, {videos} video segments, "
            f"{photos} photos."
        )
        if loaded.unplayable:
            summary += " " + "; ".join(loaded.unplayable) + "."
        if loaded.problems:
            # Shown, not hidden: what is left still plays, and the export will refuse.
            summary += " NOT AS RECORDED: " + "; ".join(loaded.problems) + "."
            self.message.setStyleSheet(f"color: {style.TEXT_COLOURS[style.Role.STOP]};")
        else:
            self.message.setStyleSheet("")
        self.message.setText(summary)
        self.shown_order.emit(found.order)

    def _on_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, (UserError, OSError)):
            log.error("evidence viewer failed", exc_info=exc)
        text = str(exc) if isinstance(exc, UserError) else f"Could not be read: {exc}"
        self.message.setText(text)
        self.failed.emit(text)

    def take_scan(self, text: str) -> bool:
        """A scan while the viewer is open is a lookup (ui.wedge.ScanTaker)."""
        self.search.setText(text)
        self.look_up(text)
        return True

    # -- playing ----------------------------------------------------------------------

    def jump_to(self, seconds: float) -> None:
        """Play the video from a little before `seconds` into the order."""
        self.player.setPosition(round(max(0.0, seconds - LEAD_IN_S) * 1000))
        self.player.play()

    def _on_markers_item_activated(self, item: QListWidgetItem) -> None:
        offset = item.data(Qt.ItemDataRole.UserRole)
        if offset is not None:
            self.jump_to(float(offset))

    def _on_play_button_clicked(self) -> None:
        if self.player.playbackState() is QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def _on_player_playback_state_changed(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state is QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText("Pause" if playing else "Play")

    def _on_player_duration_changed(self, duration: int) -> None:
        self.position.setRange(0, duration)

    def _on_player_position_changed(self, position: int) -> None:
        if not self.position.isSliderDown():
            self.position.setValue(position)

    # -- exporting ----------------------------------------------------------------------

    def export_to(self, folder: Path) -> None:
        """Write the order's bundle into `folder` (main.py evidence export's)."""
        if self._loaded is None:
            return
        from devices.camera.bundle import export
        from devices.camera.marketplace import ExportLimits

        order, store, data_dir = self._loaded.evidence.order, self._store, self._data_dir
        # The limits the marketplaces we know ask for (README, Camera: For a marketplace).
        limits = ExportLimits(60, 30, 6) if self.marketplace_cut.isChecked() else None
        self.message.setText(f"Exporting order {order}…")
        run_in_background(
            self,
            "evidence-export",
            lambda: export(store, data_dir, order, folder, limits),
            self._on_exported,
            self._on_export_failed,
        )

    def _on_export_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export the evidence into")
        if folder:
            self.export_to(Path(folder))

    def _on_export_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, (UserError, OSError)):
            log.error("evidence export failed", exc_info=exc)
        text = str(exc) if isinstance(exc, UserError) else f"Not exported: {exc}"
        self.message.setText(text)
        self.failed.emit(text)

    def _on_exported(self, folder: Path) -> None:
        self.message.setText(f"Exported to {folder} (check it with: sha256sum -c SHA256SUMS).")
        self.exported.emit(str(folder))

    def _on_finished(self, _result: int) -> None:
        self.player.stop()
        self.player.setSource(QUrl())
        self._clips.cleanup()


def _load(store: Store, data_dir: Path, text: str, clips: Path) -> _Loaded:
    found = load_order_evidence(store, data_dir, text)
    problems = [str(problem) for problem in evidence.verify(store, data_dir, found.order)]
    clip: Path | None = None
    unplayable: list[str] = []
    videos = [path for path in found.videos if path.is_file()]
    if videos:
        from devices.camera.clips import NoPlayableVideoError, join_segments

        clip = clips / f"{len(list(clips.iterdir()))}.webm"
        try:
            cut_short = join_segments(videos, clip)
        except NoPlayableVideoError as exc:
            clip, cut_short = None, []
            unplayable.append(str(exc).rstrip("."))
        # A segment a crash cut short plays up to where it stops.
        unplayable += [f"{path.name} plays only in part" for path in cut_short]
    photos = []
    for path in found.photos:
        image = QImage(str(path))
        if not image.isNull():
            photos.append((path, image.scaledToWidth(PHOTO_PX)))
    return _Loaded(found, clip, photos, problems, unplayable)


def _clock(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:04.1f}"


def open_evidence_viewer(parent: QWidget, store: Store, data_dir: Path) -> EvidenceViewer:
    viewer = EvidenceViewer(store, data_dir, parent)
    viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    viewer.open()
    return viewer
