"""Product pictures, read and scaled off the UI thread, cached by path."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPixmap

from ui import style


class ThumbnailCache(QObject):
    """`get(path)` answers at once (a placeholder until the picture is read)."""

    loaded = Signal(str)  # the path whose picture is now available
    _image_read = Signal(str, object)  # from the reader thread: path, QImage or None

    def __init__(self, size: int = style.THUMBNAIL_PX, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._size = size
        self._pixmaps: dict[str, QPixmap] = {}
        self._asked: set[str] = set()
        self._placeholder = _placeholder(size)
        # Its own thread: a slow network share must not delay a verdict.
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="thumbnails")
        self._image_read.connect(self._on_reader_image_read)
        self._closed = False

    def get(self, path: str | None) -> QPixmap:
        if not path:
            return self._placeholder
        pixmap = self._pixmaps.get(path)
        if pixmap is not None:
            return pixmap
        if path not in self._asked and not self._closed:
            self._asked.add(path)
            self._reader.submit(self._read, path)
        return self._placeholder

    def shutdown(self) -> None:
        # A view still on its way may ask for pictures: it gets the placeholder.
        self._closed = True
        self._reader.shutdown(wait=False, cancel_futures=True)

    def _read(self, path: str) -> None:
        # QImage (unlike QPixmap) may be used outside the UI thread.
        image = QImage(str(Path(path)))
        if image.isNull():
            self._image_read.emit(path, None)
            return
        scaled = image.scaled(
            self._size,
            self._size,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self._image_read.emit(path, scaled)

    def _on_reader_image_read(self, path: str, image: QImage | None) -> None:
        self._pixmaps[path] = QPixmap.fromImage(image) if image is not None else self._placeholder
        self.loaded.emit(path)


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
