"""The Devices dialog's cameras: each one's address, what it is used for, its picture
size and rate, a Test that opens it and takes a picture, and Remove.

A camera is saved as one URL (`camera://0?uses=scan,record&width=1280`); a row shows
the address in a field and the options the station knows as check boxes and spin
boxes, and puts them back together into that URL. It is checked as typed by the
one parser the station reads its config with (station.device_urls), and what is
wrong shows under the row.

An IP camera's password never shows: the field says rtsp://user:***@host, the row keeps
the saved password and writes it back while the field still says ***; a password typed
instead replaces it (and is masked once the field is left).
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl, urlencode

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from station.device_urls import (
    CAMERA_USES,
    PASSWORD_MASK,
    DeviceUrl,
    DeviceUrlError,
    Role,
    camera_uses,
    check_cameras_together,
    parse_device_url,
    password_of,
    with_password,
    without_password,
)
from station.settings import Devices
from ui.check_runner import CheckRunner
from ui.device_checks import CheckResult, test_camera
from ui.device_fields import ERROR_STYLE, CheckLine

# The options a row edits with its own controls; the others stay in the address.
_SIZES = (("width", 7680), ("height", 4320), ("fps", 120))
ADDRESS_EXAMPLE = "camera://0, rtsp://user:password@192.0.2.20/stream, file:///demo.mp4?loop=1"


DEMO_CAMERA_NOTE = (
    "The demo's own camera (a looped video that films and photographs) runs while this "
    "config names no camera. Save writes it into the config as it is; removed, the demo "
    "starts with it again; a camera of your own replaces it."
)


def with_demo_camera_shown(devices: Devices, running: Devices) -> tuple[Devices, str]:
    """The config's `devices`, with the demo's own camera when they name no camera (it
    runs, but no config names it: Save recorded and wrote `cameras=()` while it filmed),
    and the note to show with it ("" when it is not there)."""
    from devices.camera.demo_video import is_demo_camera

    demo = tuple(url for url in running.cameras if is_demo_camera(url))
    if devices.cameras or not demo:
        return devices, ""
    return replace(devices, cameras=demo), DEMO_CAMERA_NOTE


def split_camera_url(text: str) -> tuple[str, dict[str, str]]:
    """(the address with its other options, the options a row's controls can show) of a
    camera URL. An option they cannot show (`fps=abc`) stays in the address, where the
    check names it."""
    base, _, query = text.strip().partition("?")
    kept: list[tuple[str, str]] = []
    options: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if _shown_by_controls(name, value):
            options[name] = value
        else:
            kept.append((name, value))
    return _with_query(base, kept), options


def _with_query(base: str, query: list[tuple[str, str]]) -> str:
    # Not urlunsplit: it writes camera:///dev/video0 as camera:/dev/video0.
    return f"{base}?{urlencode(query, safe=',')}" if query else base


def _shown_by_controls(name: str, value: str) -> bool:
    if name == "uses":
        words = {word.strip().lower() for word in value.split(",") if word.strip()}
        return bool(words) and words <= set(CAMERA_USES)
    top = dict(_SIZES).get(name)
    return top is not None and value.isdigit() and 0 < int(value) <= top


class CameraRow(QWidget):
    """One camera: its address, uses, width, height and fps, Test and Remove."""

    changed = Signal()

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.address = QLineEdit()
        self.address.setPlaceholderText(f"e.g. {ADDRESS_EXAMPLE}")
        self.uses = {use: QCheckBox(use) for use in CAMERA_USES}
        self.sizes = {name: _size_box(name, top) for name, top in _SIZES}
        self.remove_button = QPushButton("Remove")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.test = CheckLine("Test")
        self._url: DeviceUrl | None = None
        self._valid = True
        self._password: str | None = None  # the saved one, while the field shows the mask
        self._lay_out()
        self.set_text(text)
        self.address.textChanged.connect(self._on_control_changed)
        self.address.editingFinished.connect(self._on_address_editing_finished)
        for box in self.uses.values():
            box.toggled.connect(self._on_control_changed)
        for spin in self.sizes.values():
            spin.valueChanged.connect(self._on_control_changed)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.address, 1)
        top.addWidget(self.remove_button)
        options = QHBoxLayout()
        options.setContentsMargins(0, 0, 0, 0)
        options.addWidget(QLabel("Used to"))
        for box in self.uses.values():
            options.addWidget(box)
        options.addSpacing(16)
        for name, spin in self.sizes.items():
            options.addWidget(QLabel(name))
            options.addWidget(spin)
        options.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(top)
        column.addLayout(options)
        column.addWidget(self.message)
        column.addWidget(self.test)

    @property
    def valid(self) -> bool:
        return self._valid

    def url(self) -> DeviceUrl | None:
        """The camera's URL; None when its address is empty (or wrong: check `valid`)."""
        return self._url

    def text(self) -> str:
        """The URL the row stands for, as saved ("" with no address).

        Options typed into the address win over the controls (and move to them when
        the address is left).
        """
        address, typed = split_camera_url(self.address.text())
        if not address:
            return ""
        if self._password is not None:
            address = with_password(address, self._password)
        options: dict[str, str] = {}
        uses = [use for use, box in self.uses.items() if box.isChecked()]
        if len(uses) < len(CAMERA_USES):  # all three is the default: not written
            options["uses"] = ",".join(uses)
        options |= {name: str(spin.value()) for name, spin in self.sizes.items() if spin.value()}
        options |= typed
        base, _, rest = address.partition("?")
        query = parse_qsl(rest, keep_blank_values=True)
        in_address = {name for name, _ in query}  # one the controls cannot show: it is named
        query += [(name, value) for name, value in options.items() if name not in in_address]
        return _with_query(base, query)

    def set_text(self, text: str) -> None:
        """Show a camera URL: its address in the field, its options in the controls."""
        address, options = split_camera_url(text)
        self._password = password_of(address)
        widgets: list[QWidget] = [self.address, *self.uses.values(), *self.sizes.values()]
        for widget in widgets:
            widget.blockSignals(True)
        # Masked only where the password can be written back: not in a URL being mistyped.
        self.address.setText(address if self._password is None else without_password(address))
        probe = DeviceUrl(text, Role.CAMERA, "", "", options)
        for use, box in self.uses.items():
            box.setChecked(use in camera_uses(probe))
        for name, spin in self.sizes.items():
            spin.setValue(int(options.get(name, "0")))
        for widget in widgets:
            widget.blockSignals(False)
        self._check()
        self.changed.emit()

    def _on_address_editing_finished(self) -> None:
        address, options = split_camera_url(self.address.text())
        if options or password_of(address) not in (None, PASSWORD_MASK):
            # Options typed into the address go to their controls, a password typed is
            # kept and masked.
            self.set_text(self.text())

    def _on_control_changed(self, *_args: object) -> None:
        self._check()
        self.changed.emit()

    def _check(self) -> None:
        self._url, self._valid, problem = None, True, ""
        text = self.text()
        if text and not any(box.isChecked() for box in self.uses.values()):
            self._valid, problem = False, "Tick what this camera is used for: scan, record, photo."
        elif text:
            try:
                self._url = parse_device_url(text, Role.CAMERA)
            except DeviceUrlError as exc:
                self._valid, problem = False, str(exc)
        self.message.setText(problem)
        self.message.setVisible(bool(problem))


def _size_box(name: str, top: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, top)
    spin.setSpecialValueText("default")  # 0: not in the URL (a video file: its own rate)
    spin.setToolTip(f"The camera's {name}; default: the station's (1280x720, 15 fps).")
    spin.setAccessibleName(name)
    return spin


class CameraBox(QGroupBox):
    """The dialog's Cameras box: a row per camera, Add camera, and each row's Test."""

    changed = Signal()

    def __init__(
        self,
        urls: tuple[DeviceUrl, ...],
        checks: CheckRunner,
        parent: QWidget | None = None,
        *,
        note: str = "",
    ) -> None:
        """`note`: said above the cameras (the demo's own camera), hidden when empty."""
        super().__init__("Cameras", parent)
        self._checks = checks
        self.rows: list[CameraRow] = []
        self._testing: set[CameraRow] = set()
        column = QVBoxLayout(self)
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        column.addWidget(self.note)
        self._rows = QVBoxLayout()
        self._rows.setSpacing(12)
        column.addLayout(self._rows)
        # What is wrong between the cameras (two recording), not with one of them.
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        column.addWidget(self.message)
        self.add_button = QPushButton("Add camera")
        self.add_button.clicked.connect(lambda: self.add())
        column.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        for url in urls:
            self.add(url.text)

    @property
    def valid(self) -> bool:
        return all(row.valid for row in self.rows) and self.message.isHidden()

    def urls(self) -> tuple[DeviceUrl, ...]:
        return tuple(url for row in self.rows if (url := row.url()) is not None)

    def add(self, text: str = "") -> CameraRow:
        row = CameraRow(text)
        row.changed.connect(lambda: self._on_row_changed(row))
        row.remove_button.clicked.connect(lambda: self._remove(row))
        row.test.button.clicked.connect(lambda: self._on_test_clicked(row))
        self.rows.append(row)
        self._rows.addWidget(row)
        self._on_row_changed(row)
        return row

    def add_found(self, text: str) -> CameraRow:
        """A camera found on the computer: all uses, but record only if none records yet."""
        recording = any("record" in camera_uses(url) for url in self.urls())
        row = self.add(text)
        if recording:
            row.uses["record"].setChecked(False)
        return row

    def has(self, text: str) -> bool:
        return any(split_camera_url(row.text())[0] == text for row in self.rows)

    def _on_row_changed(self, row: CameraRow) -> None:
        row.test.button.setEnabled(row.url() is not None and row not in self._testing)
        self._check_together()
        self.changed.emit()

    def _remove(self, row: CameraRow) -> None:
        self.rows.remove(row)
        row.hide()
        row.setParent(None)
        row.deleteLater()
        self._check_together()
        self.changed.emit()

    def _check_together(self) -> None:
        try:
            check_cameras_together(self.urls())
        except DeviceUrlError as exc:
            self.message.setText(str(exc))
            self.message.show()
        else:
            self.message.hide()

    def _on_test_clicked(self, row: CameraRow) -> None:
        url = row.url()
        if url is None:
            return
        self._testing.add(row)
        row.test.show_running("Opening the camera…")  # not its URL: it may hold a password
        self._on_row_changed(row)

        def finished(result: CheckResult) -> None:
            self._testing.discard(row)
            if row not in self.rows:
                return  # removed while its test ran: its widgets are gone
            row.test.show_result(result.ok, result.text)
            self._on_row_changed(row)

        self._checks.start(
            lambda _progress: test_camera(url),
            finished,
            lambda text: finished(CheckResult(False, text)),
        )
