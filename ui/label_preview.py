"""The last label of this station, on screen as it looks on paper.

The picture is the label's own PDF rasterised at a label printer's dots
(ui.label_picture), drawn in the render process and waited for on this
panel's own worker: the screen never waits for it. A newer label supersedes
one still being drawn.
After a restart the window shows the station's last label again, as it was
on screen before the stop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from station.labels import LabelContent
from station.ports import PermanentPrintError
from ui import style
from ui.label_picture import label_picture
from ui.thread_relay import let_worker_finish
from ui.worker import Worker

log = logging.getLogger(__name__)

# Wide enough that the courier, tracking number and "1/2" read from the bench and a
# 100 mm label's barcode still decodes from the screen; narrow enough that the order
# table stays the main thing on a 1920 px screen.
PREVIEW_WIDTH_PX = 440
CAPTION_PX = 26
MARGIN_PX = 8
CAPTION = "Last label"
EMPTY_TEXT = "No label yet.\nThe next label shows here."
DRAWING_TEXT = "Drawing the label…"
CANNOT_SHOW = "Label cannot be shown: "

# Reads a stored job's label (PackSession.label_of); None when the job is no label.
LabelLoader = Callable[[str], LabelContent | None]


@dataclass(frozen=True)
class _Read:
    """A job's label as read from the store, or why it could not be read."""

    label: LabelContent | None
    problem: str = ""


@dataclass(frozen=True)
class _Drawn:
    image: QImage | None
    problem: str = ""


class LabelPreview(QFrame):
    """The station's last label with its courier, tracking number and box number.

    `show_job(job_id)` answers at once; the label is read from the store and
    drawn on this panel's own worker, never on the station's, so a drawing
    never delays a scan's verdict.
    """

    label_shown = Signal(str)  # job id whose picture (or why it cannot be shown) is now on screen

    def __init__(self, load: LabelLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._load = load
        self._ticket = 0  # the newest label described; older drawings are dropped
        self._job_id = ""
        # One thread, jobs in order: the newest label read is the one drawn last.
        self._worker = Worker(self, name="label-preview")
        self.dialog: LabelDialog | None = None
        self.setObjectName("labelPreview")
        self.setStyleSheet("#labelPreview { background: #eceff1; border-radius: 6px; }")
        self.setFixedWidth(PREVIEW_WIDTH_PX + 2 * MARGIN_PX)
        self.setToolTip("Click to see the label larger")
        self.caption = QLabel(CAPTION)
        self.caption.setFont(style.font(style.HEADER_PX))
        self.courier = _bold_label()
        self.tracking = _bold_label()
        self.box = _bold_label()
        self.picture = LabelPicture()
        column = QVBoxLayout(self)
        column.setContentsMargins(MARGIN_PX, MARGIN_PX, MARGIN_PX, MARGIN_PX)
        for part in (self.caption, self.courier, self.tracking, self.box):
            column.addWidget(part)
        column.addWidget(self.picture, 1)

    def set_metrics(self, metrics: style.Metrics) -> None:
        """Narrower and smaller type on a small screen: the order table stays the main thing."""
        width = round(PREVIEW_WIDTH_PX * min(1.0, max(0.8, metrics.scale)))
        self.setFixedWidth(width + 2 * MARGIN_PX)
        self.caption.setFont(style.font(metrics.header_px))
        for part in (self.courier, self.tracking, self.box):
            part.set_pixel_size(max(18, round(CAPTION_PX * metrics.scale)))

    def show_job(self, job_id: str, printed: int = 1) -> None:
        """Show a stored job's label; `printed` labels came with its verdict (several boxes).

        A job that is no label (a packing slip) leaves the last label on screen.
        """
        self._worker.run(
            lambda: self._read(job_id),
            lambda read: self._on_worker_read(job_id, read, printed),
        )

    def shutdown(self) -> None:
        # Answers already on their way are dropped: the panel is closing. A label being
        # drawn goes on, its worker not deleted with the window under its thread.
        let_worker_finish(self._worker)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() is Qt.MouseButton.LeftButton and self.picture.image is not None:
            self._open_dialog(self.picture.image)
        super().mouseReleaseEvent(event)

    # -- on the worker: never touches a widget -----------------------------------

    def _read(self, job_id: str) -> _Read:
        try:
            return _Read(self._load(job_id))
        except Exception:  # the preview is a convenience: a bug in it must not stop packing
            log.exception("label preview: job %s could not be read", job_id)
            problem = f"{CANNOT_SHOW}it could not be read from the database (see the log)."
            return _Read(None, problem)

    def _draw(self, ticket: int, label: LabelContent) -> _Drawn | None:
        if ticket != self._ticket:
            return None  # a newer label came while this one waited: not worth drawing
        # Imported here: the render process machinery is not needed at start.
        from devices.pdf.render_process import render_elsewhere

        try:
            # QImage (unlike QPixmap) may be made outside the UI thread.
            return _Drawn(QImage.fromData(render_elsewhere(label_picture, label)))
        except PermanentPrintError as exc:
            return _Drawn(None, f"{CANNOT_SHOW}{exc}")
        except Exception:  # as in _read
            log.exception("label preview of order %s failed", label.order_number)
            return _Drawn(None, f"{CANNOT_SHOW}drawing it failed (see the log).")

    # -- on the UI thread -------------------------------------------------------

    def _on_worker_read(self, job_id: str, read: _Read, printed: int) -> None:
        if read.label is None and not read.problem:
            return  # a packing slip: the last label stays
        self._ticket += 1
        self._job_id = job_id
        if read.label is None:
            self._describe(None, printed)
            self.picture.show_text(read.problem)
            self.label_shown.emit(job_id)
            return
        self._describe(read.label, printed)
        # The old picture goes at once: it must never stand beside the new caption.
        self.picture.show_text(DRAWING_TEXT)
        ticket, label = self._ticket, read.label
        self._worker.run(
            lambda: self._draw(ticket, label), lambda drawn: self._on_worker_drawn(ticket, drawn)
        )

    def _on_worker_drawn(self, ticket: int, drawn: _Drawn | None) -> None:
        if drawn is None or ticket != self._ticket:
            return  # a newer label is on its way
        image = drawn.image
        if image is None or image.isNull():
            self.picture.show_text(drawn.problem or f"{CANNOT_SHOW}its picture could not be read.")
        else:
            self.picture.show_image(image)
        self.label_shown.emit(self._job_id)

    def _describe(self, label: LabelContent | None, printed: int) -> None:
        if label is None:
            self.caption.setText(CAPTION)
            for part in (self.courier, self.tracking, self.box):
                part.setText("")
            return
        self.caption.setText(f"{CAPTION} · order {label.order_number}")
        self.courier.setText(f"{label.courier} · {label.service}")
        self.tracking.setText(label.tracking)
        boxes = f"Box {label.parcel_no}/{label.parcel_count}"
        self.box.setText(f"{boxes} · {printed} labels printed" if printed > 1 else boxes)

    def _open_dialog(self, image: QImage) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = LabelDialog(image, self.tracking.text(), self)
        self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.show()

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None


class LabelPicture(QWidget):
    """The label's picture scaled to fit, or a line of text in its place."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self._text = EMPTY_TEXT
        self._scaled: QPixmap | None = None  # the picture at the widget's current size
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(60)  # a 768-line screen: the caption lines say the most

    @property
    def text(self) -> str:
        """What is shown instead of a picture ("" when a picture is shown)."""
        return "" if self.image is not None else self._text

    def show_image(self, image: QImage) -> None:
        self.image, self._scaled = image, None
        self.update()

    def show_text(self, text: str) -> None:
        self.image, self._scaled, self._text = None, None, text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(PREVIEW_WIDTH_PX, PREVIEW_WIDTH_PX * 3 // 2)  # a 4x6 in label

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            if self.image is None:
                painter.setFont(style.font(CAPTION_PX))
                painter.setPen(QColor("#37474f"))
                flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
                painter.drawText(self.rect(), int(flags), self._text)
                return
            pixmap = self._fitted(self.image)
            painter.drawPixmap((self.width() - pixmap.width()) // 2, 0, pixmap)
        finally:
            painter.end()

    def _fitted(self, image: QImage) -> QPixmap:
        size = image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        if self._scaled is None or self._scaled.size() != size:
            # Smooth: averaging the printer's dots keeps thin bars visible when shrunk.
            smaller = image.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            self._scaled = QPixmap.fromImage(smaller)
        return self._scaled


class LabelDialog(QDialog):
    """The label larger, to read its small print; closes with Esc, Close or a click."""

    def __init__(self, image: QImage, tracking: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Label {tracking}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.picture = LabelPicture()
        self.picture.show_image(image)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.picture, 1)
        column.addWidget(buttons)
        screen = self.screen().availableGeometry()
        height = int(screen.height() * 0.9)
        width = min(screen.width(), height * image.width() // max(1, image.height()))
        self.resize(width, height)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.reject()
        super().mouseReleaseEvent(event)

    def take_scan(self, _text: str) -> bool:
        """A scan closes this view (it asks for none) and goes to the bench (ui.wedge)."""
        self.reject()
        return False


def _bold_label() -> FittedLine:
    return FittedLine(CAPTION_PX)


class FittedLine(QLabel):
    """One bold line in the largest type, up to its size, in which it fits the panel.

    One line each (a wrapping label's height would depend on its width and crowd
    a small screen), so a long courier and service shrinks rather than being cut
    mid-word at the panel's edge; its height stays that of the full size.
    """

    def __init__(self, pixels: int) -> None:
        super().__init__("")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._pixels = pixels
        self.set_pixel_size(pixels)

    def set_pixel_size(self, pixels: int) -> None:
        """The line's full size: the largest it is drawn."""
        self._pixels = pixels
        self.setFixedHeight(QFontMetrics(style.font(pixels, bold=True)).height())
        self._fit()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width()
        size = self._pixels
        least = max(12, self._pixels * 3 // 5)
        while (
            size > least
            and QFontMetrics(style.font(size, bold=True)).horizontalAdvance(self.text()) > room
        ):
            size -= 1
        if self.font().pixelSize() != size or not self.font().bold():
            self.setFont(style.font(size, bold=True))
