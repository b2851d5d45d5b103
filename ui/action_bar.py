"""The big buttons, enabled only when what they do is possible."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from station.verdicts import Awaiting, StationView
from ui import style


class ActionBar(QWidget):
    """Acknowledge, Park, Exception…, Ship short…, Seal & print, Reprint label…, Log out."""

    acknowledge_requested = Signal()
    park_requested = Signal()
    exception_requested = Signal()
    short_ship_requested = Signal()
    seal_requested = Signal()
    logout_requested = Signal()
    reprint_requested = Signal()
    new_box_requested = Signal()
    void_requested = Signal()
    slip_requested = Signal()
    bulk_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.acknowledge_button = self._button("Acknowledge (Esc)", self.acknowledge_requested)
        self.park_button = self._button("Park order", self.park_requested)
        self.exception_button = self._button("Exception…", self.exception_requested)
        self.short_button = self._button("Ship short…", self.short_ship_requested)
        self.seal_button = self._button("Seal && print", self.seal_requested)
        self.reprint_button = self._button("Reprint label…", self.reprint_requested)
        self.logout_button = self._button("Log out", self.logout_requested)
        self.new_box_button = self._button("Close box, new box", self.new_box_requested)
        self.void_button = self._button("Void label…", self.void_requested)
        self.slip_button = self._button("Packing slip", self.slip_requested)
        self.bulk_button = self._button("Bulk print…", self.bulk_requested)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        # The packing flow on the first row, label and session errands on the second.
        rows = (
            (
                self.acknowledge_button,
                self.new_box_button,
                self.seal_button,
                self.park_button,
                self.exception_button,
            ),
            (
                self.short_button,
                self.reprint_button,
                self.void_button,
                self.slip_button,
                self.bulk_button,
                self.logout_button,
            ),
        )
        for row, buttons in enumerate(rows):
            for column, button in enumerate(buttons):
                grid.addWidget(button, row, column)
        self.show_view(None)

    def show_view(self, view: StationView | None) -> None:
        logged_in = view is not None and view.packer_name is not None
        has_order = logged_in and view is not None and view.order is not None
        awaiting = view.awaiting if view is not None else Awaiting.NOTHING
        self.acknowledge_button.setEnabled(
            awaiting in (Awaiting.ACKNOWLEDGEMENT, Awaiting.SUPERVISOR)
        )
        free = awaiting not in (Awaiting.ACKNOWLEDGEMENT, Awaiting.SUPERVISOR)
        self.park_button.setEnabled(has_order and free)
        self.exception_button.setEnabled(has_order and free)
        self.short_button.setEnabled(has_order and free)
        self.seal_button.setEnabled(has_order and awaiting is Awaiting.SEAL)
        self.reprint_button.setEnabled(logged_in and free)
        self.void_button.setEnabled(logged_in and free)
        self.slip_button.setEnabled(logged_in and free)
        self.bulk_button.setEnabled(logged_in and free)
        self.new_box_button.setEnabled(has_order and awaiting is Awaiting.NOTHING)
        self.logout_button.setEnabled(logged_in)

    def _button(self, text: str, signal: SignalInstance) -> QPushButton:
        button = QPushButton(text)
        button.setFont(style.font(style.BUTTON_PX, bold=True))
        button.setMinimumHeight(style.BUTTON_MIN_HEIGHT)
        # Buttons are touched, never tabbed to: focus stays where typing goes.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(signal)
        return button
