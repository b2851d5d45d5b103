"""Exception… and Ship short…: what the packer says when an order cannot be packed."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from station.session import ExceptionReason
from ui import style

REASON_LABELS: dict[ExceptionReason, str] = {
    ExceptionReason.ITEM_MISSING: "Item missing",
    ExceptionReason.DAMAGED: "Damaged",
    ExceptionReason.WRONG_ITEM_IN_TOTE: "Wrong item in tote",
    ExceptionReason.OTHER: "Other",
}


class _BigDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setFont(style.font(style.HEADER_PX))
        self.setMinimumWidth(640)
        self.rows = QVBoxLayout(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        for button in self.buttons.buttons():
            button.setMinimumHeight(style.BUTTON_MIN_HEIGHT)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    @property
    def ok_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def _finish_layout(self) -> None:
        self.rows.addWidget(self.buttons)


class ExceptionDialog(_BigDialog):
    """Pick why the order cannot be packed; "Other" needs a few words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Flag an exception", parent)
        self.rows.addWidget(QLabel("What is wrong with this order?"))
        self._group = QButtonGroup(self)
        self.reason_buttons: dict[ExceptionReason, QRadioButton] = {}
        for reason, text in REASON_LABELS.items():
            radio = QRadioButton(text)
            radio.setMinimumHeight(56)
            self._group.addButton(radio)
            self.reason_buttons[reason] = radio
            self.rows.addWidget(radio)
            radio.toggled.connect(self._on_reason_toggled)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Say what is wrong (needed for Other)")
        self.note.textChanged.connect(self._on_note_text_changed)
        self.rows.addWidget(self.note)
        self._finish_layout()
        self._update_ok()

    def reason(self) -> ExceptionReason | None:
        for reason, radio in self.reason_buttons.items():
            if radio.isChecked():
                return reason
        return None

    def note_text(self) -> str:
        return self.note.text().strip()

    def _on_reason_toggled(self, _checked: bool) -> None:
        if self.reason() is ExceptionReason.OTHER:
            self.note.setFocus()
        self._update_ok()

    def _on_note_text_changed(self, _text: str) -> None:
        self._update_ok()

    def _update_ok(self) -> None:
        reason = self.reason()
        ok = reason is not None and (reason is not ExceptionReason.OTHER or bool(self.note_text()))
        self.ok_button.setEnabled(ok)


class _ReasonDialog(_BigDialog):
    """Asks one question whose typed answer is required before OK."""

    def __init__(
        self, title: str, question: str, placeholder: str, note: str, parent: QWidget | None
    ) -> None:
        super().__init__(title, parent)
        self.rows.addWidget(QLabel(question))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(placeholder)
        self.reason.textChanged.connect(self._on_reason_text_changed)
        self.rows.addWidget(self.reason)
        if note:
            self.rows.addWidget(QLabel(note))
        self._finish_layout()
        self.ok_button.setEnabled(False)

    def reason_text(self) -> str:
        return self.reason.text().strip()

    def _on_reason_text_changed(self, _text: str) -> None:
        self.ok_button.setEnabled(bool(self.reason_text()))


class ShortShipDialog(_ReasonDialog):
    """Why the order ships incomplete; a supervisor approves with their badge next."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Ship short",
            "Why does this order ship incomplete?",
            "Reason, e.g. last unit damaged, no stock",
            "A supervisor then scans their badge to approve.",
            parent,
        )


class _LabelDialog(_ReasonDialog):
    """A label action: which label (by tracking number) and why; the reason is recorded."""

    def __init__(
        self, title: str, question: str, tracking_hint: str, required: bool, parent: QWidget | None
    ) -> None:
        self._tracking_required = required
        self.tracking = QLineEdit()
        self.tracking.setPlaceholderText(tracking_hint)
        super().__init__(title, question, "Reason, e.g. label torn, printer jammed", "", parent)
        self.rows.insertWidget(1, QLabel("Tracking number:"))
        self.rows.insertWidget(2, self.tracking)
        self.tracking.textChanged.connect(self._on_reason_text_changed)

    def tracking_text(self) -> str:
        return self.tracking.text().strip()

    def _on_reason_text_changed(self, _text: str) -> None:
        has_tracking = bool(self.tracking_text()) or not self._tracking_required
        self.ok_button.setEnabled(bool(self.reason_text()) and has_tracking)


class ReprintDialog(_LabelDialog):
    """Print a label again: the last one, or any by its tracking number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Reprint label",
            "Why print the label again?",
            "Empty: this station's last label",
            False,
            parent,
        )


class VoidDialog(_LabelDialog):
    """Void a label: its tracking number is cancelled and a new label prints."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Void label",
            "Why void this label? A new label with a new number prints.",
            "The tracking number of the label to void",
            True,
            parent,
        )
