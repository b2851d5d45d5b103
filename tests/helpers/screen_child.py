"""The real pack window in a child process, offscreen, saying what its screen shows.

Run: python -m tests.helpers.screen_child DATA_DIR CONFIG
Reads one input a line on stdin (a scan, or `@weight 1234` for the scale) and
prints one JSON line per change of the screen: after the start (`resumed`),
after each verdict (`verdict`), when the label panel shows a label (`label`)
and when a label printed (`printed`). A test kills it with SIGKILL, starts it
again on the same data dir, and compares what the screen shows.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

# Before any Qt import; run from the project folder (`python -m`), so its packages import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication

from devices.pdf.file_printer import FileLabelPrinter
from station.session import PackSession
from station.settings import load_settings
from station.store import Store
from station.verdicts import Tone
from ui.app import build_main_window
from ui.main_window import MainWindow
from ui.order_table import Column


class ToneLog:
    """The sound player: remembers the last tone played, for the screen's report."""

    def __init__(self) -> None:
        self.last: str | None = None

    def play(self, tone: Tone) -> None:
        self.last = tone.value


def screen_of(window: MainWindow, sounds: ToneLog, event: str) -> dict[str, Any]:
    """What the packer sees: banner, header, order lines with the marked row, label panel."""
    banner, header, preview = window.banner, window.header, window.label_preview
    model = window.order_table.lines_model
    rows = [
        [str(model.data(model.index(row, column))) for column in Column if column]
        for row in range(model.rowCount())
    ]
    return {
        "event": event,
        "banner": {
            "icon": banner.icon(),
            "headline": banner.headline(),
            "detail": banner.detail(),
            "action": banner.action(),
            "role": banner.role.value,
            "tall": banner.needs_action,
        },
        "sound": sounds.last,
        "header": {
            "packer": header.packer_label.text(),
            "order": header.order_label.text(),
            "courier": header.courier_label.text(),
            "courier_reason": header.courier_reason_label.text(),
            "totals": header.totals_label.text(),
        },
        "prompt": window.prompt.text() if window.prompt.isVisible() else None,
        "rows": rows,
        "active_row": model.active_row,
        "label": {
            "caption": preview.caption.text(),
            "courier": preview.courier.text(),
            "tracking": preview.tracking.text(),
            "box": preview.box.text(),
            "picture": preview.picture.image is not None,
        },
        "buttons": {
            "acknowledge": window.action_bar.acknowledge_button.isEnabled(),
            "seal": window.action_bar.seal_button.isEnabled(),
        },
    }


def main(data_dir: Path, config: Path) -> int:
    app = QApplication(sys.argv[:1])
    settings = load_settings(config)
    store = Store.open(data_dir)
    session = PackSession(store, settings, FileLabelPrinter(data_dir / "labels"))
    sounds = ToneLog()
    window = build_main_window(session, settings, sounds)
    window.resize(1366, 768)

    def report(event: str) -> None:
        print(json.dumps(screen_of(window, sounds, event)), flush=True)

    started = False

    def on_view_shown(_view: object) -> None:
        nonlocal started
        if not started:
            started = True
            report("resumed")

    window.view_shown.connect(on_view_shown)
    window.verdict_shown.connect(lambda _verdict: report("verdict"))
    window.label_preview.label_shown.connect(lambda _job: report("label"))
    window.labels.label_printed.connect(lambda _job, _where: report("printed"))

    def on_stdin() -> None:
        line = sys.stdin.readline()
        if not line:
            notifier.setEnabled(False)
            return
        text = line.strip()
        if text.startswith("@weight "):
            window.controller.weigh(int(text.split()[1]))
        elif text:
            window.controller.scan(text, source="scanner")

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(on_stdin)
    window.show()
    window.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
