"""The label preview beside the order table shows the station's last label as it prints."""

from __future__ import annotations

import uuid
from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from devices.barcode_decode import decode_image
from station.labels import LabelContent
from station.models import PrintJob
from station.session import PackSession
from station.verdicts import VerdictKind
from tests.helpers.factory import CABLE_EAN, MUG_UPC, TAPE_EAN, Bench
from tests.ui.conftest import VERDICT_TIMEOUT_MS, PackScreen
from ui.dialogs import VoidDialog
from ui.label_preview import CANNOT_SHOW, EMPTY_TEXT, LabelPreview
from ui.main_window import MainWindow

SO3_TRACKING = "1Z999AA10123456784"  # the order system's number, on a Code 128 label


@pytest.fixture
def preview(window: MainWindow) -> LabelPreview:
    # Room for the panel's full width and a 100x150 mm label's height, as on a station screen.
    window.resize(1600, 1600)
    return window.label_preview


def barcodes_on_screen(widget: QWidget) -> list[str]:
    """The barcodes in the widget's pixels as painted on screen."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    height, stride = image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), dtype=np.uint8, count=height * stride)
    pixels: npt.NDArray[np.uint8] = rows.reshape(height, stride)[:, : image.width()].copy()
    return decode_image(pixels)


def test_after_an_order_completes_the_preview_shows_its_label_with_a_readable_barcode(
    screen: PackScreen, preview: LabelPreview, qtbot: QtBot
) -> None:
    assert preview.picture.text == EMPTY_TEXT, "a fresh start shows no label yet"
    screen.scan_all("BADGE-P1", "SO-3")
    with qtbot.waitSignal(preview.label_shown, timeout=VERDICT_TIMEOUT_MS) as shown:
        done = screen.scan(TAPE_EAN)
    assert done.kind is VerdictKind.ORDER_COMPLETE and shown.args == [done.job_id]
    assert preview.picture.image is not None, preview.picture.text
    assert barcodes_on_screen(preview.picture) == [done.tracking] == [SO3_TRACKING]
    assert preview.courier.text() == "DHL Express · Express Worldwide"
    assert preview.tracking.text() == SO3_TRACKING
    assert preview.box.text() == "Box 1/1"


def test_a_void_puts_the_new_tracking_number_in_the_preview(
    screen: PackScreen, window: MainWindow, preview: LabelPreview, qtbot: QtBot
) -> None:
    screen.scan_all("BADGE-S1", "SO-1", MUG_UPC, MUG_UPC)  # a supervisor: a void is theirs
    with qtbot.waitSignal(preview.label_shown, timeout=VERDICT_TIMEOUT_MS):
        old = screen.scan(CABLE_EAN).tracking
    assert old and barcodes_on_screen(preview.picture) == [old]
    screen.click(window.action_bar.void_button)
    qtbot.waitUntil(lambda: window.dialog is not None, timeout=VERDICT_TIMEOUT_MS)
    dialog = window.dialog
    assert isinstance(dialog, VoidDialog)
    dialog.tracking.setText(old)
    dialog.reason.setText("smudged")
    with qtbot.waitSignal(preview.label_shown, timeout=VERDICT_TIMEOUT_MS) as shown:
        voided = screen.answer(lambda: screen.click(dialog.ok_button))
    assert voided.kind is VerdictKind.LABEL_VOIDED and shown.args == [voided.job_id]
    assert voided.tracking not in (None, old)
    assert barcodes_on_screen(preview.picture) == [voided.tracking]
    assert preview.tracking.text() == voided.tracking


def test_several_boxes_show_the_last_label_and_how_many_printed(
    screen: PackScreen, window: MainWindow, preview: LabelPreview, qtbot: QtBot
) -> None:
    screen.scan_all("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC)
    screen.answer(lambda: screen.click(window.action_bar.new_box_button))
    with qtbot.waitSignal(preview.label_shown, timeout=VERDICT_TIMEOUT_MS):
        done = screen.scan(CABLE_EAN)
    last_tracking, _job, _where = done.parcels[-1]
    assert preview.box.text() == "Box 2/2 · 2 labels printed"
    assert barcodes_on_screen(preview.picture) == [last_tracking] == [done.tracking]


def test_a_label_the_renderer_refuses_is_explained_instead_of_drawn(
    screen: PackScreen, preview: LabelPreview, qtbot: QtBot, bench: Bench
) -> None:
    # Imports and the order's opening refuse a name too long for a label, so only a
    # label stored by an older version can carry one: a reprint shows it in the preview.
    screen.scan_all("BADGE-P1", "SO-3")
    with qtbot.waitSignal(preview.label_shown, timeout=VERDICT_TIMEOUT_MS):
        done = screen.scan(TAPE_EAN)
    with bench.store.session() as db:
        stored = db.get(PrintJob, uuid.UUID(done.job_id))
        assert stored is not None
        label = LabelContent.from_json(stored.content_json)
        too_long = replace(label, ship_to=replace(label.ship_to, name="Very Long Name " * 300))
        old = PrintJob(
            station=stored.station,
            seq=stored.seq + 1000,
            parcel_id=stored.parcel_id,
            content_json=too_long.to_json(),
        )
        db.add(old)
        db.commit()
    with qtbot.waitSignal(preview.label_shown, timeout=VERDICT_TIMEOUT_MS):
        preview.show_job(str(old.id))
    assert preview.picture.image is None
    assert preview.picture.text.startswith(CANNOT_SHOW)
    assert "too long to fit on the label" in preview.picture.text
    assert preview.tracking.text() == SO3_TRACKING, "what the label says is still shown"


def test_a_newer_label_supersedes_one_still_being_drawn(
    screen: PackScreen, preview: LabelPreview, qtbot: QtBot
) -> None:
    screen.scan_all("BADGE-P1", "SO-1", MUG_UPC, MUG_UPC)
    with qtbot.waitSignal(preview.label_shown, timeout=VERDICT_TIMEOUT_MS):
        first = screen.scan(CABLE_EAN)
    screen.scan("SO-3")
    with qtbot.waitSignal(preview.label_shown, timeout=VERDICT_TIMEOUT_MS):
        second = screen.scan(TAPE_EAN)
    assert first.job_id and second.job_id
    shown: list[str] = []
    preview.label_shown.connect(shown.append)
    with qtbot.waitSignal(
        preview.label_shown, timeout=VERDICT_TIMEOUT_MS, check_params_cb=first.job_id.__eq__
    ):
        preview.show_job(second.job_id)
        preview.show_job(first.job_id)
    # Jobs run in order on the panel's thread: the older drawing was dropped before this.
    assert shown == [first.job_id]
    assert barcodes_on_screen(preview.picture) == [first.tracking]


def test_clicking_the_preview_opens_the_label_larger(
    screen: PackScreen, window: MainWindow, qtbot: QtBot
) -> None:
    window.resize(800, 600)  # the offscreen screen's size, which the dialog may mostly fill
    preview = window.label_preview
    screen.scan_all("BADGE-P1", "SO-3")
    with qtbot.waitSignal(preview.label_shown, timeout=VERDICT_TIMEOUT_MS):
        screen.scan(TAPE_EAN)
    qtbot.mouseClick(preview.picture, Qt.MouseButton.LeftButton)
    dialog = preview.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.picture.image is not None and dialog.picture.image == preview.picture.image
    assert dialog.picture.height() > preview.picture.height()
    dialog.close()


def test_label_of_reads_label_jobs_and_not_packing_slips(session: PackSession) -> None:
    for barcode in ("BADGE-P1", "SO-3", TAPE_EAN):
        sealed = session.handle_scan(barcode)
    slip = session.print_slip()
    assert sealed.job_id and slip.job_id
    label = session.label_of(sealed.job_id)
    assert label is not None and (label.order_number, label.tracking) == ("SO-3", SO3_TRACKING)
    assert session.label_of(slip.job_id) is None
    assert session.label_of("not-a-job-id") is None


def test_a_label_arriving_while_the_window_closes_is_dropped_without_an_error(
    screen: PackScreen, preview: LabelPreview, qtbot: QtBot
) -> None:
    screen.scan_all("BADGE-P1", "SO-3")
    done = screen.scan(TAPE_EAN)
    assert done.job_id
    preview.shutdown()
    preview.show_job(done.job_id)  # too late: the panel is closing, and says nothing


def test_a_long_courier_and_service_shrinks_to_fit_the_panel_rather_than_being_cut(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.resize(1920, 1040)  # full HD: the panel's full width and its largest type
    preview = window.label_preview
    line = preview.courier
    full_px = line.font().pixelSize()
    line.setText("AeroExpress · Economy Select")
    qtbot.waitUntil(lambda: line.width() > 0)
    drawn = line.fontMetrics().horizontalAdvance(line.text())
    assert drawn <= line.contentsRect().width(), "the whole service is on screen"
    assert line.font().pixelSize() < full_px and line.font().bold()
    line.setText("Box 1/1")  # a short line keeps the full size
    assert line.font().pixelSize() == full_px
