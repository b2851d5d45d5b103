"""Hostile input from the command line: a clear message and exit 2, never an unexpected error;
and a scan during a large import is recorded, never refused with "database is locked"."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import func, select

from station.models import ScanEvent
from station.settings import Settings
from station.verdicts import VerdictKind
from tests.helpers import cli
from tests.helpers.factory import Bench, add_order, standard_bench

pytestmark = pytest.mark.slow


def test_replay_input_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    standard_bench(tmp_path).store.close()
    run = subprocess.run(
        [sys.executable, str(cli.ROOT / "main.py"), "--data-dir", str(tmp_path), "replay", "-"],
        input=b"BADGE-P1\nSO-\xff1\nSO-1\n",
        capture_output=True,
        env=cli.env(),
        timeout=60,
    )
    assert run.returncode == 2
    stderr = run.stderr.decode()
    assert "Line 2 of standard input is not UTF-8 text (byte 0xFF at position 4)" in stderr
    assert [answer["verdict"] for answer in cli.verdicts(run.stdout.decode())] == ["login"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "catalog.csv",
            "sku,name,barcode,weight_g\nA,Anvil,036000291452,9223372036854775807\n",
            "9,223,372,036,854,775,807 is too large; use a whole number from 0 to 1,000,000",
        ),
        ("catalog.json", "[" * 100_000 + "]" * 100_000, "is nested too deeply to read"),
        (
            "catalog.json",
            f'[{{"sku": "A", "name": "A", "barcode": "1*{"9" * 5000}", "weight_g": 1}}]',
            "bad case multiplier",
        ),
    ],
)
def test_an_import_beyond_every_limit_exits_2_with_the_line(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    run = cli.run("--data-dir", str(tmp_path / "data"), "import", "catalog", str(path))
    assert run.returncode == 2, run.stderr
    assert message in run.stderr and "unexpected" not in run.stderr


def test_a_scan_during_a_large_import_is_recorded(tmp_path: Path) -> None:
    bench = standard_bench(tmp_path / "data")
    for number in range(40):
        add_order(bench.store, f"P-{number}", {"TAPE-48": 1})
    ship_to = {"name": "A", "street": "B", "city": "C", "postcode": "1", "country": "DE"}
    orders = [
        {"number": f"I-{n}", "ship_to": ship_to, "lines": [{"sku": "MUG-350", "qty": 1}]}
        for n in range(4000)
    ]
    (tmp_path / "orders.json").write_text(json.dumps(orders), encoding="utf-8")
    session = Bench(bench.store, bench.data_dir, Settings(station="bench-1")).session()
    child = cli.start(
        "--data-dir", str(bench.data_dir), "import", "orders", str(tmp_path / "orders.json")
    )
    try:
        answers = []
        # As many scans as the import lasts: on a loaded machine it outlasts any fixed list.
        scans = itertools.chain(["BADGE-P1"], itertools.cycle([f"P-{n}" for n in range(40)]))
        while child.poll() is None:
            answers.append(session.handle_scan(next(scans)))  # raises if it was not recorded
    finally:
        out, err = child.communicate(timeout=600)
        session.close()
    assert child.returncode == 0, err
    assert "4000 orders imported" in out
    assert len(answers) > 1  # the bench scanned while the import ran
    assert all(a.kind is not VerdictKind.NOT_LOGGED_IN for a in answers)
    with bench.store.session() as db:
        stored = db.exec(select(func.count()).select_from(ScanEvent)).one()
    bench.store.close()
    assert stored == len(answers)
