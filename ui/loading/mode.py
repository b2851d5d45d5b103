"""Loading mode in the station's window: the dock's screen beside the pack screen.

`[station] role = "dock"` starts in it; `CMD-LOAD` scanned at a bench switches
to it, and "Back to packing" switches back (an open load stays open and
resumes). While it is shown every scan (wedge, typed, serial) goes to the
dock's engine; `CMD-CLOSE-LOAD` opens the close dialog (while a stop waits it is answered
needs_acknowledgement instead, as replay answers it).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QInputDialog, QMessageBox, QStackedWidget, QWidget

from station.barcodes import parse_scan
from station.couriers.plan import CourierBook
from station.handoff.closing import ManifestPrinter
from station.handoff.engine import DockAwaiting, LoadAnswer, LoadingSession
from station.handoff.manifest_data import ManifestData
from station.settings import Settings
from station.verdicts import Tone
from ui import style
from ui.controller import StationController
from ui.crash import show_crash_box
from ui.loading.close_dialog import CloseLoadDialog
from ui.loading.controller import LoadingController
from ui.loading.pending_dialog import PendingDialog
from ui.loading.screen import LoadingScreen
from ui.main_window import MainWindow
from ui.sounds import SoundPlayer


class LoadingMode(QObject):
    """Switches the window between packing and loading and routes the scans."""

    def __init__(
        self,
        window: MainWindow,
        station: StationController,
        dock: LoadingController,
        settings: Settings,
        sound_player: SoundPlayer,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.dock = dock
        self.settings = settings
        self.sound_player = sound_player
        self.dialog: CloseLoadDialog | None = None
        self.pending: PendingDialog | None = None
        self.chooser: QInputDialog | None = None  # Start load…: the courier, chosen
        self.crash_box: QMessageBox | None = None
        self.last: LoadAnswer | None = None
        self.screen = LoadingScreen(settings.station, settings.commands.ack)
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        self.escape.setEnabled(False)
        self.escape.activated.connect(self._on_screen_acknowledge_requested)
        packing = window.takeCentralWidget()
        assert packing is not None, "the pack screen is built before loading mode"
        self.stack = QStackedWidget()
        self.stack.addWidget(packing)
        self.stack.addWidget(self.screen)
        window.setCentralWidget(self.stack)
        self._packing: QWidget = packing
        station.scan_router = self._route
        dock.answered.connect(self._on_dock_answered)
        dock.taken_off.connect(self._on_dock_answered)
        dock.closed.connect(self._on_dock_closed)
        dock.view_loaded.connect(self._on_dock_view_loaded)
        dock.user_error_raised.connect(self._on_dock_user_error_raised)
        dock.close_failed.connect(self._on_dock_close_failed)
        dock.crashed.connect(self._on_dock_crashed)
        self.screen.start_requested.connect(self._on_screen_start_requested)
        self.screen.close_requested.connect(self.open_close_dialog)
        self.screen.back_requested.connect(self.leave)
        self.screen.pending_requested.connect(self.open_pending)
        self.screen.acknowledge_requested.connect(self._on_screen_acknowledge_requested)
        # Typed as scanned: CMD-CLOSE-LOAD typed opens the close dialog too.
        self.screen.typed.connect(lambda text: self._route(text, "keyboard"))
        window.installEventFilter(self)
        dock.load_view()
        if settings.role == "dock":
            self.enter()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() is QEvent.Type.Close:
            # The window closes: the dock's queued inputs (each a commit) finish first.
            self.dock.shutdown()
        return False

    @property
    def active(self) -> bool:
        return self.stack.currentWidget() is self.screen

    def enter(self) -> None:
        self.stack.setCurrentWidget(self.screen)
        self.screen.entry.setFocus()
        self.window.typed_input = self.screen  # typing shows in the dock's field
        self._escape_to_dock(True)

    def leave(self) -> None:
        self.stack.setCurrentWidget(self._packing)
        self.window.typed_input = self.window.input_bar
        self._escape_to_dock(False)

    def _escape_to_dock(self, dock: bool) -> None:
        # One Esc at a time: the bench's acknowledges the bench, the dock's the dock.
        self.window.escape_shortcut.setEnabled(not dock)
        self.escape.setEnabled(dock)

    def _route(self, raw: str, source: str) -> bool:
        """Take a scan for the dock (True) or leave it to the bench (False)."""
        text = parse_scan(raw).text  # as the dock's engine reads it
        commands = self.settings.commands
        if not self.active and text not in (commands.load, commands.close_load):
            return False  # (a load left open at the bench is closed from there too)
        self.enter()
        last = self.last
        # A stop waiting: the close scanned is answered as any scan then (not taken), as
        # replay answers it; the dialog would cover the stop nobody acknowledged yet.
        stopped = last is not None and last.awaiting is DockAwaiting.ACKNOWLEDGEMENT
        if text == commands.close_load and last is not None and last.load_open and not stopped:
            self.open_close_dialog()
        else:
            self.dock.scan(raw, source=source)  # (a close with no load open is answered so)
        return True

    def open_close_dialog(self) -> None:
        last = self.last
        if self.dialog is not None or last is None or not last.load_open:
            return
        self.dialog = CloseLoadDialog(self.dock, last, self.window)
        self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.open()

    def open_pending(self) -> None:
        """The parcels never collected (sealed, on no closed load), for a supervisor."""
        self.pending = PendingDialog(self.window)
        self.dock.uncollected_listed.connect(self.pending.show_parcels)
        self.pending.finished.connect(self._on_pending_finished)
        self.pending.open()
        self.dock.list_uncollected()

    def _on_pending_finished(self, _result: int) -> None:
        if self.pending is not None:
            self.dock.uncollected_listed.disconnect(self.pending.show_parcels)
        self.pending = None

    def _on_dialog_finished(self, _result: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()  # one dialog per close, not one kept per load
        self.dialog = None

    def _on_screen_start_requested(self) -> None:
        if self.chooser is not None:
            return
        couriers = sorted(profile.name for profile in self.dock.loading.couriers.profiles.values())
        # Not a blocking getItem: scans go on meanwhile, and it is read at the dock's size.
        self.chooser = chooser = QInputDialog(self.window)
        chooser.setWindowTitle("Start a load")
        chooser.setLabelText("The courier whose parcels go on this load:")
        chooser.setComboBoxItems(couriers)
        chooser.setComboBoxEditable(True)  # a courier named on the parcels, not a profile
        chooser.setFont(style.font(15))
        chooser.setMinimumWidth(520)
        chooser.textValueSelected.connect(self._on_chooser_text_value_selected)
        chooser.finished.connect(self._on_chooser_finished)
        chooser.open()

    def _on_chooser_text_value_selected(self, name: str) -> None:
        if self.last is not None and self.last.load_open:
            return  # one load at a time (the name would be read as a parcel's label)
        if name.strip():
            self.dock.scan(self.settings.commands.load, source="button")
            self.dock.scan(name.strip(), source="button")

    def _on_chooser_finished(self, _result: int) -> None:
        if self.chooser is not None:
            self.chooser.deleteLater()
        self.chooser = None

    def _on_screen_acknowledge_requested(self) -> None:
        self.dock.scan(self.settings.commands.ack, source="button")

    def _on_dock_answered(self, answer: LoadAnswer) -> None:
        self.last = answer
        if self.pending is not None and answer.awaiting is DockAwaiting.ACKNOWLEDGEMENT:
            self.pending.reject()  # a read-only list: the stop must be seen, not covered
        if self.chooser is not None and (
            answer.awaiting is DockAwaiting.ACKNOWLEDGEMENT or answer.load_open
        ):
            # As the list: a stop is seen, not covered. A load opened meanwhile (scanned):
            # a courier chosen now would be read as a parcel's label, a NOT READY stop.
            self.chooser.reject()
        self.screen.show_answer(answer)
        self.sound_player.play(self.screen.banner.tone or answer.verdict.tone)

    def _on_dock_closed(self, answer: LoadAnswer) -> None:
        self.last = answer
        self.screen.show_answer(answer)
        self.sound_player.play(Tone.COMPLETE)

    def _on_dock_view_loaded(self, answer: LoadAnswer | None) -> None:
        self.last = answer
        if answer is not None:
            self.screen.show_answer(answer)
            if answer.load_open:
                self.enter()  # stopped while loading: the load resumes where it was

    def _on_dock_crashed(self, details: str) -> None:
        self.crash_box = show_crash_box(self.window, details)

    def _on_dock_user_error_raised(self, message: str) -> None:
        # On the screen even behind the close dialog: one refused while a close runs is
        # not said in the dialog (waiting on the close), and is read when it closes.
        self.screen.banner.show_error(message)
        self.sound_player.play(Tone.ERROR)

    def _on_dock_close_failed(self, message: str) -> None:
        if self.dialog is None:  # else said in the dialog, which stays open
            self.screen.banner.show_error(message)
            self.sound_player.play(Tone.ERROR)


def attach_loading_mode(
    window: MainWindow,
    station: StationController,
    settings: Settings,
    sound_player: SoundPlayer,
    config_dir: Path | None = None,
) -> LoadingMode:
    """The dock's engine on the station's store and sequence, its screen in `window`."""
    session = station.session
    loading = LoadingSession(
        session.store,
        settings,
        CourierBook.load(config_dir),
        session.sequence,
        session.station,
    )
    dock = LoadingController(loading, session.store.path.parent, _render, _printer(settings))
    dock.setParent(window)
    mode = LoadingMode(window, station, dock, settings, sound_player)
    if settings.central.url is not None:
        dock.use_central(settings.central.url)
    return mode


def _render(data: ManifestData, signature_png: bytes | None, photo: Path | None) -> bytes:
    # Imported at the first close: reportlab is not loaded at every start.
    from devices.pdf.manifest import render_manifest_pdf

    return render_manifest_pdf(data, signature_png, photo)


def _printer(settings: Settings) -> ManifestPrinter | None:
    url = settings.devices.document_printer
    if url is None:
        return None  # the manifest stays in <data dir>/manifests
    if url.scheme != "system":
        from devices.pdf.manifest import manifest_printer

        return manifest_printer(url)
    from urllib.parse import unquote

    from ui.system_printer import native_printer, print_pdf

    name = unquote(url.target)

    def send(pdf: Path) -> str:
        print_pdf(pdf.read_bytes(), native_printer(name), f"Manifest {pdf.stem}")
        return f"system://{name}"

    return send
