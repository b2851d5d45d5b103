"""A pad the driver signs on with a mouse, a finger or a pen; the strokes become a PNG.

Each stroke is a QPainterPath in the pad's own coordinates, drawn as it is
made; `png()` renders the strokes on white, scaled to the pad's size at
`SCALE`, so the signature on the manifest is sharper than on the screen.
Tablet (pen) and touch events are taken as such, and the mouse events Qt
synthesises from them are ignored, so a stroke is never drawn twice.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

INK = QColor(20, 30, 90)
LINE_PX = 2.6
SCALE = 2  # the PNG's pixels per pad pixel
HINT = "Sign here"
MIN_SPAN_PX = 24  # the least a signature spans on the pad (a dot or a tap does not)


class SignaturePad(QWidget):
    """Collects strokes; `changed` after each stroke and after `clear`."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 140)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName("Signature pad")
        self._strokes: list[QPainterPath] = []
        self._drawing: QPainterPath | None = None

    def sizeHint(self) -> QSize:
        return QSize(520, 200)

    @property
    def is_empty(self) -> bool:
        """True until a stroke spans MIN_SPAN_PX one way or the other: taps (a hand
        reaching for a field above the pad) are no signature, wherever they fall."""
        return not any(_span(path) >= MIN_SPAN_PX for path in self._strokes)

    @property
    def stroke_count(self) -> int:
        return len(self._strokes)

    def clear(self) -> None:
        self._strokes.clear()
        self._drawing = None
        self.update()
        self.changed.emit()

    def png(self) -> bytes:
        """The signature as a PNG (black-blue ink on white); empty bytes when not signed."""
        if self.is_empty:
            return b""
        image = QImage(self.size() * SCALE, QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(SCALE, SCALE)
        self._paint_strokes(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        # PySide takes the format as str here, whatever its stubs say.
        image.save(buffer, "PNG")  # type: ignore[call-overload]
        buffer.close()
        return bytes(data.data())

    # -- drawing ----------------------------------------------------------------

    def _begin(self, point: QPointF) -> None:
        self._drawing = QPainterPath(point)
        self._strokes.append(self._drawing)
        self.update()

    def _extend(self, point: QPointF) -> None:
        if self._drawing is not None:
            self._drawing.lineTo(point)
            self.update()

    def _end(self, point: QPointF) -> None:
        if self._drawing is None:
            return
        self._drawing.lineTo(point)
        if self._drawing.elementCount() < 2:
            self._drawing.lineTo(point + QPointF(0.5, 0.5))  # a dot is a stroke too
        self._drawing = None
        self.update()
        self.changed.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        baseline = self.height() - 34
        painter.setPen(QPen(QColor(170, 170, 170), 1, Qt.PenStyle.DashLine))
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        if not self._strokes:
            painter.setPen(QColor(150, 150, 150))
            painter.drawText(16, baseline + 22, f"✍ {HINT}")
        self._paint_strokes(painter)
        painter.setPen(QPen(QColor(120, 120, 120), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()

    def _paint_strokes(self, painter: QPainter) -> None:
        pen = QPen(INK, LINE_PX, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for path in self._strokes:
            painter.drawPath(path)

    # -- input: mouse, pen, touch ---------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if _synthesized(event) or event.button() is not Qt.MouseButton.LeftButton:
            return
        self._begin(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not _synthesized(event) and event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not _synthesized(event) and event.button() is Qt.MouseButton.LeftButton:
            self._end(event.position())

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind is QTabletEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind is QTabletEvent.Type.TabletMove and self._drawing is not None:
            self._extend(event.position())
        elif kind is QTabletEvent.Type.TabletRelease:
            self._end(event.position())
        event.accept()

    def event(self, event: object) -> bool:
        if isinstance(event, QTouchEvent):
            self._on_touch(event)
            return True
        return super().event(event)  # type: ignore[arg-type]

    def _on_touch(self, event: QTouchEvent) -> None:
        points = event.points()
        if not points:
            return
        point = points[0].position()  # one finger signs; a second one is ignored
        kind = event.type()
        if kind is QTouchEvent.Type.TouchBegin:
            self._begin(point)
        elif kind is QTouchEvent.Type.TouchUpdate:
            self._extend(point)
        elif kind in (QTouchEvent.Type.TouchEnd, QTouchEvent.Type.TouchCancel):
            self._end(point)
        event.accept()


def _synthesized(event: QMouseEvent) -> bool:
    """A mouse event Qt made from a touch or a pen: that input was taken already."""
    return event.source() is not Qt.MouseEventSource.MouseEventNotSynthesized


def _span(path: QPainterPath) -> float:
    box = path.boundingRect()
    return max(box.width(), box.height())
