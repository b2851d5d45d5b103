"""The big verdict banner: colour, icon and words together, never colour alone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from station.verdicts import Awaiting, StationView, Tone, Verdict, VerdictKind
from ui import style
from ui.label_monitor import LabelState

K = VerdictKind
HEADLINES: dict[VerdictKind, str] = {
    K.LOGIN: "LOGGED IN",
    K.LOGOUT: "LOGGED OUT",
    K.ORDER_OPENED: "ORDER OPEN",
    K.OK: "OK",
    K.LINE_COMPLETE: "LINE COMPLETE",
    K.ORDER_COMPLETE: "ORDER COMPLETE",
    K.WRONG_ITEM: "WRONG ITEM",
    K.OVER_SCAN: "TOO MANY",
    K.UNKNOWN_BARCODE: "UNKNOWN BARCODE",
    K.NEEDS_ACKNOWLEDGEMENT: "STOP — ACKNOWLEDGE FIRST",
    K.ACKNOWLEDGED: "ACKNOWLEDGED",
    K.NO_ORDER_OPEN: "NO ORDER OPEN",
    K.NOT_LOGGED_IN: "NOT LOGGED IN",
    K.ANOTHER_ORDER_OPEN: "ANOTHER ORDER IS OPEN",
    K.ORDER_ALREADY_PACKED: "ALREADY PACKED",
    K.ORDER_IN_EXCEPTION: "ORDER ON HOLD",
    K.ORDER_PARKED: "ORDER PARKED",
    K.EXCEPTION_FLAGGED: "EXCEPTION FLAGGED",
    K.OVERRIDE: "SUPERVISOR APPROVED",
    K.SUPERVISOR_REQUIRED: "SUPERVISOR NEEDED",
    K.ORDER_INCOMPLETE: "ORDER NOT COMPLETE",
    K.DUPLICATE_READ: "DOUBLE READ",
    K.LABEL_REPRINTED: "LABEL REPRINT",
    K.WEIGH_PARCEL: "PUT THE PARCEL ON THE SCALE",
    K.WEIGHT_OK: "WEIGHT OK",
    K.WEIGHT_MISMATCH: "WEIGHT WRONG — CHECK THE BOX",
    K.LABEL_BLOCKED: "NO LABEL",
    K.BOX_CLOSED: "BOX CLOSED",
    K.BOX_EMPTY: "BOX IS EMPTY",
    K.LABEL_VERIFIED: "RIGHT LABEL",
    K.WRONG_LABEL: "WRONG LABEL",
    K.LABEL_VOIDED: "LABEL VOIDED",
    K.SLIP_PRINTING: "PACKING SLIP",
}
ICONS: dict[Tone, str] = {
    Tone.SUCCESS: "✔",
    Tone.COMPLETE: "★",
    Tone.ERROR: "✖",
    Tone.INFO: "ℹ",  # noqa: RUF001 - the information sign, on purpose
}
IDLE_ICON = "▶"

# What the station waits for, said on the banner until it is done.
ACTIONS: dict[Awaiting, str] = {
    Awaiting.ACKNOWLEDGEMENT: "Scan ACKNOWLEDGE or press Esc",
    Awaiting.SUPERVISOR: "Supervisor: scan your badge to approve",
    Awaiting.SEAL: "All items packed: press Seal & print or scan SEAL",
    Awaiting.WEIGHT: "Put the parcel on the scale",
    Awaiting.LABEL_SCAN: "Scan the label on each box",
}


LABEL_WORDS: dict[LabelState, str] = {
    LabelState.PRINTING: "label printing…",
    LabelState.PRINTED: "label printed",
    LabelState.FAILED: "LABEL NOT PRINTED",
}


def headline_of(verdict: Verdict, label: LabelState | None = None) -> str:
    headline = HEADLINES.get(verdict.kind, verdict.kind.value.replace("_", " ").upper())
    if verdict.label:
        label = LabelState.PRINTED
    if label is not None:
        return f"{headline} — {LABEL_WORDS[label]}"
    return headline


def detail_of(verdict: Verdict, headline: str) -> str:
    """The engine's message, without repeating the headline it may start with."""
    message = verdict.message.strip()
    prefix = headline.split(" — ")[0] + ":"
    if message.upper().startswith(prefix):
        message = message[len(prefix) :].strip()
    return message


class VerdictBanner(QFrame):
    """Shows the last verdict (or an idle prompt) in its tone's colour and icon."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictBanner")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(170)
        self._tone: Tone | None = None
        self._shown: tuple[Verdict, StationView] | None = None
        self._icon = QLabel()
        self._icon.setFont(style.font(96, bold=True))
        self._icon.setFixedWidth(130)
        self._icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._headline = QLabel()
        self._headline.setFont(style.font(style.BANNER_HEADLINE_PX, bold=True))
        self._detail = QLabel()
        self._detail.setFont(style.font(style.BANNER_DETAIL_PX))
        self._detail.setWordWrap(True)
        self._action = QLabel()
        self._action.setFont(style.font(style.BANNER_DETAIL_PX, bold=True))
        self._action.setWordWrap(True)
        words = QVBoxLayout()
        words.addWidget(self._headline)
        words.addWidget(self._detail)
        words.addWidget(self._action)
        row = QHBoxLayout(self)
        row.addWidget(self._icon)
        row.addLayout(words, 1)
        self.show_idle("Welcome", "")

    # -- what tests and the window read -----------------------------------------

    @property
    def tone(self) -> Tone | None:
        """The tone shown, or None for an idle prompt."""
        return self._tone

    def icon(self) -> str:
        return self._icon.text()

    def headline(self) -> str:
        return self._headline.text()

    def detail(self) -> str:
        return self._detail.text()

    def action(self) -> str:
        return self._action.text()

    def text(self) -> str:
        """Everything the banner says, on one line."""
        parts = [f"{self.icon()} {self.headline()}", self.detail(), self.action()]
        return " — ".join(part for part in parts if part)

    # -- showing ------------------------------------------------------------------

    @property
    def job_id(self) -> str | None:
        """The print job of the sealed parcel whose verdict is shown, if any."""
        return self._shown[0].job_id if self._shown else None

    def show_verdict(
        self,
        verdict: Verdict,
        view: StationView,
        label: LabelState | None = None,
        label_error: str = "",
    ) -> None:
        """A verdict; for a sealed parcel, `label` says how its label is doing."""
        headline = headline_of(verdict, label)
        tone = verdict.tone
        detail = detail_of(verdict, headline)
        action = ACTIONS.get(view.awaiting, "")
        if view.awaiting is Awaiting.ACKNOWLEDGEMENT or label is LabelState.FAILED:
            # Until acknowledged (or the label is out) the banner stays red.
            tone = Tone.ERROR
        if label is LabelState.FAILED:
            detail = label_error or detail
        self._show(tone, ICONS[tone], headline, detail, action)
        self._shown = (verdict, view)

    def show_label(self, job_id: str, label: LabelState, error: str = "") -> bool:
        """The label of the shown verdict printed (or not): say so. False if another is shown."""
        if self._shown is None or self.job_id != job_id:
            return False
        self.show_verdict(*self._shown, label=label, label_error=error)
        return True

    def show_error(self, message: str, headline: str = "PROBLEM") -> None:
        """An expected problem (printer, file, device) with what to do."""
        self._show(Tone.ERROR, ICONS[Tone.ERROR], headline, message, "")

    def show_idle(self, headline: str, detail: str) -> None:
        self._tone = None
        self._shown = None
        self._set_colours(*style.IDLE_COLOURS)
        self._set_words(IDLE_ICON, headline, detail, "")

    def _show(self, tone: Tone, icon: str, headline: str, detail: str, action: str) -> None:
        self._tone = tone
        self._shown = None
        self._set_colours(*style.TONE_COLOURS[tone])
        self._set_words(icon, headline, detail, action)

    def _set_words(self, icon: str, headline: str, detail: str, action: str) -> None:
        self._icon.setText(icon)
        self._headline.setText(headline)
        self._detail.setText(detail)
        self._action.setText(action)
        self._action.setVisible(bool(action))

    def _set_colours(self, background: str, text: str) -> None:
        self.setStyleSheet(
            f"#verdictBanner {{ background: {background}; border-radius: 8px; }}"
            f"#verdictBanner QLabel {{ color: {text}; }}"
        )
