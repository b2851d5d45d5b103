"""The bulk print dialog: today's parcels, choose, say why, progress to N of N, cancel."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from devices.pdf.file_printer import FileLabelPrinter
from devices.printers.transports import TcpTransport
from devices.printers.zpl_printer import ZplPrinter
from devices.printers.zpl_simulator import SimulatedState, ZplSimulator
from station import queries
from station.bulk_print import BulkPrinter
from station.event_sequence import SeqCounter
from station.labels import LabelContent
from station.models import utc_now
from station.ports import LabelPrinter, PrintResult, SuppliedLabel
from station.store import Store
from tests.helpers.sealed import Sealed, seal_orders
from ui.bulk_print_dialog import BulkPrintDialog, open_bulk_print

STATION = "bench-1"
TIMEOUT_MS = 30_000


class GatedPrinter:
    """A real printer that holds label `gate_at` until the test opens the gate."""

    def __init__(self, printer: LabelPrinter, gate_at: int) -> None:
        self.printer = printer
        self.gate_at = gate_at
        self.gate = threading.Event()
        self.holding = threading.Event()
        self.sent = 0

    def print_label(self, job_id: str, label: LabelContent) -> PrintResult:
        self.sent += 1
        if self.sent == self.gate_at:
            self.holding.set()
            assert self.gate.wait(TIMEOUT_MS / 1000), "the test never opened the gate"
        return self.printer.print_label(job_id, label)

    def print_supplied(self, job_id: str, label: SuppliedLabel) -> PrintResult:
        return self.printer.print_supplied(job_id, label)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "data")
    yield store
    store.close()


@pytest.fixture
def sealed(store: Store) -> Sealed:
    seal_orders(store, STATION, 2, prefix="OLD", sealed_at=utc_now() - timedelta(days=2))
    return seal_orders(store, STATION, 3, boxes=2)


def open_dialog(
    qtbot: QtBot, store: Store, printer: LabelPrinter, requested_by: uuid.UUID | None
) -> BulkPrintDialog:
    with store.session() as db:
        seq = SeqCounter(queries.next_seq(db, STATION))
    dialog = BulkPrintDialog(BulkPrinter(store, printer, STATION, seq), requested_by)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.listed, timeout=TIMEOUT_MS):
        dialog.show()
    return dialog


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isEnabled(), f"{button.text()!r} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def print_chosen(qtbot: QtBot, dialog: BulkPrintDialog, reason: str = "labels lost") -> object:
    dialog.reason.setText(reason)
    with qtbot.waitSignal(dialog.run_finished, timeout=TIMEOUT_MS) as done:
        click(qtbot, dialog.print_button)
    return done.args[0]


def cells(dialog: BulkPrintDialog, column: int) -> list[str]:
    table = dialog.table
    return [table.item(row, column).text() for row in range(table.rowCount())]  # type: ignore[union-attr]


def test_lists_todays_parcels_and_prints_the_chosen_with_progress_to_n_of_n(
    qtbot: QtBot, store: Store, sealed: Sealed, tmp_path: Path
) -> None:
    folder = tmp_path / "labels"
    dialog = open_dialog(qtbot, store, FileLabelPrinter(folder), sealed.packer_id)
    shown: list[str] = []
    dialog.progress.valueChanged.connect(lambda _value: shown.append(dialog.progress.text()))

    assert cells(dialog, 0) == [number for number in sealed.orders for _box in (1, 2)]
    assert cells(dialog, 1) == ["1/2", "2/2"] * 3
    assert not dialog.print_button.isEnabled(), "nothing chosen, no reason yet"
    click(qtbot, dialog.select_all_button)
    print_chosen(qtbot, dialog)

    assert dialog.progress.text() == "6 of 6"
    assert shown[-3:] == ["4 of 6", "5 of 6", "6 of 6"]
    assert dialog.status.text() == "6 of 6 labels printed."
    assert len(list(folder.glob("*.pdf"))) == 6


def test_choosing_by_order_number_checks_every_parcel_of_that_order(
    qtbot: QtBot, store: Store, sealed: Sealed, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, store, FileLabelPrinter(tmp_path), sealed.packer_id)

    qtbot.keyClicks(dialog.order_input, sealed.orders[1].lower())
    qtbot.keyClick(dialog.order_input, Qt.Key.Key_Return)
    assert dialog.chosen() == sealed.parcel_ids[2:4]

    dialog.order_input.setText("SO-999999")
    click(qtbot, dialog.select_order_button)
    assert "No parcel of order SO-999999" in dialog.status.text()
    assert dialog.chosen() == sealed.parcel_ids[2:4], "a wrong number changes nothing"


def test_cancel_stops_after_the_label_being_printed(
    qtbot: QtBot, store: Store, sealed: Sealed, tmp_path: Path
) -> None:
    folder = tmp_path / "labels"
    printer = GatedPrinter(FileLabelPrinter(folder), gate_at=2)
    dialog = open_dialog(qtbot, store, printer, sealed.packer_id)
    click(qtbot, dialog.select_all_button)
    dialog.reason.setText("labels lost")

    click(qtbot, dialog.print_button)
    assert printer.holding.wait(TIMEOUT_MS / 1000)  # label 2 is at the printer
    assert not dialog.print_button.isEnabled()
    with qtbot.waitSignal(dialog.run_finished, timeout=TIMEOUT_MS) as done:
        click(qtbot, dialog.cancel_button)
        printer.gate.set()

    summary = done.args[0]
    assert (summary.delivered, summary.cancelled) == (2, 4)
    assert dialog.progress.text() == "2 of 6"
    assert "Cancelled: the 4 not printed stay chosen." in dialog.status.text()
    assert dialog.chosen() == sealed.parcel_ids[2:]
    assert len(list(folder.glob("*.pdf"))) == 2


def test_closing_during_a_run_stops_it_then_closes(
    qtbot: QtBot, store: Store, sealed: Sealed, tmp_path: Path
) -> None:
    folder = tmp_path / "labels"
    printer = GatedPrinter(FileLabelPrinter(folder), gate_at=1)
    dialog = open_dialog(qtbot, store, printer, sealed.packer_id)
    click(qtbot, dialog.select_all_button)
    dialog.reason.setText("labels lost")
    click(qtbot, dialog.print_button)
    assert printer.holding.wait(TIMEOUT_MS / 1000)

    dialog.close()
    assert dialog.isVisible(), "the label at the printer finishes first"
    with qtbot.waitSignal(dialog.finished, timeout=TIMEOUT_MS):
        printer.gate.set()

    assert not dialog.isVisible()
    assert len(list(folder.glob("*.pdf"))) == 1


def test_without_a_login_nothing_prints_and_it_says_why(
    qtbot: QtBot, store: Store, sealed: Sealed, tmp_path: Path
) -> None:
    folder = tmp_path / "labels"
    dialog = open_dialog(qtbot, store, FileLabelPrinter(folder), requested_by=None)
    click(qtbot, dialog.select_all_button)
    dialog.reason.setText("labels lost")

    click(qtbot, dialog.print_button)
    qtbot.waitUntil(lambda: "supervisor's badge" in dialog.status.text(), timeout=TIMEOUT_MS)

    assert dialog.print_button.isEnabled(), "log in, then print again"
    assert not folder.exists()


def test_a_printer_out_of_paper_stops_the_run_and_keeps_the_rest_chosen(
    qtbot: QtBot, store: Store, sealed: Sealed
) -> None:
    with ZplSimulator(state=SimulatedState.PAPER_OUT) as simulator:
        printer = ZplPrinter(TcpTransport("127.0.0.1", simulator.port))
        dialog = open_dialog(qtbot, store, printer, sealed.packer_id)
        click(qtbot, dialog.select_all_button)

        print_chosen(qtbot, dialog)

        assert simulator.jobs == []
    text = dialog.status.text()
    assert text.startswith("0 of 6 labels printed. Printing stopped. The printer said: Label")
    assert "out of paper" in text
    assert text.endswith("They stay chosen: press Print again once the printer is ready.")
    assert dialog.chosen() == sealed.parcel_ids


def test_open_bulk_print_shows_the_dialog_and_it_goes_away_when_closed(
    qtbot: QtBot, store: Store, sealed: Sealed, tmp_path: Path
) -> None:
    with store.session() as db:
        seq = SeqCounter(queries.next_seq(db, STATION))

    dialog = open_bulk_print(None, store, FileLabelPrinter(tmp_path), STATION, seq, None)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 6, timeout=TIMEOUT_MS)

    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.destroyed, timeout=TIMEOUT_MS):
        click(qtbot, dialog.close_button)
