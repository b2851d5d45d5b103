"""The big verdict banner: colour, icon and words together, never colour alone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from station.verdicts import Awaiting, StationView, Tone, Verdict, VerdictKind
from ui import style
from ui.label_monitor import LabelState
from ui.style import Role

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
    K.ORDER_CANCELLED: "ORDER CANCELLED",
    K.ORDER_CLAIMED_ELSEWHERE: "ORDER AT ANOTHER BENCH",
    K.ORDER_NEEDS_CLAIM: "WAIT FOR THE CENTRAL LINK",
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
    K.ERRAND: "COMMAND",
    K.NOTHING_TO_CHOOSE: "NOTHING TO CHOOSE",
    # Loading at the dock (ui.loading).
    K.COURIER_REQUIRED: "SCAN THE COURIER",
    K.UNKNOWN_COURIER: "UNKNOWN COURIER",
    K.LOAD_OPENED: "LOAD OPEN",
    K.LOADED: "LOADED",
    K.WRONG_COURIER: "WRONG COURIER",
    K.ALREADY_LOADED: "ALREADY LOADED",
    K.LOADED_ELSEWHERE: "TAKE IT OUT",
    K.NOT_READY: "NOT READY",
    K.NO_LOAD_OPEN: "NO LOAD OPEN",
    K.DRIVER_RECORDED: "DRIVER",
    K.DRIVER_REQUIRED: "DRIVER NEEDED",
    K.PARCEL_LEFT: "LEFT AT THE DOCK",
    K.LOAD_CLOSED: "LOAD CLOSED",
}
ICONS: dict[Tone, str] = {
    Tone.SUCCESS: "✔",
    Tone.COMPLETE: "★",
    Tone.ERROR: "✖",
    Tone.INFO: "ℹ",  # noqa: RUF001 - the information sign, on purpose
}
IDLE_ICON = "▶"

# What the station waits for, said on the banner until it is done ("{ack}": the
# acknowledge barcode's value from the settings).
ACTIONS: dict[Awaiting, str] = {
    Awaiting.ACKNOWLEDGEMENT: "Press Esc or scan ACKNOWLEDGE ({ack})",
    Awaiting.SUPERVISOR: "Supervisor: scan your badge to approve",
    Awaiting.SEAL: "All items packed: press Seal & print or scan SEAL",
    Awaiting.WEIGHT: "Put the parcel on the scale",
    Awaiting.LABEL_SCAN: "Scan the label on each box",
}
# What to do after this verdict, where it differs from what the station waits for.
VERDICT_ACTIONS: dict[tuple[VerdictKind, Awaiting], str] = {
    (VerdictKind.WEIGHT_MISMATCH, Awaiting.WEIGHT): (
        "Check the box and weigh it again, or a supervisor scans their badge"
    ),
}
# A scan while an error waits: the error stays on screen, with this under it.
ACKNOWLEDGE_FIRST = "Not counted. Acknowledge first (Esc / scan {ack})"

# Verdicts that warn: they went through, and someone should look.
WARNINGS = frozenset({VerdictKind.WEIGHT_MISMATCH})


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


def role_of(verdict: Verdict, view: StationView, label: LabelState | None = None) -> Role:
    """The colour's meaning for a verdict shown while the station is in `view`."""
    if view.awaiting is Awaiting.ACKNOWLEDGEMENT or label is LabelState.FAILED:
        return Role.STOP  # until acknowledged (or the label is out) the banner stays red
    if verdict.kind in WARNINGS and view.awaiting not in (Awaiting.WEIGHT, Awaiting.SUPERVISOR):
        return Role.WARNING  # it went on (the label prints): look, but carry on
    return _TONE_ROLES[verdict.tone]


_TONE_ROLES: dict[Tone, Role] = {
    Tone.SUCCESS: Role.GOOD,
    Tone.COMPLETE: Role.DONE,
    Tone.ERROR: Role.STOP,
    Tone.INFO: Role.INFO,
}
_ROLE_TONES: dict[Role, Tone] = {
    Role.GOOD: Tone.SUCCESS,
    Role.DONE: Tone.COMPLETE,
    Role.STOP: Tone.ERROR,
    Role.WARNING: Tone.ERROR,
    Role.INFO: Tone.INFO,
}
_ROLE_ICONS: dict[Role, str] = {
    Role.GOOD: ICONS[Tone.SUCCESS],
    Role.DONE: ICONS[Tone.COMPLETE],
    Role.STOP: ICONS[Tone.ERROR],
    Role.WARNING: "⚠",
    Role.INFO: ICONS[Tone.INFO],
    Role.IDLE: IDLE_ICON,
}


class VerdictBanner(QFrame):
    """Shows the last verdict (or an idle prompt) in its role's colour and icon.

    A full-width band: a verdict the packer must act on (an error, a wait for
    a supervisor, the scale or a label scan) gets a taller band than routine
    ones. Sizes follow the window (`set_metrics`); a long headline shrinks to
    fit its line.
    """

    def __init__(self, ack_barcode: str = "CMD-ACK", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictBanner")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._ack = ack_barcode
        self._metrics = style.metrics_for(style.REFERENCE_HEIGHT)
        self._tone: Tone | None = None
        self._role = Role.IDLE
        self._needs_action = False
        self._shown: tuple[Verdict, StationView] | None = None
        # The verdict the station waits on (an error to acknowledge...): a scan in
        # between is answered under it, and the reason stays on screen.
        self._pending: Verdict | None = None
        self._icon = QLabel()
        self._icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._headline = QLabel()
        self._detail = _wrapping_label()
        self._action = _wrapping_label()
        for label in (self._headline, self._detail, self._action):
            # Their text never widens the window: the headline shrinks, the rest wraps.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        words = QVBoxLayout()
        words.addStretch(1)
        words.addWidget(self._headline)
        words.addWidget(self._detail)
        words.addWidget(self._action)
        words.addStretch(1)
        row = QHBoxLayout(self)
        row.addWidget(self._icon)
        row.addLayout(words, 1)
        self.set_metrics(self._metrics)
        self.show_idle("Welcome", "")

    # -- what tests and the window read -----------------------------------------

    @property
    def tone(self) -> Tone | None:
        """The tone shown (the sound to play), or None for an idle prompt."""
        return self._tone

    @property
    def role(self) -> Role:
        """What the colour shown means."""
        return self._role

    @property
    def needs_action(self) -> bool:
        """True while the band is the tall one: the packer must do something."""
        return self._needs_action

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

    def headline_px(self) -> int:
        """The headline's type size as drawn (after fitting its line)."""
        return self._headline.font().pixelSize()

    # -- sizes ----------------------------------------------------------------------

    def set_metrics(self, metrics: style.Metrics) -> None:
        """Sizes for the window's height."""
        self._metrics = metrics
        self._icon.setFont(style.font(metrics.icon_px, bold=True))
        self._icon.setFixedWidth(metrics.icon_px * 6 // 5)
        self._detail.setFont(style.font(metrics.detail_px))
        self._action.setFont(style.font(metrics.detail_px, bold=True))
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_headline()

    def _fit(self) -> None:
        m = self._metrics
        self.setFixedHeight(m.band_action_px if self._needs_action else m.band_px)
        self._fit_headline()

    def _fit_headline(self) -> None:
        """The largest type (up to the metrics' size) in which the headline fits its line."""
        room = self._headline.width() if self._headline.isVisible() else self._room()
        size = self._metrics.headline_px
        text = self._headline.text()
        while size > style.HEADLINE_MIN_PX:
            if QFontMetrics(style.font(size, bold=True)).horizontalAdvance(text) <= room:
                break
            size -= 2
        if self._headline.font().pixelSize() != size:
            self._headline.setFont(style.font(size, bold=True))

    def _room(self) -> int:
        margins = self.contentsMargins()
        return self.width() - self._icon.width() - margins.left() - margins.right() - 40

    # -- showing ------------------------------------------------------------------

    @property
    def kind(self) -> VerdictKind | None:
        """The kind of the verdict shown, or None for a prompt or a message."""
        return self._shown[0].kind if self._shown else None

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
        """A verdict; for a sealed parcel, `label` says how its label is doing.

        A scan refused because an error waits (needs acknowledgement) keeps that
        error's words on screen and adds what to do first.
        """
        pending = self._pending
        if (
            verdict.kind is VerdictKind.NEEDS_ACKNOWLEDGEMENT
            and view.awaiting is Awaiting.ACKNOWLEDGEMENT
            and pending is not None
        ):
            headline = headline_of(pending)
            detail = detail_of(pending, headline)
            action = ACKNOWLEDGE_FIRST.format(ack=self._ack)
            self._show(Role.STOP, headline, detail, action)
            self._shown = (pending, view)
            return
        if view.awaiting is Awaiting.NOTHING:
            self._pending = None
        elif verdict.kind is not VerdictKind.NEEDS_ACKNOWLEDGEMENT:
            self._pending = verdict
        headline = headline_of(verdict, label)
        detail = detail_of(verdict, headline)
        action = VERDICT_ACTIONS.get((verdict.kind, view.awaiting), ACTIONS.get(view.awaiting, ""))
        action = action.format(ack=self._ack)
        if label is LabelState.FAILED:
            detail = label_error or detail
        detail = _without_ending(detail, action)
        self._show(role_of(verdict, view, label), headline, detail, action)
        self._shown = (verdict, view)

    def show_label(self, job_id: str, label: LabelState, error: str = "") -> bool:
        """The label of the shown verdict printed (or not): say so. False if another is shown."""
        if self._shown is None or self.job_id != job_id:
            return False
        self.show_verdict(*self._shown, label=label, label_error=error)
        return True

    def show_error(self, message: str, headline: str = "PROBLEM") -> None:
        """An expected problem (printer, file, device) with what to do."""
        self._show(Role.STOP, headline, message, "")

    def show_idle(self, headline: str, detail: str) -> None:
        self._pending = None
        self._show(Role.IDLE, headline, detail, "")

    def _show(self, role: Role, headline: str, detail: str, action: str) -> None:
        self._role = role
        self._tone = _ROLE_TONES.get(role)
        self._shown = None
        self._needs_action = role in (Role.STOP, Role.WARNING) or bool(action)
        background, text = style.ROLE_COLOURS[role]
        self.setStyleSheet(
            f"#verdictBanner {{ background: {background}; border-radius: 8px; }}"
            f"#verdictBanner QLabel {{ color: {text}; }}"
        )
        self._icon.setText(_ROLE_ICONS[role])
        self._headline.setText(headline)
        self._detail.setText(detail)
        self._action.setText(action)
        self._action.setVisible(bool(action))
        self._fit()


def _without_ending(detail: str, action: str) -> str:
    """The detail without a last sentence that the action line says again."""
    said, asked = detail.rstrip().rstrip("."), action.rstrip(".")
    if not asked or not said.lower().endswith(asked.lower()) or len(said) == len(asked):
        return detail
    return said[: len(said) - len(asked)].rstrip(" .:") + "."


def _wrapping_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    return label
