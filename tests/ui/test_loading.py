"""Loading mode in the real window: CMD-LOAD switches to it, verdicts big and loud, the close."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
import warnings
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pypdfium2
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QPushButton, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from devices.camera.from_url import start_camera
from station import queries
from station.device_urls import Role as DeviceRole
from station.device_urls import parse_device_url
from station.handoff.central import Decision
from station.handoff.closing import Handover
from station.handoff.loads import Uncollected
from station.models import OrderEvent, utc_now
from station.settings import Settings
from station.verdicts import Tone, VerdictKind
from tests.helpers.camera_listener import HeardFromCamera
from tests.helpers.factory import Bench
from tests.helpers.sealed import seal_orders
from tests.helpers.sounds import RecordingSoundPlayer
from tests.helpers.wedge import FakeClock, Human, WedgeScanner
from ui import style
from ui.app import build_main_window
from ui.loading.cage_photo import offer_camera
from ui.loading.close_dialog import CloseLoadDialog
from ui.loading.controller import LoadingController
from ui.loading.mode import LoadingMode, attach_loading_mode
from ui.loading.pending_dialog import PendingDialog
from ui.main_window import MainWindow
from ui.style import Role

TIMEOUT_MS = 10_000
DHL = ["JJDSO0000000101", "JJDSO0000000401"]
ON_HOLD = "JJDSO0000000701"  # DHL Express too
POSTNL = "JJDSO0000000201"
W = TypeVar("W", bound=QWidget)


@pytest.fixture
def mode(window: MainWindow, bench: Bench, sounds: RecordingSoundPlayer) -> LoadingMode:
    # DHL Express, PostNL, UPS, DHL Express, …; sealed a while ago, a second apart.
    seal_orders(bench.store, "bench-1", 7, sealed_at=utc_now() - timedelta(minutes=10))
    return attach_loading_mode(window, window.controller, bench.settings, sounds)


def decision(dialog: CloseLoadDialog, row: int, kind: type[W]) -> W:
    """The close list's `kind` (Load it, or the reason) on `row`."""
    cell = dialog.left.cellWidget(row, 3)
    found = cell.findChild(kind) if cell is not None else None
    assert found is not None, f"row {row} of the close list has no {kind.__name__}"
    return found


def cell_text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None, f"no cell at row {row}, column {column}"
    return item.text()


def relayout(widget: QWidget) -> None:
    """Lay `widget` out now, not at the next event-loop turn."""
    layout = widget.layout()
    assert layout is not None
    layout.activate()


def scan(qtbot: QtBot, mode: LoadingMode, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(mode.dock.answered, timeout=TIMEOUT_MS):
        window.controller.scan(text)


def test_cmd_load_at_a_bench_switches_to_loading_and_stops_the_wrong_courier(
    qtbot: QtBot,
    window: MainWindow,
    mode: LoadingMode,
    sounds: RecordingSoundPlayer,
    clock: FakeClock,
) -> None:
    assert not mode.active
    scan(qtbot, mode, window, "CMD-LOAD")
    assert mode.active and mode.stack.currentWidget() is mode.screen
    scan(qtbot, mode, window, "DHL Express")
    scan(qtbot, mode, window, DHL[0])
    screen = mode.screen
    assert screen.count.text() == "1" and "DHL Express" in screen.courier.text()
    assert screen.count_caption.text() == "parcel on this load"  # one: not 'parcels'
    assert screen.banner.role is Role.GOOD and sounds.played[-1] is Tone.SUCCESS

    scan(qtbot, mode, window, POSTNL)

    assert screen.banner.role is Role.STOP and sounds.played[-1] is Tone.ERROR
    assert "PostNL" in screen.banner.detail() and screen.count.text() == "1"
    with qtbot.waitSignal(mode.dock.answered, timeout=TIMEOUT_MS) as acknowledged:
        qtbot.keyClick(window, Qt.Key.Key_Escape)  # Esc acknowledges the dock's stop
    assert acknowledged.args[0].kind is VerdictKind.ACKNOWLEDGED
    # The supervisor's list: every parcel is still on no closed load, oldest first.
    with qtbot.waitSignal(mode.dock.uncollected_listed, timeout=TIMEOUT_MS):
        screen.pending_button.click()
    assert mode.pending is not None and mode.pending.table.rowCount() == 7
    assert mode.pending.table.item(0, 0).text() == DHL[0]
    mode.pending.accept()
    screen.back_button.click()
    assert not mode.active  # packing again; the load stays open
    Human(window, clock).type("SO")  # typing shows at the bench again
    qtbot.waitUntil(lambda: window.input_bar.field.text() == "SO", timeout=TIMEOUT_MS)
    window.input_bar.field.clear()
    window.controller.scan("CMD-CLOSE-LOAD")  # at the bench: the dock's close, not 'unknown'
    dialog = mode.dialog
    assert mode.active and isinstance(dialog, CloseLoadDialog)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    WedgeScanner(window, clock).scan("CMD-CLOSE")  # a scanner alone: back to loading
    qtbot.waitUntil(lambda: mode.dialog is None, timeout=TIMEOUT_MS)
    assert mode.last is not None and mode.last.load_open  # nothing closed


def test_cmd_load_from_a_scanner_sending_aim_identifiers_switches_to_loading(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode
) -> None:
    scan(qtbot, mode, window, "]C0CMD-LOAD")  # as a bench's scanner may be set up
    scan(qtbot, mode, window, "]C0DHL Express")
    scan(qtbot, mode, window, f"]C0{DHL[0]}")
    assert mode.active and mode.screen.count.text() == "1"


def test_the_driver_signs_in_the_real_window_and_the_manifest_has_the_drawing(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode, bench: Bench
) -> None:
    with bench.store.session() as db:  # the third DHL parcel's order is on hold
        order = queries.order_by_number(db, "SO-000007")
        assert order is not None
        db.add(OrderEvent(station="bench-1", seq=900, order_id=order.id, kind="exception_flagged"))
        db.commit()
    for text in ("CMD-LOAD", "DHL Express", DHL[0]):
        scan(qtbot, mode, window, text)
    window.controller.scan("CMD-CLOSE-LOAD")
    dialog = mode.dialog
    assert isinstance(dialog, CloseLoadDialog)
    qtbot.waitUntil(lambda: dialog.left.rowCount() == 2, timeout=TIMEOUT_MS)
    # Sized to the screen (was 1000 x 820, its close button below a 768-line screen).
    screen_size = dialog.screen().availableGeometry().size()
    assert dialog.height() <= screen_size.height() and dialog.width() <= screen_size.width()
    assert not dialog.close_button.isEnabled()
    # One parcel of the list goes on after all; the other is refused, said here, and stays.
    for row, tracking in ((0, DHL[1]), (1, ON_HOLD)):
        assert cell_text(dialog.left, row, 0) == tracking
    with qtbot.waitSignal(mode.dock.answered, timeout=TIMEOUT_MS):
        decision(dialog, 0, QPushButton).click()
    assert dialog.left.rowCount() == 1 and "2 parcel(s)" in dialog.heading.text()
    assert dialog.left_title.text().startswith("1 parcel(s)")  # the count left follows
    with qtbot.waitSignals([mode.dock.answered, mode.dock.answered], timeout=TIMEOUT_MS):
        decision(dialog, 0, QPushButton).click()  # refused, then acknowledged
    assert "in exception" in dialog.problem.text() and dialog.left.rowCount() == 1
    decision(dialog, 0, QComboBox).setCurrentText("Held by a supervisor")
    dialog.driver.setText("Dana Driver")  # typed (keys this fast are a scanner to the wedge)
    pad = dialog.pad
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 100))
    for x in range(30, 300, 15):
        QTest.mouseMove(pad, QPoint(x, 60 + (x % 60)))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 80))
    assert pad.stroke_count == 1 and dialog.missing() == []
    assert dialog.close_button.isEnabled()

    with qtbot.waitSignal(mode.dock.closed, timeout=TIMEOUT_MS) as closed:
        dialog.close_button.click()

    manifest = Path(closed.args[0].manifest)
    body = json.loads(manifest.with_suffix(".json").read_text(encoding="utf-8"))
    assert body["signature"] == "drawn" and body["driver"] == "Dana Driver"
    assert [parcel["tracking"] for parcel in body["parcels"]] == DHL[:2]
    assert body["left"] == [
        {"tracking": ON_HOLD, "order": "SO-000007", "reason": "Held by a supervisor"}
    ]
    assert mode.dialog is None and "closed" in mode.screen.courier.text()


def test_a_dock_station_opens_in_loading_mode(
    qtbot: QtBot, bench: Bench, sounds: RecordingSoundPlayer
) -> None:
    settings = Settings(station="dock-1", role="dock")
    session = bench.session("dock-1")
    window = build_main_window(session, settings, sounds)
    qtbot.addWidget(window)
    mode = attach_loading_mode(window, window.controller, settings, sounds)
    assert mode.active
    assert not mode.screen.ack_button.isEnabled()  # no stop to acknowledge yet
    window.close()
    session.close()


def test_a_bench_stopped_while_loading_starts_again_on_the_dock_screen(
    qtbot: QtBot, bench: Bench, sounds: RecordingSoundPlayer
) -> None:
    settings = Settings(station="bench-2")  # a packing bench, not a dock
    seal_orders(bench.store, "bench-2", 1, sealed_at=utc_now() - timedelta(minutes=10))
    for start in ("first", "after the stop"):
        session = bench.session("bench-2")
        window = build_main_window(session, settings, sounds)
        qtbot.addWidget(window)
        mode = attach_loading_mode(window, window.controller, settings, sounds)
        with qtbot.waitSignal(mode.dock.view_loaded, timeout=TIMEOUT_MS):
            pass
        if start == "first":
            assert not mode.active
            scan(qtbot, mode, window, "CMD-LOAD")
            scan(qtbot, mode, window, "DHL Express")
            assert mode.last is not None and mode.last.load_open
        else:
            assert mode.last is not None and mode.last.load_open, mode.last
            assert mode.active
        window.close()
        session.close()


def test_the_dock_screen_is_sized_like_the_pack_screen_for_its_window(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode
) -> None:
    scan(qtbot, mode, window, "CMD-LOAD")
    for height in (1040, 700):  # a full-HD and a 1366 x 768 screen, less title bar and panel
        window.resize(1300, height)
        metrics = style.metrics_for(window.height())
        # The last answers are read from the cage: the pack table's type, not 15 px.
        table_px = metrics.table_px
        qtbot.waitUntil(lambda: mode.screen.recent.font().pixelSize() == table_px)  # noqa: B023
        assert mode.screen.entry.font().pixelSize() == metrics.input_px
        assert mode.screen.start_button.minimumHeight() == metrics.button_height
        assert mode.screen.banner.height() <= metrics.band_action_px


def test_a_parcel_the_central_database_put_on_another_load_stops_the_dock_at_once(
    qtbot: QtBot,
    window: MainWindow,
    mode: LoadingMode,
    sounds: RecordingSoundPlayer,
) -> None:
    for text in ("CMD-LOAD", "DHL Express", DHL[0], DHL[1]):
        scan(qtbot, mode, window, text)
    loading = mode.dock.loading
    assert loading.state.load is not None
    load_id = loading.state.load.id
    with loading.store.session() as db:
        parcel = queries.parcel_by_tracking(db, DHL[0])
        assert parcel is not None
    other = Decision("dock-2", uuid.uuid4())

    window.controller.scan("CMD-CLOSE-LOAD")  # the driver is checking the count meanwhile
    dialog = mode.dialog
    assert isinstance(dialog, CloseLoadDialog) and "2 parcel(s)" in dialog.heading.text()

    # The decider's answer, from its own thread: shown without waiting for a scan.
    answer = loading.taken_off(parcel.id, load_id, other)
    assert answer is not None
    with qtbot.waitSignal(mode.dock.taken_off, timeout=TIMEOUT_MS):
        threading.Thread(target=mode.dock.relay_taken_off, args=(answer,)).start()
    assert "1 parcel(s)" in dialog.heading.text() and "dock-2" in dialog.problem.text()
    with qtbot.waitSignal(mode.dock.left_behind_listed, timeout=TIMEOUT_MS):
        mode.dock.list_left_behind()  # a listing after it (the dialog's first may come late)
    assert "dock-2" in dialog.problem.text()  # still said
    dialog.reject()

    screen = mode.screen
    assert screen.banner.role is Role.STOP and sounds.played[-1] is Tone.ERROR
    assert DHL[0] in screen.banner.detail() and "dock-2" in screen.banner.detail()
    assert screen.count.text() == "1"
    assert loading.taken_off(parcel.id, load_id, other) is None  # off it already
    scan(qtbot, mode, window, "CMD-ACK")
    scan(qtbot, mode, window, DHL[0])  # scanned again: it is on the other dock's load
    assert "dock-2" in screen.banner.detail() and screen.count.text() == "1"


def test_reasons_to_leave_a_parcel_are_scanned_from_the_command_sheet(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode, clock: FakeClock
) -> None:
    for text in ("CMD-LOAD", "DHL Express", DHL[0]):
        scan(qtbot, mode, window, text)
    window.controller.scan("CMD-CLOSE-LOAD")
    dialog = mode.dialog
    assert isinstance(dialog, CloseLoadDialog)
    qtbot.waitUntil(lambda: dialog.left.rowCount() == 2, timeout=TIMEOUT_MS)
    scanner = WedgeScanner(window, clock)

    def reason(row: int) -> str:
        return decision(dialog, row, QComboBox).currentText()

    scanner.scan("CMD-REASON-5")  # the first parcel without a reason gets it
    assert (reason(0), reason(1)) == ("Goes with a later collection", "")
    scanner.scan("CMD-REASON-9")  # the list has five
    assert "Reason 9 is not one of this list (1 to 5)" in dialog.problem.text()
    assert reason(1) == ""
    scanner.scan("CMD-REASON-2")
    assert reason(1) == "Damaged: held back"
    scanner.scan("CMD-REASON-1")
    assert "Every parcel of the list has its reason" in dialog.problem.text()
    assert dialog.missing() == ["the driver's name", "the driver's signature"]
    assert "2 Damaged: held back" in dialog.reason_hint.text()
    assert mode.screen.count.text() == "1"  # none of them went to the dock as a label


def test_a_stop_while_closing_is_said_in_the_dialog_and_acknowledged_there(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode, clock: FakeClock
) -> None:
    for text in ("CMD-LOAD", "DHL Express", DHL[0]):
        scan(qtbot, mode, window, text)
    window.controller.scan("CMD-CLOSE-LOAD")
    dialog = mode.dialog
    assert isinstance(dialog, CloseLoadDialog)
    qtbot.waitUntil(lambda: dialog.left.rowCount() == 2, timeout=TIMEOUT_MS)
    # No reason barcode (there is no reason 0): a label of no parcel, a stop on the dock.
    scan(qtbot, mode, window, "CMD-REASON-0")
    assert dialog.problem.text().startswith("NOT READY: 'CMD-REASON-0'")
    assert "Scan CMD-ACK to go on." in dialog.problem.text()
    scan(qtbot, mode, window, DHL[1])  # a parcel of the list waits for the acknowledgement
    assert dialog.problem.text() == "Not loaded: acknowledge the stop first (scan CMD-ACK)."
    scan(qtbot, mode, window, "CMD-ACK")
    assert dialog.problem.text().startswith("Still needed:")
    scan(qtbot, mode, window, DHL[1])
    assert dialog.left.rowCount() == 1 and mode.screen.count.text() == "2"


def test_a_stop_while_the_not_collected_list_is_open_is_not_hidden_behind_it(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode, sounds: RecordingSoundPlayer
) -> None:
    for text in ("CMD-LOAD", "DHL Express", DHL[0]):
        scan(qtbot, mode, window, text)
    with qtbot.waitSignal(mode.dock.uncollected_listed, timeout=TIMEOUT_MS):
        mode.screen.pending_button.click()  # a supervisor reads the list at the dock
    pending = mode.pending
    assert pending is not None and pending.isVisible()

    scan(qtbot, mode, window, POSTNL)  # the loader scans on: the wrong courier

    # The read-only list gives way: the stop is seen, not heard behind a dialog.
    assert mode.pending is None and not pending.isVisible()
    assert mode.screen.banner.role is Role.STOP and sounds.played[-1] is Tone.ERROR


def test_a_close_the_station_refuses_is_said_in_the_dialog_which_stays_open(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode, bench: Bench
) -> None:
    for text in ("CMD-LOAD", "DHL Express", DHL[0], DHL[1]):
        scan(qtbot, mode, window, text)
    window.controller.scan("CMD-CLOSE-LOAD")
    dialog = mode.dialog
    assert isinstance(dialog, CloseLoadDialog)
    qtbot.waitUntil(lambda: dialog.left.rowCount() == 1, timeout=TIMEOUT_MS)  # ON_HOLD
    decision(dialog, 0, QComboBox).setCurrentText("Held by a supervisor")
    dialog.driver.setText("Dana Driver")
    QTest.mousePress(dialog.pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 100))
    QTest.mouseMove(dialog.pad, QPoint(200, 40))
    QTest.mouseRelease(dialog.pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 80))
    (mode.dock.loading.store.path.parent / "manifests").write_text("")  # no folder there

    refused = [mode.dock.close_failed, mode.dock.left_behind_listed]  # then listed again
    with qtbot.waitSignals(refused, order="strict", timeout=TIMEOUT_MS):
        dialog.close_button.click()

    # The driver and the loader read why, and close again once it is fixed: the reason
    # given, the name and the signature are still there.
    assert "cannot be written" in dialog.problem.text() and dialog.isVisible()
    assert dialog.close_button.isEnabled()

    (mode.dock.loading.store.path.parent / "manifests").unlink()  # fixed
    with qtbot.waitSignal(mode.dock.closed, timeout=TIMEOUT_MS):
        dialog.close_button.click()
        # While the new close runs, the old refusal is no longer said, and no second click.
        assert "cannot be written" not in dialog.problem.text()
        assert dialog.problem.text() == "Closing the load…"
        dialog.driver.setText("Dana Driver-Smith")  # an edit meanwhile does not re-enable it
        assert not dialog.close_button.isEnabled()


def test_the_close_photographs_the_cage_with_the_photo_camera(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode, bench: Bench
) -> None:
    camera = parse_device_url(
        "sim://camera?uses=photo&width=320&height=180&fps=10&name=cage", DeviceRole.CAMERA
    )
    running = start_camera(camera, HeardFromCamera(), "cage")
    try:
        offer_camera(window, running.camera)  # as the camera wiring does for a `photo` camera
        assert mode.dock.cage_photo is not None
        for text in ("CMD-LOAD", "DHL Express", DHL[0]):
            scan(qtbot, mode, window, text)
        with qtbot.waitSignal(mode.dock.closed, timeout=TIMEOUT_MS) as closed:
            mode.dock.close(Handover("Dee Driver"), dict.fromkeys([DHL[1], ON_HOLD], "later"))
    finally:
        running.close()

    manifest = Path(closed.args[0].manifest)
    body = json.loads(manifest.with_suffix(".json").read_text(encoding="utf-8"))
    photo = bench.data_dir / body["photo"]
    assert body["photo"].startswith("manifests/photos/") and photo.suffix == ".jpg"
    assert body["photo_sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()
    page = pypdfium2.PdfDocument(manifest)[0]
    images = [obj for obj in page.get_objects() if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]
    assert len(images) == 1  # the cage (a replayed-style close: no drawn signature)


def test_a_parcel_left_at_the_close_and_scanned_late_stops_the_dock_until_acknowledged(
    qtbot: QtBot,
    window: MainWindow,
    mode: LoadingMode,
    sounds: RecordingSoundPlayer,
    clock: FakeClock,
) -> None:
    for text in ("CMD-LOAD", "DHL Express", DHL[0], DHL[1]):
        scan(qtbot, mode, window, text)
    typist = Human(window, clock)
    typist.type("CMD-CLOSE-LOAD")  # typed at the dock's keyboard, as scanned
    typist.enter()
    dialog = mode.dialog
    assert isinstance(dialog, CloseLoadDialog)
    qtbot.waitUntil(lambda: dialog.left.rowCount() == 1, timeout=TIMEOUT_MS)  # ON_HOLD
    decision(dialog, 0, QComboBox).setCurrentText("Damaged: held back")
    dialog.driver.setText("Dana Driver")
    QTest.mousePress(dialog.pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 100))
    QTest.mouseRelease(dialog.pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 80))
    with qtbot.waitSignal(mode.dock.closed, timeout=TIMEOUT_MS):
        dialog.close_button.click()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (it tried to let go of the dock a second time)
        assert dialog.take_scan("CMD-CLOSE")  # a scan aimed at it before it is deleted
    # Typed at the dock after the close: seen in the dock's field, not in the hidden bench's.
    typist.type("JJD")
    qtbot.waitUntil(lambda: mode.screen.entry.text() == "JJD", timeout=TIMEOUT_MS)
    mode.screen.entry.clear()

    # The parcel left behind turns up after the truck left: a loud stop on the dock, which
    # the closed dialog (it listed that parcel) does not acknowledge in the loader's place.
    scan(qtbot, mode, window, ON_HOLD)
    assert mode.last is not None and mode.last.verdict.kind is VerdictKind.LOAD_CLOSED
    assert mode.screen.banner.role is Role.STOP and sounds.played[-1] is Tone.ERROR
    assert mode.screen.recent.item(0).text().startswith(f"✖  {ON_HOLD}")  # not a ★
    scan(qtbot, mode, window, DHL[0])  # answered after anything the stop set off
    after = mode.last  # (read again: the scan changed it)
    assert after is not None and after.verdict.kind is VerdictKind.NEEDS_ACKNOWLEDGEMENT
    assert mode.screen.ack_button.isEnabled()


def test_a_load_is_started_by_choosing_its_courier_on_screen(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode
) -> None:
    mode.enter()
    mode.screen.start_button.click()
    chooser = mode.chooser
    assert chooser is not None and chooser.isVisible()
    assert QFontInfo(chooser.font()).pixelSize() >= 15  # read at the dock, not the desk's 12 px
    assert "HansePost" in chooser.comboBoxItems()  # the profiles; or typed, as here:
    chooser.setTextValue("DHL Express")  # the courier named on these parcels
    opened = [mode.dock.answered, mode.dock.answered]  # CMD-LOAD, then the courier
    with qtbot.waitSignals(opened, timeout=TIMEOUT_MS):
        chooser.accept()
    assert mode.chooser is None and mode.last is not None
    assert mode.last.verdict.kind is VerdictKind.LOAD_OPENED and mode.last.load_open
    assert "DHL Express" in mode.screen.courier.text()
    # One load at a time: no courier to choose while it is open (read as a label, it stopped).
    assert not mode.screen.start_button.isEnabled()
    scan(qtbot, mode, window, DHL[0])
    assert mode.screen.count.text() == "1"

    with qtbot.waitSignal(mode.dock.closed, timeout=TIMEOUT_MS):
        mode.dock.close(Handover("Dee Driver"), dict.fromkeys([DHL[1], ON_HOLD], "later"))
    mode.screen.start_button.click()  # the next load; the loader scans on meanwhile: a stop
    assert mode.chooser is not None
    scan(qtbot, mode, window, DHL[1])  # late for the closed load
    assert mode.chooser is None  # closed: the stop is not covered
    assert mode.screen.banner.role is Role.STOP


def test_a_load_scanned_open_while_choosing_a_courier_closes_the_chooser(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode
) -> None:
    mode.enter()
    mode.screen.start_button.click()
    chooser = mode.chooser
    assert chooser is not None
    for text in ("CMD-LOAD", "DHL Express"):  # the loader scans the load open instead
        scan(qtbot, mode, window, text)
    # Gone: its OK would send CMD-LOAD again and the courier's name as a parcel's label.
    assert mode.chooser is None and not chooser.isVisible()
    assert mode.last is not None and mode.last.verdict.kind is VerdictKind.LOAD_OPENED
    assert mode.screen.banner.role is not Role.STOP


def _open_signed_close(qtbot: QtBot, dialog: CloseLoadDialog) -> None:
    dialog.open()
    qtbot.waitUntil(lambda: dialog.left.rowCount() == 1, timeout=TIMEOUT_MS)  # ON_HOLD
    decision(dialog, 0, QComboBox).setCurrentText("Held by a supervisor")
    dialog.driver.setText("Dana Driver")
    QTest.mousePress(dialog.pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 100))
    QTest.mouseRelease(dialog.pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 80))


def test_a_close_failing_on_a_bug_is_said_in_the_dialog_and_can_be_tried_again(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode
) -> None:
    for text in ("CMD-LOAD", "DHL Express", DHL[0], DHL[1]):
        scan(qtbot, mode, window, text)

    def render_with_a_bug(*_args: object) -> bytes:
        raise ValueError("a bug in the manifest drawing")

    loading = mode.dock.loading
    dock = LoadingController(loading, loading.store.path.parent, render_with_a_bug)
    try:
        assert mode.last is not None
        dialog = CloseLoadDialog(dock, mode.last, window)
        _open_signed_close(qtbot, dialog)
        with qtbot.waitSignals([dock.crashed, dock.close_failed], timeout=TIMEOUT_MS):
            dialog.close_button.click()
            assert not dialog.cancel_button.isEnabled()  # the close is awaited…
            assert dialog.take_scan("CMD-CLOSE") and dialog.isVisible()  # …scanned away too
        # Not "Closing the load…" for ever: said, and Close (or Back) can be pressed again.
        assert "fault in the station" in dialog.problem.text() and dialog.isVisible()
        assert dialog.close_button.isEnabled() and dialog.cancel_button.isEnabled()
        dialog.reject()
    finally:
        dock.shutdown()


def test_another_input_refused_while_closing_does_not_end_the_close(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode, sounds: RecordingSoundPlayer
) -> None:
    for text in ("CMD-LOAD", "DHL Express", DHL[0], DHL[1]):
        scan(qtbot, mode, window, text)
    window.controller.scan("CMD-CLOSE-LOAD")
    dialog = mode.dialog
    assert isinstance(dialog, CloseLoadDialog)
    _open_signed_close(qtbot, dialog)
    with qtbot.waitSignal(mode.dock.closed, timeout=TIMEOUT_MS):
        dialog.close_button.click()
        # A dock input queued before the close is refused while the close runs.
        mode.dock.user_error_raised.emit(f"{ON_HOLD!r} is the label of no sealed parcel.")
        assert dialog.problem.text() == "Closing the load…"  # not the close's refusal
        assert not dialog.close_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert dialog.closed_answer is not None and not dialog.isVisible()
    assert Tone.ERROR in sounds.played  # the refusal heard (on the screen until the close)


def test_the_not_collected_list_shows_long_tracking_numbers_whole(qtbot: QtBot) -> None:
    long_tracking = "9400111899223197428490"  # 22 digits, as USPS prints them
    pending = PendingDialog()
    qtbot.addWidget(pending)
    sealed = utc_now() - timedelta(hours=30)
    pending.show_parcels(
        [Uncollected(long_tracking, "SO-000001", "Stadtkurier Berlin", sealed, 30)]
    )
    pending.show()
    qtbot.waitExposed(pending)
    table = pending.table
    for column in range(table.columnCount()):
        text = cell_text(table, 0, column)
        needed = table.fontMetrics().horizontalAdvance(text)
        assert table.columnWidth(column) > needed, f"{text!r} is cut"


def test_loading_the_last_parcel_of_the_close_list_does_not_move_the_driver_fields(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode
) -> None:
    for text in ("CMD-LOAD", "DHL Express", DHL[0], DHL[1]):
        scan(qtbot, mode, window, text)
    window.controller.scan("CMD-CLOSE-LOAD")
    dialog = mode.dialog
    assert isinstance(dialog, CloseLoadDialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.left.rowCount() == 1, timeout=TIMEOUT_MS)  # ON_HOLD
    relayout(dialog)
    where = dialog.driver.mapTo(dialog, QPoint(0, 0))

    scan(qtbot, mode, window, ON_HOLD)  # the last one goes on after all

    assert dialog.left.rowCount() == 0 and "Every parcel" in dialog.left_title.text()
    relayout(dialog)
    assert dialog.driver.mapTo(dialog, QPoint(0, 0)) == where


def test_a_close_with_every_parcel_loaded_shows_no_list_and_no_reason_help(
    qtbot: QtBot, window: MainWindow, mode: LoadingMode
) -> None:
    for text in ("CMD-LOAD", "DHL Express", DHL[0], DHL[1], ON_HOLD):
        scan(qtbot, mode, window, text)
    with qtbot.waitSignal(mode.dock.left_behind_listed, timeout=TIMEOUT_MS):
        window.controller.scan("CMD-CLOSE-LOAD")
    dialog = mode.dialog
    assert isinstance(dialog, CloseLoadDialog)
    dialog.show()
    assert dialog.left_title.text().startswith("Every parcel")
    assert not dialog.left.isVisible() and not dialog.reason_hint.isVisible()
