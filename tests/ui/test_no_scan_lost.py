"""No scan lost behind a dialog, and every dialog worked by scans and number keys alone.

For every dialog the pack screen can open, a wedge scan while it is open is
either taken by the dialog (when it asks for one: a label, a reason, its OK)
or goes to the bench, is stored, and gets its verdict; the scanner's Enter
never presses a dialog's button.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken
from sqlmodel import select

from station.models import OrderEvent, ScanEvent
from station.print_outcomes import LabelQuestion, doubt_of
from station.settings import Commands, Settings
from station.verdicts import Verdict, VerdictKind
from tests.helpers.factory import CABLE_EAN, MUG_UPC, Bench
from tests.helpers.wedge import FakeClock
from tests.ui.conftest import VERDICT_TIMEOUT_MS, PackScreen
from ui.app import connect_devices
from ui.bulk_print_dialog import BulkPrintDialog
from ui.crash import show_crash_box
from ui.devices_dialog import DevicesDialog
from ui.dialogs import ExceptionDialog, ReprintDialog, ScanDialog, ShortShipDialog, VoidDialog
from ui.main_window import MainWindow
from ui.sign_in import SupervisorSignIn
from ui.supervisor_gate import BadgeAsk

V = VerdictKind
C = Commands()


@dataclass
class Bench2:
    """The pack screen with a packed order (SO-1, its label) and SO-2 open."""

    screen: PackScreen
    window: MainWindow
    qtbot: QtBot
    tracking: str  # SO-1's label, from the station's own range
    job_id: str  # its print job

    def active(self, dialog: QWidget | None) -> QWidget:
        assert dialog is not None
        self.qtbot.waitExposed(dialog)
        dialog.activateWindow()
        self.qtbot.waitUntil(dialog.isActiveWindow)
        return dialog

    def key(self, text: str) -> None:
        """A person presses keys (held by the wedge at most its interval, then delivered)."""
        self.screen.human.type(text)


@pytest.fixture
def bench2(screen: PackScreen, window: MainWindow, qtbot: QtBot) -> Bench2:
    sealed = screen.scan_all("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC, CABLE_EAN)[-1]
    assert sealed.kind is V.ORDER_COMPLETE and sealed.tracking
    assert screen.scan("SO-2").kind is V.ORDER_OPENED
    assert sealed.job_id is not None
    return Bench2(screen, window, qtbot, sealed.tracking, sealed.job_id)


@pytest.fixture
def devices_config(tmp_path: Path, window: MainWindow, settings: Settings) -> Iterator[None]:
    stops = connect_devices(window, settings, config_path=tmp_path / "station.toml")
    yield
    for stop in stops:
        stop()


def closed(dialog: QWidget) -> bool:
    return not Shiboken.isValid(dialog) or not dialog.isVisible()


def stored(bench: Bench, raw: str) -> list[str]:
    with bench.store.session() as db:
        return list(db.exec(select(ScanEvent.verdict).where(ScanEvent.raw == raw)).all())


# -- opening every dialog ---------------------------------------------------------


def open_preview(b: Bench2) -> QWidget:
    picture = b.window.label_preview.picture
    # Drawing a label is slow on a loaded machine: give it time, it is not what is tested.
    b.qtbot.waitUntil(lambda: picture.image is not None, timeout=3 * VERDICT_TIMEOUT_MS)
    b.qtbot.mouseClick(b.window.label_preview.picture, Qt.MouseButton.LeftButton)
    return b.active(b.window.label_preview.dialog)


def open_by_button(name: str) -> Callable[[Bench2], QWidget]:
    def opener(b: Bench2) -> QWidget:
        b.screen.click(getattr(b.window.action_bar, name))
        return b.active(b.window.dialog)

    return opener


def open_gated(name: str) -> Callable[[Bench2], QWidget]:
    """Void and bulk print with a packer logged in: a supervisor scans their badge first
    (Sam has no PIN on file: the badge unlocks it, recorded as such)."""

    def opener(b: Bench2) -> QWidget:
        ask_badge(b, name)
        b.screen.scanner.scan("BADGE-S1")
        b.qtbot.waitUntil(lambda: b.window.dialog is not None, timeout=VERDICT_TIMEOUT_MS)
        return b.active(b.window.dialog)

    return opener


def ask_badge(b: Bench2, name: str = "void_button") -> QWidget:
    b.screen.click(getattr(b.window.action_bar, name))
    asked = b.active(b.window.supervisor_gate.dialog)
    assert isinstance(asked, BadgeAsk)
    return asked


def open_sign_in(b: Bench2) -> QWidget:
    b.screen.click(b.window.device_status.devices_button)
    return b.active(QApplication.activeModalWidget())


def open_devices(b: Bench2) -> QWidget:
    sign_in = open_sign_in(b)
    assert isinstance(sign_in, SupervisorSignIn)
    b.screen.scanner.scan("BADGE-S1")
    b.qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DevicesDialog))
    return b.active(QApplication.activeModalWidget())


def open_crash_box(b: Bench2) -> QWidget:
    return b.active(show_crash_box(b.window, "a test's traceback"))


def open_label_question(b: Bench2) -> QWidget:
    b.window.labels.report(doubt_of(LabelQuestion(b.job_id, b.tracking, "label")))
    return b.active(b.window.label_questions.dialog)


def ready_to_ok(dialog: QWidget, b: Bench2) -> None:
    """Fill what OK needs, so that a scanner's Enter pressing it would show."""
    if isinstance(dialog, VoidDialog):
        dialog.tracking.setText(b.tracking)
    if isinstance(dialog, ScanDialog):
        dialog.reasons.choose(1)
        assert dialog.ok_button.isEnabled()


OPENERS: dict[str, Callable[[Bench2], QWidget]] = {
    "label preview, enlarged": open_preview,
    "reprint": open_by_button("reprint_button"),
    "void": open_gated("void_button"),
    "supervisor badge": ask_badge,
    "exception": open_by_button("exception_button"),
    "ship short": open_by_button("short_button"),
    "bulk print": open_gated("bulk_button"),
    "supervisor sign-in": open_sign_in,
    "devices": open_devices,
    "crash box": open_crash_box,
    "did the label print?": open_label_question,
}
# A dialog that asks for a label, an order or a badge takes any scan that is no
# command (and answers it there): a command is what the bench gets from there.
BENCH_SCAN = {
    "reprint": C.ack,
    "void": C.ack,
    "bulk print": C.ack,
    "supervisor sign-in": C.ack,
    "supervisor badge": C.ack,
}


@pytest.mark.usefixtures("devices_config")
@pytest.mark.parametrize("name", list(OPENERS))
def test_a_scan_behind_any_dialog_reaches_the_bench_and_its_enter_presses_nothing(
    bench2: Bench2, bench: Bench, name: str
) -> None:
    dialog = OPENERS[name](bench2)
    ready_to_ok(dialog, bench2)
    barcode = BENCH_SCAN.get(name, MUG_UPC)

    verdict = bench2.screen.scan(barcode)

    assert verdict.scan == barcode
    assert stored(bench, barcode)[-1] == verdict.kind.value, "stored before it was shown"
    if barcode == MUG_UPC:
        assert verdict.kind is V.OK and verdict.scanned == 1, "counted on the open order"
    if name == "label preview, enlarged":
        bench2.qtbot.waitUntil(lambda: closed(dialog))  # a view: it makes way
    else:
        assert dialog.isVisible(), "the scanner's Enter pressed no button of the dialog"
    with bench.store.session() as db:
        assert db.exec(select(OrderEvent)).all() == [], "no dialog did anything"


# -- scan-only work in each dialog ----------------------------------------------------


def test_void_by_scans_and_a_number_key(bench2: Bench2, bench: Bench) -> None:
    asked = bench2.screen.scan(C.void)
    assert asked.kind is V.ERRAND
    assert isinstance(bench2.active(bench2.window.supervisor_gate.dialog), BadgeAsk)
    bench2.screen.scanner.scan("BADGE-S1")
    bench2.qtbot.waitUntil(lambda: bench2.window.dialog is not None, timeout=VERDICT_TIMEOUT_MS)
    dialog = bench2.active(bench2.window.dialog)
    assert isinstance(dialog, VoidDialog)
    assert dialog.tracking.hasFocus(), "the label scanned next goes to the tracking field"
    bench2.screen.scanner.scan(bench2.tracking)
    assert dialog.tracking_text() == bench2.tracking
    assert dialog.isVisible() and not dialog.ok_button.isEnabled(), "no reason yet"

    bench2.key("2")
    bench2.qtbot.waitUntil(lambda: dialog.reasons.number() == 2)
    voided = bench2.screen.answer(lambda: bench2.screen.scanner.scan(C.ok))

    assert voided.kind is V.LABEL_VOIDED and bench2.tracking in voided.message
    with bench.store.session() as db:
        event = db.exec(select(OrderEvent).where(OrderEvent.kind == "label_voided")).one()
    assert event.reason == "Printer jammed"
    assert stored(bench, C.void) == ["errand"]


def test_reprint_by_its_barcode_prints_the_last_label(bench2: Bench2) -> None:
    shown: list[Verdict] = []
    bench2.window.verdict_shown.connect(shown.append)

    bench2.screen.scanner.scan(C.reprint)

    bench2.qtbot.waitUntil(lambda: len(shown) == 2, timeout=VERDICT_TIMEOUT_MS)
    assert [verdict.kind for verdict in shown] == [V.ERRAND, V.LABEL_REPRINTED]
    assert bench2.tracking in shown[1].message


def test_reprint_dialog_reason_barcode_then_ok(bench2: Bench2) -> None:
    dialog = open_by_button("reprint_button")(bench2)
    assert isinstance(dialog, ReprintDialog)
    bench2.screen.scanner.scan(C.reason_codes()[0])
    assert dialog.reason_text() == "Label torn or smudged"

    verdict = bench2.screen.answer(lambda: bench2.screen.scanner.scan(C.ok))

    assert verdict.kind is V.LABEL_REPRINTED and bench2.tracking in verdict.message


def test_exception_reason_by_its_barcode_then_ok(bench2: Bench2, bench: Bench) -> None:
    dialog = open_by_button("exception_button")(bench2)
    assert isinstance(dialog, ExceptionDialog)
    bench2.screen.scanner.scan(C.ok)
    assert dialog.isVisible() and "Choose why" in dialog.hint.text(), "OK says what is missing"
    bench2.screen.scanner.scan(C.exception_damaged)

    flagged = bench2.screen.answer(lambda: bench2.screen.scanner.scan(C.ok))

    assert flagged.kind is V.EXCEPTION_FLAGGED and "damaged" in flagged.message
    assert closed(dialog)


def test_ship_short_reason_by_number_key_then_ok(bench2: Bench2, bench: Bench) -> None:
    dialog = open_by_button("short_button")(bench2)
    assert isinstance(dialog, ShortShipDialog)
    bench2.key("1")
    bench2.qtbot.waitUntil(lambda: dialog.reasons.number() == 1)

    asked = bench2.screen.answer(lambda: bench2.screen.scanner.scan(C.ok))

    assert asked.kind is V.SUPERVISOR_REQUIRED
    with bench.store.session() as db:
        event = db.exec(select(OrderEvent)).one()
    assert (event.kind, event.reason) == ("short_requested", "out of stock")


def test_bulk_print_of_this_order_by_scans(bench2: Bench2) -> None:
    bench2.screen.scan(C.cancel)  # park SO-2: "this order" is then the last one packed
    asked = bench2.screen.scan(C.bulk)
    assert (asked.kind, asked.order) == (V.ERRAND, "SO-1")
    assert isinstance(bench2.active(bench2.window.supervisor_gate.dialog), BadgeAsk)
    bench2.screen.scanner.scan("BADGE-S1")
    bench2.qtbot.waitUntil(lambda: bench2.window.dialog is not None, timeout=VERDICT_TIMEOUT_MS)
    dialog = bench2.active(bench2.window.dialog)
    assert isinstance(dialog, BulkPrintDialog)
    bench2.qtbot.waitUntil(lambda: len(dialog.chosen()) == 1, timeout=VERDICT_TIMEOUT_MS)
    bench2.screen.scanner.scan(C.reason_codes()[2])
    assert dialog.reason_text() == "Label lost"

    with bench2.qtbot.waitSignal(dialog.run_finished, timeout=VERDICT_TIMEOUT_MS) as done:
        bench2.screen.scanner.scan(C.ok)

    assert done.args[0].delivered == 1
    bench2.screen.scanner.scan(C.close)
    bench2.qtbot.waitUntil(lambda: closed(dialog))


def test_a_typed_tracking_number_stays_in_the_field_and_enter_moves_on(
    bench2: Bench2, clock: FakeClock
) -> None:
    dialog = open_gated("void_button")(bench2)
    assert isinstance(dialog, VoidDialog)
    bench2.key("12")  # digits typed into the field are the number, not reasons
    bench2.qtbot.waitUntil(lambda: dialog.tracking_text() == "12")
    assert dialog.reasons.number() is None
    bench2.screen.human.enter()
    assert dialog.isVisible() and dialog.reasons.buttons[0].hasFocus()


@pytest.mark.parametrize("name", ["reprint", "void", "exception", "ship short"])
def test_reason_buttons_are_big_enough_for_gloves(bench2: Bench2, name: str) -> None:
    dialog = OPENERS[name](bench2)
    assert isinstance(dialog, ScanDialog)
    for radio in dialog.reasons.buttons:
        assert indicator_size(radio) >= 32
        assert radio.height() >= 48
    assert dialog.ok_button.height() >= 48
    assert dialog.note.height() >= 48


def test_bulk_print_check_boxes_are_big_enough_for_gloves(bench2: Bench2) -> None:
    dialog = open_gated("bulk_button")(bench2)
    assert isinstance(dialog, BulkPrintDialog)
    bench2.qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=VERDICT_TIMEOUT_MS)
    assert dialog.table.rowHeight(0) >= 48
    assert min(indicator_size(radio) for radio in dialog.reasons.buttons) >= 32


def indicator_size(radio: QRadioButton) -> int:
    option = QStyleOptionButton()
    option.initFrom(radio)
    rect = radio.style().subElementRect(QStyle.SubElement.SE_RadioButtonIndicator, option, radio)
    return min(rect.width(), rect.height())


def test_close_barcode_closes_a_dialog_and_nothing_is_done(bench2: Bench2, bench: Bench) -> None:
    dialog = open_by_button("exception_button")(bench2)
    assert isinstance(dialog, QDialog)
    bench2.screen.scanner.scan(C.close)
    bench2.qtbot.waitUntil(lambda: closed(dialog))
    assert stored(bench, C.close) == [], "the dialog's own barcode, not the bench's"


def test_scan_dialog_verdicts(bench2: Bench2) -> None:
    verdict: Verdict = bench2.screen.scan(C.ok)
    assert verdict.kind is V.NOTHING_TO_CHOOSE, "with no dialog open, OK chooses nothing"


@pytest.mark.parametrize("printed", [True, False])
def test_did_the_label_print_is_answered_by_a_command_barcode(
    bench2: Bench2, bench: Bench, printed: bool
) -> None:
    open_label_question(bench2)
    question = bench2.window.label_questions.dialog
    assert question is not None
    answers: list[bool] = []
    question.answered.connect(lambda _job, answer: answers.append(answer))
    barcode = C.label_printed if printed else C.label_reprint

    verdict = bench2.screen.scan(barcode)

    assert verdict.kind is V.ERRAND
    assert answers == [printed], "the question on screen got the scanned answer"
    bench2.qtbot.waitUntil(lambda: bench2.window.label_questions.dialog is None)
    assert stored(bench, barcode) == ["errand"]
