"""A station configured with a ZPL printer on the network prints its labels there."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.printers.zpl_simulator import SimulatedState, ZplSimulator
from tests.helpers.cli import run, verdicts
from tests.helpers.factory import TAPE_EAN, standard_bench
from tests.helpers.late_printer import LateAnswerPrinter

pytestmark = pytest.mark.slow


@pytest.fixture
def printer() -> ZplSimulator:
    with ZplSimulator() as simulator:
        yield simulator


def test_replay_prints_the_label_on_the_configured_zpl_printer(
    tmp_path: Path, printer: ZplSimulator
) -> None:
    data = tmp_path / "station"
    standard_bench(data).store.close()
    config = tmp_path / "station.toml"
    config.write_text(f'[devices]\nlabel_printer = "zpl+tcp://127.0.0.1:{printer.port}"\n')
    result = run(
        "--data-dir",
        str(data),
        "--config",
        str(config),
        "replay",
        "-",
        stdin=f"BADGE-P1\nSO-3\n{TAPE_EAN}\n",
    )
    done = verdicts(result.stdout)[-1]
    assert done["verdict"] == "order_complete"
    assert done["label"].startswith(f"zpl+tcp://127.0.0.1:{printer.port}")
    assert printer.wait_for_jobs(1, timeout=10)
    assert b"1Z999AA10123456784" in printer.jobs[0]


def test_print_test_reaches_the_printer(printer: ZplSimulator, tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path), "print-test", f"zpl+tcp://127.0.0.1:{printer.port}")
    assert result.returncode == 0, result.stderr
    assert "Test label sent" in result.stdout
    assert printer.wait_for_jobs(1, timeout=10)


def test_print_test_on_a_printer_out_of_paper_says_what_to_do(tmp_path: Path) -> None:
    with ZplSimulator(state=SimulatedState.PAPER_OUT) as empty:
        result = run("--data-dir", str(tmp_path), "print-test", f"zpl+tcp://127.0.0.1:{empty.port}")
        assert empty.jobs == []
    assert result.returncode == 2
    assert "out of paper" in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_print_test_on_a_printer_that_never_confirms_says_look_not_not_printed(
    tmp_path: Path,
) -> None:
    late = LateAnswerPrinter()
    try:
        result = run("--data-dir", str(tmp_path), "print-test", f"zpl+tcp://127.0.0.1:{late.port}")
        assert late.labels == 1
    finally:
        late.close()
    assert result.returncode == 2
    assert "it may have printed. Look at the printer" in result.stderr
    assert "NOT printed" not in result.stderr and "Traceback" not in result.stderr


def test_print_test_with_a_bad_url_shows_a_valid_example(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path), "print-test", "zpl+tcp://printer")
    assert result.returncode == 2
    assert "A valid example: zpl+tcp://" in result.stderr
