"""The supervisor's dashboard: figures per packer and station, charts, drill-down, queue.

Every read runs on the dashboard's own worker over its own read-only
connection (ui.dashboard.source), never on the bench's, so a scan never waits
behind a dashboard query; the answers come back on the UI thread. The figures
are read again every `refresh_ms` while the window is open (a refresh is
skipped while the previous one is still running).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import DatabaseError

from station.audit.state import Known
from station.central.connect import CentralUnreachable
from station.errors import UserError
from station.exception_queue import ExceptionDesk
from station.supervisor.drill import DrillBy, OrderRef, Trail
from station.supervisor.figures import EVERYONE, Filter
from station.supervisor.formulas import FIGURES, MISTAKE_WORDS
from station.supervisor.period import Period
from ui.dashboard.audit_bar import AuditBar
from ui.dashboard.central_source import CentralReader
from ui.dashboard.charts import AccuracyChart, HourChart, ParetoChart
from ui.dashboard.drill_panel import DrillPanel, OpenVideo
from ui.dashboard.figure_table import FigureTable
from ui.dashboard.source import Drill, Reader, Snapshot
from ui.dashboard.totals import KpiStrip
from ui.dashboard.window_worker import WindowWorker
from ui.exception_queue import ExceptionQueue

REFRESH_MS = 30_000
log = logging.getLogger(__name__)


class DashboardWindow(QMainWindow):
    refreshed = Signal(object)  # Snapshot, once on screen
    orders_shown = Signal(object)  # list[OrderRef] behind the figure clicked
    trail_shown = Signal(object)  # Trail | None of the order clicked
    audit_shown = Signal(str)  # the audit trail's state in words, each time it is shown

    def __init__(
        self,
        reader: Reader,
        station: str,
        *,
        desk: ExceptionDesk | None = None,
        supervisor_badge: str = "",
        read_only: str = "",
        audit_at_start: bool = False,
        refresh_ms: int = REFRESH_MS,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        open_video: OpenVideo | None = None,
    ) -> None:
        super().__init__()
        self.reader = reader
        self.supervisor = supervisor_badge
        # At the bench the chain is verified when asked: hashing a year's events
        # takes minutes of the interpreter the bench's own thread needs for scans.
        self._audit_at_start = audit_at_start
        self._now = now
        self.worker = WindowWorker(self, name="dashboard-worker")
        self.period = Period.today(reader.tz, now())
        # Today and This week follow the clock (a window left open past midnight
        # moves on); a range of days stays as chosen.
        self._rolling: Callable[[tzinfo, datetime], Period] | None = Period.today
        # The station the supervisor picked (central only), kept here on the UI
        # thread and handed to each read: a read never looks at what changes meanwhile.
        self.only: Filter = EVERYONE
        self.snapshot: Snapshot | None = None
        self._refreshing = False
        self.setWindowTitle(f"PackStation — supervisor dashboard — {station}")
        self._build(desk, supervisor_badge, read_only, open_video)
        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self.refresh)

    # -- building -----------------------------------------------------------------

    def _build(
        self,
        desk: ExceptionDesk | None,
        badge: str,
        read_only: str,
        open_video: OpenVideo | None,
    ) -> None:
        self.kpis = KpiStrip()
        self.by_packer = FigureTable("packer")
        self.by_station = FigureTable("station")
        self.hour_chart = HourChart()
        self.accuracy_chart = AccuracyChart()
        self.mistake_chart = ParetoChart("Mistakes caught, by kind (Pareto)", MISTAKE_WORDS)
        self.reason_chart = ParetoChart("Exceptions, by reason (Pareto)")
        self.drill_panel = DrillPanel(open_video)
        # Read on the worker: it lists the station chosen by then, and a pick made
        # after it queues a refresh behind it (one FIFO worker) that shows its own list.
        self.queue = ExceptionQueue(
            lambda: self.reader.waiting(self.only),
            desk,
            badge,
            self.worker,
            self.reader.tz,
            read_only=read_only,
        )
        self.queue.decided.connect(self._on_queue_decided)
        figures = QWidget()
        column = QVBoxLayout(figures)
        column.addWidget(self.kpis)
        column.addWidget(_heading("Per packer"))
        column.addWidget(self.by_packer)
        column.addWidget(_heading("Per station"))
        column.addWidget(self.by_station)
        charts = QGridLayout()
        charts.addWidget(self.hour_chart, 0, 0)
        charts.addWidget(self.accuracy_chart, 0, 1)
        charts.addWidget(self.mistake_chart, 1, 0)
        charts.addWidget(self.reason_chart, 1, 1)
        column.addLayout(charts)
        column.addWidget(_heading("How each figure is computed"))
        column.addWidget(_formulas())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(figures)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scroll)
        split.addWidget(self.drill_panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([1250, 750])  # the figures first; the trail's tables still fit
        self.tabs = QTabWidget()
        self.tabs.addTab(split, "Figures")
        self.tabs.addTab(self.queue, "Exception queue")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(self._top_bar())
        # A line of its own: beside the period buttons its words wrapped into a tall column.
        layout.addWidget(self.audit_bar)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(body)
        self.by_packer.cell_drilled.connect(self._on_table_cell_drilled)
        self.by_station.cell_drilled.connect(self._on_table_cell_drilled)
        self.kpis.figure_drilled.connect(self._on_kpis_figure_drilled)
        self.hour_chart.bar_clicked.connect(self._on_hour_chart_bar_clicked)
        self.accuracy_chart.bar_clicked.connect(self._on_accuracy_chart_bar_clicked)
        self.mistake_chart.bar_clicked.connect(self._on_mistake_chart_bar_clicked)
        self.reason_chart.bar_clicked.connect(self._on_reason_chart_bar_clicked)
        self.drill_panel.orders.order_chosen.connect(self.open_trail)

    def _top_bar(self) -> QHBoxLayout:
        self.today_button = QPushButton("Today")
        self.week_button = QPushButton("This week")
        self.range_button = QPushButton("Range")
        group = QButtonGroup(self)
        for button in (self.today_button, self.week_button, self.range_button):
            button.setCheckable(True)
            group.addButton(button)
        self.today_button.setChecked(True)
        today = self.period.start
        self.from_date = QDateEdit(QDate(today.year, today.month, today.day))
        self.to_date = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.from_date, self.to_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.refresh_button = QPushButton("Refresh now")
        # The central database holds every station's figures: the supervisor picks one.
        self.station_choice = QComboBox()
        self.station_choice.addItem("All stations", None)
        self.station_choice.setVisible(isinstance(self.reader, CentralReader))
        self.station_choice.activated.connect(self._on_station_choice_activated)
        self.status = QLabel("Reading…")
        self.audit_bar = AuditBar(self.reader.verifies_here)
        self.audit, self.audit_button = self.audit_bar.label, self.audit_bar.button
        self.audit_button.clicked.connect(self.check_audit)
        bar = QHBoxLayout()
        for widget in (self.today_button, self.week_button, QLabel("  From"), self.from_date):
            bar.addWidget(widget)
        for widget in (QLabel("to"), self.to_date, self.range_button, self.refresh_button):
            bar.addWidget(widget)
        bar.addWidget(self.station_choice)
        bar.addSpacing(16)
        bar.addWidget(self.status)
        bar.addStretch(1)
        self.today_button.clicked.connect(self._on_today_button_clicked)
        self.week_button.clicked.connect(self._on_week_button_clicked)
        self.range_button.clicked.connect(self._on_range_button_clicked)
        self.refresh_button.clicked.connect(self.refresh)
        return bar

    # -- reading ------------------------------------------------------------------

    def start(self) -> None:
        """First read, then every refresh interval while the window is open."""
        self.refresh()
        self.timer.start()
        if self._audit_at_start:
            self.check_audit()

    def check_audit(self) -> None:
        """Verify the whole audit chain where the window can (on the worker, after what
        is queued), else read again what is known of it."""
        if not self.reader.verifies_here:
            self._read_audit()
            return
        self.audit_bar.start_verifying()
        self.worker.run(self.reader.verify, self._on_worker_verified, self._on_audit_failed)

    def _read_audit(self) -> None:
        self.worker.run(self.reader.audit_known, self._on_worker_audit, self._on_audit_read_failed)

    def show_period(self, period: Period) -> None:
        self.period = period
        self._show_dates(period)
        self.refresh()

    def _show_dates(self, period: Period) -> None:
        for edit, day in ((self.from_date, period.start), (self.to_date, period.end)):
            edit.setDate(QDate(day.year, day.month, day.day))

    def refresh(self) -> None:
        if self._refreshing:
            return
        self._refreshing = True
        if self._rolling is not None:
            rolled = self._rolling(self.reader.tz, self._now())
            if rolled != self.period:
                self.period = rolled
                self._show_dates(rolled)
        self.status.setText("Reading…")
        reader, period, only = self.reader, self.period, self.only
        self.worker.run(
            lambda: reader.snapshot(period, only), self._on_worker_snapshot, self._failed
        )
        self._read_audit()  # cheap: the links since the last verification move on

    def drill(self, drill: Drill) -> None:
        """List the orders behind one figure (on the worker)."""
        reader = self.reader
        self.drill_panel.title.setText(f"{drill.title} — reading…")
        self.worker.run(
            lambda: reader.orders(drill),
            lambda refs: self._on_worker_orders(drill, refs),
            self._failed,
        )

    def open_trail(self, number: str) -> None:
        reader = self.reader
        self.worker.run(
            lambda: reader.trail(number),
            lambda found: self._on_worker_trail(number, *found),
            self._failed,
        )

    def _on_worker_snapshot(self, snapshot: Snapshot) -> None:
        self._refreshing = False
        if (snapshot.period, snapshot.only) != (self.period, self.only):
            self.refresh()  # the period or station changed meanwhile: read what is chosen now
            return
        self.snapshot = snapshot
        self._offer_stations(snapshot)
        self.kpis.show_rows(snapshot.by_station)
        self.by_packer.show_rows(snapshot.by_packer)
        self.by_station.show_rows(snapshot.by_station)
        self.hour_chart.show_hours(snapshot.hours)
        self.accuracy_chart.show_days(snapshot.days)
        self.mistake_chart.show_rows(snapshot.mistakes)
        self.reason_chart.show_rows(snapshot.reasons)
        self.queue.show_waiting(snapshot.waiting, self._now())
        self.tabs.setTabText(1, f"Exception queue ({len(snapshot.waiting)})")
        stamp = self._now().astimezone(self.reader.tz).strftime("%H:%M:%S")
        every = self.timer.interval() // 1000
        self.status.setText(f"{_describe(snapshot.period)} · updated {stamp}, every {every} s")
        self.status.setStyleSheet("")
        self.refreshed.emit(snapshot)

    def _on_worker_audit(self, known: list[Known]) -> None:
        if self.audit_bar.verifying:  # read before the verification asked for: not newer
            return
        self._on_worker_verified(known)

    def _on_worker_verified(self, known: list[Known]) -> None:
        words = self.audit_bar.show_known(known, self.only.station, self.reader.tz)
        self.audit_shown.emit(words)

    def _on_audit_read_failed(self, exc: BaseException) -> None:
        if self.audit_bar.verifying:  # a read queued before the verification: it says more
            log.warning("audit state not read before a verification", exc_info=exc)
            return
        self._on_audit_failed(exc)

    def _on_audit_failed(self, exc: BaseException) -> None:
        # The figures may still show: the audit line says it was not read, and why.
        expected = isinstance(exc, (UserError, DatabaseError, OSError))
        log.log(
            logging.WARNING if expected else logging.ERROR, "audit state not read", exc_info=exc
        )
        self.audit_shown.emit(self.audit_bar.show_failure(str(exc)))

    def _on_worker_orders(self, drill: Drill, refs: list[OrderRef]) -> None:
        self.drill_panel.show_orders(drill.title, refs)
        self.orders_shown.emit(refs)

    def _on_worker_trail(self, number: str, trail: Trail | None, video: str | None) -> None:
        self.drill_panel.show_trail(number, trail, video)
        self.trail_shown.emit(trail)

    def _offer_stations(self, snapshot: Snapshot) -> None:
        known = {self.station_choice.itemData(i) for i in range(self.station_choice.count())}
        for row in snapshot.by_station:
            if row.station and row.station not in known:
                self.station_choice.addItem(row.station, row.station)

    def _on_station_choice_activated(self, index: int) -> None:
        if isinstance(self.reader, CentralReader):
            station = self.station_choice.itemData(index)
            self.only = EVERYONE if station is None else Filter(station=station)
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self._refreshing = False
        if isinstance(exc, CentralUnreachable):  # the office's network, not a bug: said plainly
            log.warning("central database not reached: %s", exc)
            self.status.setText(
                f"Central database not reached ({exc}). Figures shown are from the last read; "
                "trying again at the next refresh."
            )
            self.status.setStyleSheet("color: #c62828; font-weight: bold;")
            return
        # A store being restored or a damaged file: said here, the bench goes on.
        # Anything else is a bug: in the log with its traceback, said here too.
        expected = isinstance(exc, (UserError, DatabaseError, OSError))
        log.log(
            logging.WARNING if expected else logging.ERROR, "dashboard read failed", exc_info=exc
        )
        self.status.setText(f"Could not read the figures: {exc}")

    # -- clicks -------------------------------------------------------------------

    def _drill_shown(
        self,
        figure: str,
        title: str,
        by: DrillBy | None = None,
        key: str | None = None,
        what: str | None = None,
    ) -> None:
        """The orders behind a figure on screen: of the period and station it was read for,
        even when another was just chosen and is still reading."""
        period, only = self.period, self.only
        if self.snapshot is not None:
            period, only = self.snapshot.period, self.snapshot.only
        self.drill(Drill(period, figure, title, by, key, what, only))

    def _on_table_cell_drilled(self, figure: str, by: str, key: str, words: str) -> None:
        self._drill_shown(figure, words, by, key)  # type: ignore[arg-type]

    def _on_kpis_figure_drilled(self, figure: str, words: str) -> None:
        self._drill_shown(figure, f"{words}: everyone")

    def _on_hour_chart_bar_clicked(self, index: int) -> None:
        hour = self.hour_chart.hours[index]
        title = f"Orders packed between {hour:02d}:00 and {hour:02d}:59"
        self._drill_shown("orders_by_hour", title, "hour", str(hour))

    def _on_accuracy_chart_bar_clicked(self, index: int) -> None:
        day = self.accuracy_chart.days[index]
        title = f"Orders packed on {day} with a mistake caught"
        self._drill_shown("orders_with_mistakes", title, "day", day)

    def _on_mistake_chart_bar_clicked(self, index: int) -> None:
        kind = self.mistake_chart.kinds[index]
        title = f"Scans that caught a {MISTAKE_WORDS.get(kind, kind)}"
        self._drill_shown(f"mistakes.{kind}", title)

    def _on_reason_chart_bar_clicked(self, index: int) -> None:
        reason = self.reason_chart.kinds[index]
        title = f"Exceptions flagged as {reason.replace('_', ' ')}"
        self._drill_shown("exceptions_opened", title, what=f"exception_flagged: {reason}")

    def _on_today_button_clicked(self) -> None:
        self._rolling = Period.today
        self.show_period(Period.today(self.reader.tz, self._now()))

    def _on_week_button_clicked(self) -> None:
        self._rolling = Period.this_week
        self.show_period(Period.this_week(self.reader.tz, self._now()))

    def _on_range_button_clicked(self) -> None:
        start, end = _day(self.from_date.date()), _day(self.to_date.date())
        if end < start:
            self.status.setText("The range ends before it starts: pick the earlier date first.")
            return
        self._rolling = None
        self.show_period(Period(start, end, self.reader.tz))

    def _on_queue_decided(self, _decision: object) -> None:
        self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timer.stop()
        # Not waited for: a query under way must not hold up the bench's screen.
        # A decision already queued still runs (it is a supervisor's act). The
        # worker leaves the window, which may be deleted now (ui.dashboard.window_worker).
        # The reader is the window's: let go of once the reads queued before it end.
        if not self.worker.closed:
            self.worker.run(self.reader.close, lambda _none: None)
        self.worker.retire()
        super().closeEvent(event)


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 15px; font-weight: bold; margin-top: 6px;")
    return label


def _formulas() -> QLabel:
    lines = "".join(f"<li><b>{f.label}</b>: {f.formula}</li>" for f in FIGURES)
    label = QLabel(f"<ul style='margin: 0'>{lines}</ul>")
    label.setWordWrap(True)
    label.setStyleSheet("color: #444;")
    return label


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _describe(period: Period) -> str:
    if period.start == period.end:
        return f"{period.start:%a %Y-%m-%d}"
    return f"{period.start:%Y-%m-%d} to {period.end:%Y-%m-%d} ({period.days} days)"
