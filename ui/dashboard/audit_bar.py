"""The dashboard's audit state: what is known of each chain, in a supervisor's words.

Green only when the last verification reached the newest event; amber while events
wait for one (or none was ever run); red for a problem found. The newest anchor is
said beside it, never as the state: an anchor pins the chain's head, it checks nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from station.audit.state import Known, Level, summary

COLOURS: dict[Level, str] = {"verified": "#1b7f37", "unverified": "#b26a00", "broken": "#c62828"}


class AuditBar(QWidget):
    """The state's line and, where the window can verify, the button that does."""

    def __init__(self, verifies_here: bool) -> None:
        super().__init__()
        self.label = QLabel("Audit trail: reading…")
        self.label.setWordWrap(True)
        self.button = QPushButton("Verify audit trail")
        self.button.setToolTip("Reads and hashes every stored event: minutes on a year's store.")
        # Centrally the verification is `audit verify --central`, with the owner's login.
        self.button.setVisible(verifies_here)
        self.verifying = False
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)

    def start_verifying(self) -> None:
        self.verifying = True
        self.button.setEnabled(False)
        self.label.setText("Audit trail: verifying the whole chain…")
        self.label.setStyleSheet("")

    def show_known(self, known: Sequence[Known], station: str | None, tz: tzinfo) -> str:
        """Show one station's state (`station`, or the only one) or a count of each state;
        every station's in the tooltip. Returns the words shown."""
        picked = [each for each in known if each.station == station] if station else []
        words, level = summary(picked or known, tz)
        self._show(words, COLOURS[level])
        self.label.setToolTip("\n".join(each.words(tz) for each in known))
        return words

    def show_failure(self, reason: str) -> str:
        words = f"Audit trail: could not be read ({reason})."
        self._show(words, COLOURS["broken"])
        return words

    def _show(self, words: str, colour: str) -> None:
        self.verifying = False
        self.button.setEnabled(True)
        self.label.setText(words)
        self.label.setStyleSheet(f"color: {colour}; font-weight: bold;")
