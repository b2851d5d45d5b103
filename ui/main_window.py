"""The pack screen: puts the parts together and routes inputs and answers.

Parts: `HeaderBar` (who/what), `VerdictBanner` (the last verdict, big),
`OrderTable` or the big prompt, `InputBar` (typed barcodes), `ActionBar` (the
buttons) and the dialogs (ui.bench_dialogs, ui.errand_scans). Inputs (wedge
scans, typed entries, buttons) go to the `StationController`, which answers on
the UI thread; this window only shows answers, it never calls the engine itself.
Label reports reach the banner through ui.label_report_hold, and the header's
device lines follow the status bar (ui.header_devices).

At a start the window shows what it showed when the station stopped (the
verdict with its words, colour and sound, the line being scanned, the last
label). Sizes follow the window's height (ui.screen_sizing), so that a
1366 x 768 bench screen shows everything at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from station.resume import ScreenAtStop
from station.settings import Settings
from station.verdicts import (
    COUNTED_VERDICTS,
    Awaiting,
    StationView,
    Tone,
    Verdict,
    VerdictKind,
)
from ui import style
from ui.action_bar import ActionBar
from ui.banner import VerdictBanner
from ui.bench_dialogs import BenchDialogs
from ui.controller import StationController
from ui.crash import show_crash_box
from ui.errand_scans import ErrandScans
from ui.header import HeaderBar
from ui.header_devices import HeaderDevices
from ui.input_bar import InputBar
from ui.label_monitor import LabelMonitor, LabelState
from ui.label_preview import LabelPreview
from ui.label_question import LabelQuestions
from ui.label_report_hold import LabelReportHold
from ui.order_table import OrderTable
from ui.screen_sizing import ScreenSizing
from ui.sounds import SoundPlayer
from ui.status_bar import DeviceStatusBar
from ui.supervisor_gate import SupervisorGate
from ui.thumbnails import ThumbnailCache
from ui.wedge import Clock, WedgeFilter, monotonic_ms

if TYPE_CHECKING:
    from ui.dashboard.opening import BenchDashboard


class TypedInput(Protocol):
    """A screen's input field that shows what a person types (the wedge's slow keys)."""

    def insert_typed(self, text: str) -> None: ...

    def submit(self) -> None: ...


PROMPT_BADGE = "Scan your badge"
PROMPT_ORDER = "Scan an order"
PROMPT_LABEL = "Scan the label on the box"  # scan-back required before the next order


class MainWindow(QMainWindow):
    """The station's one window."""

    verdict_shown = Signal(object)  # Verdict, once banner, table and sound are done
    view_shown = Signal(object)  # StationView, after every update of the screen
    error_shown = Signal(str)  # an expected problem shown on the banner

    def __init__(
        self,
        controller: StationController,
        settings: Settings,
        sound_player: SoundPlayer,
        clock: Clock = monotonic_ms,
    ) -> None:
        super().__init__()
        self.controller = controller
        self.sound_player = sound_player
        self.view: StationView | None = None
        self.crash_box: QMessageBox | None = None
        self.dashboard: BenchDashboard | None = None  # a supervisor's, opened with F9
        self.setWindowTitle(f"PackStation — {settings.station}")
        # Void and bulk print: a supervisor's badge and PIN first (station.supervisor_auth).
        self.supervisor_gate = SupervisorGate(
            self, controller.session, self._on_controller_user_error_raised
        )
        self.supervisor_gate.cancelled.connect(self._on_errand_dropped)
        self._thumbnails = ThumbnailCache(parent=self)
        self.labels = LabelMonitor(self)
        self.label_questions = LabelQuestions(
            self, self.labels, self.controller.answer_label, self.controller.load_label_questions
        )
        self._build(settings)
        self.dialogs = BenchDialogs(
            self, controller, self.supervisor_gate, lambda: self.view, self._on_dialogs_finished
        )
        self.errands = ErrandScans(
            controller, self.dialogs, self.label_questions, self._on_dashboard_shortcut_activated
        )
        # Where a person's typing shows: the pack screen's field, or the dock's (ui.loading).
        self.typed_input: TypedInput = self.input_bar
        self.wedge = WedgeFilter(self, settings, self._insert_typed, self._submit_typed, clock)
        self._connect()
        self.wedge.install()

    def _insert_typed(self, text: str) -> None:
        self.typed_input.insert_typed(text)

    def _submit_typed(self) -> None:
        self.typed_input.submit()

    def _build(self, settings: Settings) -> None:
        self.header = HeaderBar(settings.station)
        self.banner = VerdictBanner(settings.commands.ack)
        self.prompt = QLabel(PROMPT_BADGE)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.order_table = OrderTable(self._thumbnails)
        self._centre = QStackedWidget()
        self._centre.addWidget(self.prompt)
        self._centre.addWidget(self.order_table)
        self.label_preview = LabelPreview(self.controller.session.label_of)
        middle = QHBoxLayout()
        middle.addWidget(self._centre, 1)
        middle.addWidget(self.label_preview)
        self._middle = middle
        self.input_bar = InputBar()
        self.action_bar = ActionBar()
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(8, 6, 8, 4)
        column.setSpacing(6)
        column.addWidget(self.header)
        column.addWidget(self.banner)
        column.addLayout(middle, 1)
        column.addWidget(self.input_bar)
        column.addWidget(self.action_bar)
        self.setCentralWidget(body)
        self.device_status = DeviceStatusBar()  # filled by ui.app with the configured devices
        self.setStatusBar(self.device_status)
        self.escape_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.dashboard_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F9), self)
        parts = (
            self.banner.set_metrics,
            self.header.set_metrics,
            self.order_table.set_metrics,
            self.label_preview.set_metrics,
        )
        self._sizing = ScreenSizing(parts, self.prompt, self.input_bar, self.action_bar)
        self._sizing.apply(style.metrics_for(self.height()))

    def _connect(self) -> None:
        c = self.controller
        c.verdict_returned.connect(self._on_controller_verdict_returned)
        c.view_loaded.connect(self._on_controller_view_loaded)
        c.resumed.connect(self._on_controller_resumed)
        c.user_error_raised.connect(self._on_controller_user_error_raised)
        c.crashed.connect(self._on_controller_crashed)
        self.label_reports = LabelReportHold(c, self.labels, self)
        self.labels.label_printed.connect(self._on_labels_label_printed)
        self.labels.label_failed.connect(self._on_labels_label_failed)
        self.header_devices = HeaderDevices(self.header, self.device_status, self.labels, self)
        self.wedge.scanned.connect(self._on_wedge_scanned)
        self.wedge.scan_refused.connect(self._on_wedge_scan_refused)
        self.input_bar.submitted.connect(self._on_input_bar_submitted)
        a = self.action_bar
        a.acknowledge_requested.connect(self._on_action_bar_acknowledge_requested)
        a.park_requested.connect(self._on_action_bar_park_requested)
        a.exception_requested.connect(self._on_action_bar_exception_requested)
        a.short_ship_requested.connect(self._on_action_bar_short_ship_requested)
        a.seal_requested.connect(self._on_action_bar_seal_requested)
        a.logout_requested.connect(self._on_action_bar_logout_requested)
        a.reprint_requested.connect(self._on_action_bar_reprint_requested)
        a.void_requested.connect(self._on_action_bar_void_requested)
        a.new_box_requested.connect(self.controller.new_box)
        a.slip_requested.connect(self.controller.print_slip)
        a.bulk_requested.connect(self._on_action_bar_bulk_requested)
        self.escape_shortcut.activated.connect(self._on_escape_shortcut_activated)
        self.dashboard_shortcut.activated.connect(self._on_dashboard_shortcut_activated)

    def start(self) -> None:
        """Load the station's state and show what the screen showed when it stopped."""
        self.input_bar.field.setFocus()
        self.controller.resume()

    # -- sizes ------------------------------------------------------------------

    def add_side_panel(self, panel: QWidget, set_metrics: Callable[[style.Metrics], None]) -> None:
        """A column between the order table and the last label (a camera's live view),
        sized with the rest of the screen by `set_metrics`."""
        self._middle.insertWidget(1, panel)
        self._sizing.add_side_panel(set_metrics)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._sizing.apply(style.metrics_for(self.height()))
        super().resizeEvent(event)

    # -- answers from the engine ----------------------------------------------

    def _on_controller_verdict_returned(self, verdict: Verdict, view: StationView) -> None:
        if verdict.kind is VerdictKind.DUPLICATE_READ:
            # Stored for the record; the packer keeps seeing the verdict that counted.
            self._show_view(view)
            self.verdict_shown.emit(verdict)
            return
        self._show_verdict(verdict, view)
        self._show_view(view, verdict.sku if verdict.kind in COUNTED_VERDICTS else None)
        self.sound_player.play(self.banner.tone or verdict.tone)
        if verdict.kind is VerdictKind.ERRAND:
            self.errands.run(verdict)
        if verdict.needs_pin:
            self.dialogs.ask_pin(verdict)
        self.verdict_shown.emit(verdict)

    def _on_controller_resumed(self, screen: ScreenAtStop, view: StationView) -> None:
        if screen.label_job is not None:
            self.label_preview.show_job(screen.label_job, screen.labels)
        if not screen.verdicts:
            self._on_controller_view_loaded(view)
            return
        for verdict in screen.verdicts:
            self._show_verdict(verdict, view, preview=False)
        self.sound_player.play(self.banner.tone or screen.verdicts[-1].tone)
        self._show_view(view, screen.active_sku)

    def _show_verdict(self, verdict: Verdict, view: StationView, *, preview: bool = True) -> None:
        if verdict.job_id is None:
            self.banner.show_verdict(verdict, view)
        else:
            label = self.labels.expect(verdict.job_id, verdict.order)
            error = self.labels.error_of(verdict.job_id) if label is LabelState.FAILED else ""
            self.banner.show_verdict(verdict, view, label, error)
            if preview:
                self.label_preview.show_job(verdict.job_id, len(verdict.parcels) or 1)

    def _on_labels_label_printed(self, job_id: str, _location: str) -> None:
        self.banner.show_label(job_id, LabelState.PRINTED)

    def _on_labels_label_failed(self, job_id: str, message: str) -> None:
        if not self.banner.show_label(job_id, LabelState.FAILED, message):
            self.banner.show_error(message, headline="LABEL NOT PRINTED")
        self.sound_player.play(Tone.ERROR)
        self.error_shown.emit(message)

    def _on_controller_view_loaded(self, view: StationView) -> None:
        if self.banner.tone is None:
            self.banner.show_idle(_prompt_of(view), "")
        self._show_view(view)

    def _on_controller_user_error_raised(self, message: str) -> None:
        self.banner.show_error(message)
        self.sound_player.play(Tone.ERROR)
        self.error_shown.emit(message)

    def _on_controller_crashed(self, details: str) -> None:
        self.crash_box = show_crash_box(self, details)

    def _show_view(self, view: StationView, active_sku: str | None = None) -> None:
        self.view = view
        self.header.show_view(view)
        self.action_bar.show_view(view)
        if view.order is None:
            self.prompt.setText(_prompt_of(view))
            self._centre.setCurrentWidget(self.prompt)
            self.order_table.set_lines(())
        else:
            self._centre.setCurrentWidget(self.order_table)
            self.order_table.set_lines(view.order.lines, active_sku)
        self.view_shown.emit(view)

    # -- inputs -----------------------------------------------------------------

    def _on_wedge_scanned(self, raw: str) -> None:
        self.controller.scan(raw, source="scanner")

    def _on_wedge_scan_refused(self, message: str) -> None:
        # Not the engine's: a scanner on the wrong keyboard layout, never counted.
        self.banner.show_error(message, headline="SCAN NOT COUNTED")
        self.sound_player.play(Tone.ERROR)
        self.error_shown.emit(message)

    def _on_input_bar_submitted(self, text: str) -> None:
        self.controller.scan(text, source="keyboard", manual=True)

    def _on_escape_shortcut_activated(self) -> None:
        self.controller.acknowledge()

    def _on_dashboard_shortcut_activated(self) -> None:
        # Imported when asked for: the dashboard is a supervisor's, not every start's.
        from ui.dashboard.opening import BenchDashboard

        if self.dashboard is None:
            session = self.controller.session
            self.dashboard = BenchDashboard(self, session, self._on_controller_user_error_raised)
        self.dashboard.open(self.view)

    def _on_action_bar_acknowledge_requested(self) -> None:
        self.controller.acknowledge()

    def _on_action_bar_park_requested(self) -> None:
        self.controller.park()

    def _on_action_bar_seal_requested(self) -> None:
        self.controller.seal()

    def _on_action_bar_logout_requested(self) -> None:
        self.controller.logout()

    def _on_action_bar_exception_requested(self) -> None:
        self.dialogs.open_exception()

    def _on_action_bar_short_ship_requested(self) -> None:
        self.dialogs.open_short_ship()

    def _on_action_bar_reprint_requested(self) -> None:
        self.dialogs.open_reprint()

    def _on_action_bar_void_requested(self) -> None:
        self.dialogs.open_void()

    def _on_action_bar_bulk_requested(self) -> None:
        self.dialogs.open_bulk_print(None)

    @property
    def dialog(self) -> QDialog | None:
        """The dialog open over the pack screen (ui.bench_dialogs), if any."""
        return self.dialogs.dialog

    def _on_dialogs_finished(self, result: int) -> None:
        self.input_bar.field.setFocus()
        if result == QDialog.DialogCode.Rejected:
            self._on_errand_dropped()

    def _on_errand_dropped(self) -> None:
        # A void or reprint closed unanswered: its instruction must not stay on the
        # band as if the bench still waited for it; the band asks what comes next.
        # (With an order open the bench's buttons for them are off: left as it is.)
        view = self.view
        if self.banner.kind is VerdictKind.ERRAND and view is not None and view.order is None:
            self.banner.show_idle(_prompt_of(view), "")

    # -- closing ------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.wedge.uninstall()
        if self.dashboard is not None:
            self.dashboard.close()
        self.supervisor_gate.close()
        self.controller.shutdown()
        self._thumbnails.shutdown()
        self.label_preview.shutdown()
        super().closeEvent(event)


def _prompt_of(view: StationView) -> str:
    if view.packer_name is None:
        return PROMPT_BADGE
    return PROMPT_LABEL if view.awaiting is Awaiting.LABEL_SCAN else PROMPT_ORDER
