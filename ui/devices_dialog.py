"""Devices…: the IT person edits the station's device URLs, finds ports and tests devices.

Every field is checked as typed (station.device_urls), with what is wrong
right under it; Save stays disabled while one is wrong. Discovery and the
Test buttons run off the UI thread (`CheckRunner`). Save writes the [devices]
table of the config file, keeping the rest of it; the station uses the new
devices from its next start (its devices are opened once, at start).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station.device_urls import Role
from station.settings import Commands, Devices, SettingsError, load_settings
from station.settings_writer import save_devices
from station.store import Store
from ui.camera_devices import CameraBox, with_demo_camera_shown
from ui.check_runner import CheckRunner
from ui.device_checks import (
    SCAN_TIMEOUT_S,
    CheckResult,
    FoundDevice,
    discover,
    print_test_label,
    read_weight,
    url_for_role,
    wait_for_scan,
)
from ui.device_fields import ERROR_STYLE, OK_STYLE, CheckLine, ScannerRow, UrlField
from ui.sign_in import SupervisorSignIn, ask_supervisor, record_saved_by

RESTART_NOTE = "Restart PackStation (close it and start it again) to use these devices."
USE_AS = {
    Role.SCANNER: "Use as scanner",
    Role.LABEL_PRINTER: "Use as label printer",
    Role.DOCUMENT_PRINTER: "Use as document printer",
    Role.SCALE: "Use as scale",
    Role.CAMERA: "Use as camera",
}


class DevicesDialog(QDialog):
    """Edit, find and test the station's devices; Save writes them to `config_path`."""

    saved = Signal(object)  # the Devices written

    def __init__(
        self,
        config_path: Path,
        devices: Devices,
        parent: QWidget | None = None,
        *,
        problem: str = "",
        cameras_note: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Devices")
        self.setModal(True)
        self.setMinimumWidth(760)
        self.config_path = config_path
        self.delete_when_idle = False
        self.checks = CheckRunner(self)
        self.scanner_rows: list[ScannerRow] = []
        self._busy: set[CheckLine] = set()  # tests under way
        outer = QVBoxLayout(self)
        intro = QLabel(f"The devices of this station, saved in {config_path}.")
        intro.setWordWrap(True)
        outer.addWidget(intro)
        self.message = QLabel(problem)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        outer.addWidget(self.message)
        # With cameras the boxes are taller than a 1366 x 768 screen: they scroll.
        content = QWidget()
        rows = QVBoxLayout(content)
        rows.setContentsMargins(0, 0, 0, 0)
        self.boxes = QScrollArea()
        self.boxes.setWidgetResizable(True)
        self.boxes.setFrameShape(QFrame.Shape.NoFrame)
        self.boxes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.boxes.setWidget(content)
        outer.addWidget(self.boxes, 1)
        rows.addWidget(self._scanners_box(devices))
        self.label_printer, column = self._single(
            rows, "Label printer", Role.LABEL_PRINTER, devices
        )
        column.addWidget(QLabel("Empty: labels are PDF files in the data folder's labels/."))
        self.label_test = CheckLine("Test label")
        column.addWidget(self.label_test)
        self.document_printer, _ = self._single(
            rows, "Document printer", Role.DOCUMENT_PRINTER, devices
        )
        self.scale, column = self._single(rows, "Scale", Role.SCALE, devices)
        self.weight_test = CheckLine("Read weight")
        column.addWidget(self.weight_test)
        self.cameras = CameraBox(devices.cameras, self.checks, note=cameras_note)
        self.cameras.changed.connect(self._update_buttons)
        rows.addWidget(self.cameras)
        rows.addWidget(self._found_box())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        outer.addWidget(self.buttons)
        self._fit_screen(content)
        self._connect_tests()
        self._update_buttons()
        self.refresh_found()

    def _fit_screen(self, content: QWidget) -> None:
        """As tall as the boxes, up to the screen's height: a taller dialog scrolls."""
        screen = self.screen().availableGeometry()
        room = screen.height() - 200  # the title bar, the intro, Save and Close
        self.boxes.setMinimumHeight(min(content.sizeHint().height(), room))

    @property
    def save_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert button is not None
        return button

    def devices(self) -> Devices:
        """What the fields say (call while every field is valid)."""
        scanners = tuple(url for row in self.scanner_rows if (url := row.field.url()) is not None)
        return Devices(
            scanners=scanners,
            label_printer=self.label_printer.url(),
            document_printer=self.document_printer.url(),
            scale=self.scale.url(),
            cameras=self.cameras.urls(),
        )

    def add_scanner(self, text: str = "") -> ScannerRow:
        row = ScannerRow(text)
        row.field.changed.connect(self._update_buttons)
        row.remove_button.clicked.connect(lambda: self._remove_scanner(row))
        row.test.button.clicked.connect(lambda: self._on_scan_test_clicked(row))
        self.scanner_rows.append(row)
        self._scanner_column.addWidget(row)
        self._update_buttons()
        return row

    def refresh_found(self) -> None:
        """Look for serial ports and system printers again (off the UI thread)."""
        self.refresh_button.setEnabled(False)
        self.found_status.setText("Looking for devices…")
        self.checks.start(lambda _progress: discover(), self.show_found, self._on_found_failed)

    def done(self, result: int) -> None:
        for row in self.scanner_rows:
            if row.cancel is not None:
                row.cancel.set()
        super().done(result)
        if self.delete_when_idle:
            # Tests still running report to this dialog: it goes once they are done.
            if self.checks.running:
                self.checks.idle.connect(self.deleteLater)
            else:
                self.deleteLater()

    # -- building -----------------------------------------------------------------

    def _scanners_box(self, devices: Devices) -> QGroupBox:
        box = QGroupBox("Serial scanners")
        column = QVBoxLayout(box)
        self._scanner_column = QVBoxLayout()
        column.addLayout(self._scanner_column)
        self.add_scanner_button = QPushButton("Add scanner")
        self.add_scanner_button.clicked.connect(lambda: self.add_scanner())
        column.addWidget(self.add_scanner_button, 0, Qt.AlignmentFlag.AlignLeft)
        for url in devices.scanners:
            self.add_scanner(url.text)
        return box

    def _single(
        self, rows: QVBoxLayout, title: str, role: Role, devices: Devices
    ) -> tuple[UrlField, QVBoxLayout]:
        """A box with the URL field of a one-of device; the column takes more below it."""
        url = getattr(devices, role.value)
        box = QGroupBox(title)
        column = QVBoxLayout(box)
        field = UrlField(role, url.text if url is not None else "")
        field.changed.connect(self._update_buttons)
        column.addWidget(field)
        rows.addWidget(box)
        return field, column

    def _found_box(self) -> QGroupBox:
        box = QGroupBox("Found on this computer")
        column = QVBoxLayout(box)
        self.found = QListWidget()
        self.found.currentItemChanged.connect(lambda *_: self._update_buttons())
        column.addWidget(self.found)
        self.found_status = QLabel()
        column.addWidget(self.found_status)
        buttons = QHBoxLayout()
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh_found)
        buttons.addWidget(self.refresh_button)
        self.use_buttons: dict[Role, QPushButton] = {}
        for role, text in USE_AS.items():
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, role=role: self._use_found(role))
            self.use_buttons[role] = button
            buttons.addWidget(button)
        column.addLayout(buttons)
        return box

    def _connect_tests(self) -> None:
        self.label_test.button.clicked.connect(self._on_label_test_clicked)
        self.weight_test.button.clicked.connect(self._on_weight_test_clicked)

    # -- state --------------------------------------------------------------------

    def _fields(self) -> list[UrlField]:
        rows = [row.field for row in self.scanner_rows]
        return [*rows, self.label_printer, self.document_printer, self.scale]

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(
            all(field.valid for field in self._fields()) and self.cameras.valid
        )
        for field, line in ((self.label_printer, self.label_test), (self.scale, self.weight_test)):
            line.button.setEnabled(field.url() is not None and line not in self._busy)
        for row in self.scanner_rows:
            row.test.button.setEnabled(row.field.url() is not None or row.cancel is not None)
        found = self._found_url()
        for role, button in self.use_buttons.items():
            button.setEnabled(found is not None and url_for_role(found, role) is not None)

    def _found_url(self) -> str | None:
        item = self.found.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _remove_scanner(self, row: ScannerRow) -> None:
        if row.cancel is not None:
            row.cancel.set()
        self.scanner_rows.remove(row)
        row.hide()
        row.setParent(None)
        row.deleteLater()
        self._update_buttons()

    def _use_found(self, role: Role) -> None:
        found = self._found_url()
        url = None if found is None else url_for_role(found, role)
        if url is None:
            return
        if role is Role.SCANNER:
            if all(row.field.text() != url for row in self.scanner_rows):
                self.add_scanner(url)
            return
        if role is Role.CAMERA:
            if not self.cameras.has(url):
                self.cameras.add_found(url)
            return
        {
            Role.LABEL_PRINTER: self.label_printer,
            Role.DOCUMENT_PRINTER: self.document_printer,
            Role.SCALE: self.scale,
        }[role].set_text(url)

    # -- tests --------------------------------------------------------------------

    def _on_label_test_clicked(self) -> None:
        url = self.label_printer.url()
        if url is not None:
            self._run_test(self.label_test, "Printing a test label…", lambda: print_test_label(url))

    def _on_weight_test_clicked(self) -> None:
        url = self.scale.url()
        if url is not None:
            self._run_test(self.weight_test, "Reading the scale…", lambda: read_weight(url))

    def _run_test(self, line: CheckLine, running: str, work: Callable[[], CheckResult]) -> None:
        self._busy.add(line)
        line.show_running(running)
        self._update_buttons()

        def finished(result: CheckResult) -> None:
            self._busy.discard(line)
            line.show_result(result.ok, result.text)
            self._update_buttons()

        def failed(text: str) -> None:
            finished(CheckResult(False, text))

        self.checks.start(lambda _progress: work(), finished, failed)

    def _on_scan_test_clicked(self, row: ScannerRow) -> None:
        if row.cancel is not None:  # the button says Cancel while a test runs
            row.cancel.set()
            return
        url = row.field.url()
        if url is None:
            return
        cancel = threading.Event()
        row.cancel = cancel
        row.test.button.setText("Cancel")
        row.test.show_running(f"Opening {url.target}…")

        def finished(result: CheckResult) -> None:
            row.cancel = None
            if row not in self.scanner_rows:
                return  # removed while its test ran: its widgets are gone
            row.test.button.setText(row.test.label)
            row.test.show_result(result.ok, result.text)
            self._update_buttons()

        self.checks.start(
            lambda progress: wait_for_scan(url, cancel, progress, SCAN_TIMEOUT_S),
            finished,
            lambda text: finished(CheckResult(False, text)),
            row.test.show_running,
        )

    # -- discovery and saving ---------------------------------------------------------

    def show_found(self, found: list[FoundDevice]) -> None:
        """List what discovery found; picking one and a Use as… button fills a URL."""
        self.found.clear()
        for device in found:
            item = QListWidgetItem(f"{device.url}   {device.description}")
            item.setData(Qt.ItemDataRole.UserRole, device.url)
            self.found.addItem(item)
        self.found_status.setText(
            f"{len(found)} found." if found else "Nothing found: plug the device in, then Refresh."
        )
        self.refresh_button.setEnabled(True)
        self._update_buttons()

    def _on_found_failed(self, text: str) -> None:
        self.found_status.setText(text)
        self.refresh_button.setEnabled(True)

    def _on_save_button_clicked(self) -> None:
        devices = self.devices()
        try:
            save_devices(self.config_path, devices)
        except SettingsError as exc:
            self._say(str(exc), ERROR_STYLE)
            return
        self._say(f"Saved to {self.config_path}. {RESTART_NOTE}", OK_STYLE)
        self.saved.emit(devices)

    def _say(self, text: str, style: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style)


def open_devices_dialog(
    parent: QWidget,
    config_path: Path,
    running: Devices,
    store: Store,
    station: str,
    commands: Commands | None = None,
    *,
    pin_required: bool = True,
) -> SupervisorSignIn:
    """Ask for a supervisor's sign-in, then open the dialog (neither blocks).

    The dialog shows what the config file says then (it may have been saved
    since start); a config file that cannot be read shows why, with the devices
    the station runs with. The demo's own camera shows as a camera (`with_demo_camera_shown`).
    """

    def open_dialog() -> None:
        try:
            devices, problem = load_settings(config_path).devices, ""
        except SettingsError as exc:
            devices, problem = running, f"{exc} The fields show the devices this station runs with."
        devices, note = with_demo_camera_shown(devices, running)
        dialog = DevicesDialog(config_path, devices, parent, problem=problem, cameras_note=note)
        dialog.delete_when_idle = True
        # Saved settings are an event of the station (on its audit chain), with who.
        dialog.saved.connect(lambda saved: record(dialog, repr(saved)))
        dialog.open()  # not exec(): the pack screen keeps receiving answers meanwhile

    sign_in = ask_supervisor(
        parent, store, station, "Devices…", open_dialog, commands, pin_required=pin_required
    )
    record = record_saved_by(sign_in, store, station, "Devices…")
    return sign_in
