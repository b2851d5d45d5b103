"""The dock's screen: which courier is loading, how many parcels are on, the last verdict, big.

It reuses the pack screen's banner (colour, icon and words together) and its
sounds; the close of a load happens in its own dialog (ui.loading.close_dialog).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from station.handoff.engine import DockAwaiting, LoadAnswer
from station.verdicts import Awaiting, StationView
from ui import style
from ui.banner import ICONS, VerdictBanner

IDLE_HEADLINE = "LOADING"
IDLE_DETAIL = "Scan CMD-LOAD, then the courier's id, or press Start load."
RECENT = 12  # answers kept in the list under the banner


class LoadingScreen(QWidget):
    """Courier, count, banner, the last answers, and the dock's buttons."""

    start_requested = Signal()
    close_requested = Signal()
    back_requested = Signal()  # back to packing
    pending_requested = Signal()  # the parcels never collected
    acknowledge_requested = Signal()
    typed = Signal(str)

    def __init__(self, station: str, ack_barcode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loadingScreen")
        self._station = station
        self.courier = QLabel("No load open")
        self.courier.setObjectName("loadingCourier")
        self.load_id = QLabel("")
        self.count = QLabel("0")
        self.count.setObjectName("loadingCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.banner = VerdictBanner(ack_barcode)
        self.banner.show_idle(IDLE_HEADLINE, IDLE_DETAIL)
        self.recent = QListWidget()
        self.recent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.recent.setWordWrap(True)  # a long stop reads whole, not behind a scroll bar
        self.entry = QLineEdit()
        self.entry.setPlaceholderText("Type a tracking number and press Enter")
        self.start_button = QPushButton("Start load…")
        self.close_button = QPushButton("Close load…")
        self.ack_button = QPushButton("Acknowledge (Esc)")
        self.back_button = QPushButton("Back to packing")
        self.pending_button = QPushButton("Not collected…")
        self._captions: list[QLabel] = []
        self._metrics: style.Metrics | None = None
        self._build()
        self.start_button.clicked.connect(self.start_requested)
        self.close_button.clicked.connect(self.close_requested)
        self.back_button.clicked.connect(self.back_requested)
        self.pending_button.clicked.connect(self.pending_requested)
        self.ack_button.clicked.connect(self.acknowledge_requested)
        self.entry.returnPressed.connect(self._on_entry_return_pressed)
        self.show_load(None)
        self.ack_button.setEnabled(False)  # until a stop waits for it (show_answer)

    def _build(self) -> None:
        title = QFrame()
        title.setObjectName("loadingTitle")
        top = QHBoxLayout(title)
        names = QVBoxLayout()
        names.addWidget(self.courier)
        names.addWidget(self.load_id)
        top.addLayout(names, 1)
        counted = QVBoxLayout()
        counted.addWidget(self.count)
        self.count_caption = caption = QLabel("parcels on this load")
        caption.setAlignment(Qt.AlignmentFlag.AlignRight)
        counted.addWidget(caption)
        top.addLayout(counted)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.close_button, self.ack_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.pending_button)
        buttons.addWidget(self.back_button)
        last_scans = QLabel("Last scans")
        self._captions = [caption, last_scans, self.load_id]
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 4)
        column.setSpacing(8)
        column.addWidget(title)
        column.addWidget(self.banner)
        column.addWidget(last_scans)
        column.addWidget(self.recent, 1)
        column.addWidget(self.entry)
        column.addLayout(buttons)
        self.set_metrics(style.metrics_for(style.REFERENCE_HEIGHT))
        self.recent.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        title.setStyleSheet(
            "#loadingTitle { background: #f3f5f8; border: 1px solid #d5d9e0; border-radius: 8px; }"
        )

    def set_metrics(self, metrics: style.Metrics) -> None:
        """The pack screen's sizes: read from the cage as the bench is from 2 m away."""
        if metrics == self._metrics:
            return
        self._metrics = metrics
        self.banner.set_metrics(metrics)
        self.courier.setFont(style.font(round(40 * metrics.scale), bold=True))
        self.count.setFont(style.font(round(80 * metrics.scale), bold=True))
        for label in self._captions:
            label.setFont(style.font(metrics.header_px))
        self.recent.setFont(style.font(metrics.table_px))
        self.entry.setFont(style.font(metrics.input_px))
        self.entry.setMinimumHeight(metrics.input_px * 2)
        for button in self.findChildren(QPushButton):
            button.setFont(style.font(metrics.button_px, bold=True))
            button.setMinimumHeight(metrics.button_height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Sized by the window's height, as the pack screen is (ui.main_window).
        self.set_metrics(style.metrics_for(self.window().height()))
        super().resizeEvent(event)

    # -- showing ------------------------------------------------------------------

    def show_load(self, answer: LoadAnswer | None) -> None:
        """The courier, load id and count after an answer (None: no load yet)."""
        if answer is None or answer.load is None:
            self.courier.setText("No load open")
            self.load_id.setText(f"Station {self._station}")
            self.count.setText("0")
        else:
            closed = "" if answer.load_open else " — closed"
            self.courier.setText(f"{answer.courier}{closed}")
            self.load_id.setText(f"Load {answer.load} · station {self._station}")
            self.count.setText(str(answer.count))
        count = answer.count if answer is not None else 0
        self.count_caption.setText(f"parcel{'' if count == 1 else 's'} on this load")
        open_now = answer is not None and answer.load_open
        self.close_button.setEnabled(open_now)
        # One load at a time: a courier chosen now would be read as a parcel's label.
        self.start_button.setEnabled(not open_now)

    def show_answer(self, answer: LoadAnswer) -> None:
        awaiting = (
            Awaiting.ACKNOWLEDGEMENT
            if answer.awaiting is DockAwaiting.ACKNOWLEDGEMENT
            else Awaiting.NOTHING
        )
        view = StationView(self._station, None, None, None, awaiting)
        self.banner.show_verdict(answer.verdict, view)
        self.ack_button.setEnabled(answer.awaiting is DockAwaiting.ACKNOWLEDGEMENT)
        self.show_load(answer)
        if answer.verdict.scan:
            # The banner's icon: a stop (a late parcel's load_closed, too) is a ✖ here as well.
            icon = ICONS[self.banner.tone or answer.verdict.tone]
            self.recent.insertItem(0, f"{icon}  {answer.verdict.scan}  —  {answer.verdict.message}")
            while self.recent.count() > RECENT:
                self.recent.takeItem(self.recent.count() - 1)

    def insert_typed(self, text: str) -> None:
        """Keys a person typed anywhere on the dock screen land here (the window's wedge)."""
        if not self.entry.hasFocus():
            self.entry.setFocus()
        self.entry.insert(text)

    def submit(self) -> None:
        """Enter: hand over the typed tracking number (if any) and clear the field."""
        text = self.entry.text().strip()
        self.entry.clear()
        if text:
            self.typed.emit(text)

    def _on_entry_return_pressed(self) -> None:
        self.submit()
