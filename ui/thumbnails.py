"""Product pictures, read and scaled off the UI thread, cached by path."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPixmap

from ui import style
from ui.thread_relay import let_worker_finish
from ui.worker import Worker


class ThumbnailCache(QObject):
    """`get(path)` answers at once (a placeholder until the picture is read)."""

    loaded = Signal(str)  # the path whose picture is now available

    def __init__(self, size: int = style.THUMBNAIL_PX, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._size = size
        self._pixmaps: dict[str, QPixmap] = {}
        self._asked: set[str] = set()
        self._placeholder = _placeholder(size)
        # Its own worker: a slow network share must not delay a verdict.
        self._reader = Worker(self, name="thumbnails")

    def get(self, path: str | None) -> QPixmap:
        if not path:
            return self._placeholder
        pixmap = self._pixmaps.get(path)
        if pixmap is not None:
            return pixmap
        if path not in self._asked and not self._reader.closed:
            self._asked.add(path)
            size = self._size
            self._reader.run(
                lambda: _read(path, size), lambda image: self._on_reader_read(path, image)
            )
        return self._placeholder

    def shutdown(self) -> None:
        # A view still on its way may ask for pictures: it gets the placeholder. A
        # picture being read goes on (a slow share), not deleted with the window.
        let_worker_finish(self._reader)

    def _on_reader_read(self, path: str, image: QImage | None) -> None:
        self._pixmaps[path] = QPixmap.fromImage(image) if image is not None else self._placeholder
        self.loaded.emit(path)


def _read(path: str, size: int) -> QImage | None:
    """The picture scaled to `size` (on the reader's thread: QImage, unlike QPixmap, may be)."""
    image = QImage(str(Path(path)))
    if image.isNull():
        return None
    return image.scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


def _placeholder(size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor("#eceff1"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#90a4ae"))
    font = QFont()
    font.setPixelSize(size // 2)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "?")
    painter.end()
    return pixmap
