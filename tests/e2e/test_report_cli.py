"""`main.py report`: the figures of a store packed with known mistakes, as JSON, CSV and PDF."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

import main
from station.supervisor import commands
from station.supervisor.formulas import FORMULAS
from station.supervisor.saved_days import FILE_NAME
from tests.helpers import cli
from tests.helpers.pdf import pdf_text
from tests.station.test_figures import NO_MISTAKES, pack_known_day

WEEKEND = ("--from", "2026-03-28", "--to", "2026-03-30", "--time-zone", "Europe/Berlin")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("station")
    pack_known_day(folder).store.close()
    return folder


def test_json_rows_per_packer_carry_the_known_figures(data_dir: Path) -> None:
    done = cli.run("report", "accuracy", *WEEKEND, "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["report"], report["by"], report["time_zone"]) == (
        "accuracy",
        "packer",
        "Europe/Berlin",
    )
    rows = {row["packer"]: row for row in report["rows"]}
    ana, ben = rows["BADGE-P1"], rows["BADGE-P2"]
    assert (ana["orders"], ana["units"], ana["orders_with_mistakes"], ana["accuracy_pct"]) == (
        3,
        9,
        2,
        33.33,
    )
    assert ana["mistakes"] == dict.fromkeys(NO_MISTAKES, 1)
    assert (ben["orders"], ben["units"], ben["orders_with_mistakes"], ben["accuracy_pct"]) == (
        3,
        7,
        1,
        66.67,
    )
    assert ben["mistakes"] == NO_MISTAKES | {"wrong_item": 1}
    assert ana["orders_per_hour"] > 0 and ben["orders_per_hour"] > 0
    total = report["total"]
    assert (total["orders"], total["orders_with_mistakes"], total["accuracy_pct"]) == (6, 3, 50.0)
    assert report["charts"]["mistake_pareto"][0]["kind"] == "wrong_item"
    assert report["charts"]["exception_reasons"] == [
        {"kind": "damaged", "count": 1, "share_pct": 100.0, "cumulative_pct": 100.0}
    ]
    assert report["formulas"] == FORMULAS


def test_csv_per_day_in_the_station_s_time_zone(
    data_dir: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code = main.main(
        [
            "report",
            "exceptions",
            *WEEKEND,
            "--by",
            "day",
            "--format",
            "csv",
            "--data-dir",
            str(data_dir),
        ]
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode())))
    assert [row["day"] for row in rows] == ["2026-03-28", "2026-03-30", ""]  # the total last
    saturday, monday, total = rows
    assert (saturday["orders"], saturday["exceptions_opened"], saturday["labels_reprinted"]) == (
        "3",
        "1",
        "1",
    )
    assert (monday["short_shipments"], monday["labels_voided"], monday["accuracy_pct"]) == (
        "1",
        "1",
        "66.67",
    )
    assert (total["orders"], total["packer_name"]) == ("6", "all")


def test_the_pdf_has_the_table_the_charts_and_each_formula(data_dir: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "speed.pdf"
    args = ["report", "speed", *WEEKEND, "--format", "pdf", "--output", str(pdf)]
    assert main.main([*args, "--data-dir", str(data_dir)]) == 0
    text = " ".join(pdf_text(pdf).split())
    assert "Speed report" in text and "2026-03-28 to 2026-03-30 (Europe/Berlin)" in text
    assert "BADGE-P1" in text and "BADGE-P2" in text
    for sentence in (FORMULAS["orders_per_hour"], FORMULAS["units_per_hour"]):
        assert " ".join(sentence.split()) in text
    assert "Orders per hour through the day" in text and "Pareto of mistake kinds" in text
    assert "Accuracy per day" in text and "Pareto of exception reasons" in text


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--from", "2026-13-01", "--to", "2026-03-30"), "--from '2026-13-01' is not a date"),
        (("--from", "2026-03-30", "--to", "2026-03-28"), "ends (2026-03-28) before it starts"),
        (("--from", "2026-03-28", "--to", "2026-03-30", "--format", "pdf"), "needs --output"),
        (
            ("--from", "2026-03-28", "--to", "2026-03-30", "--time-zone", "Mars/Olympus"),
            "Unknown time zone",
        ),
        (("--from", "2020-01-01", "--to", "2026-03-30"), "at most 400"),
        (("--from", "9999-12-31", "--to", "9999-12-31"), "--from 9999-12-31 is not a day"),
        (("--from", "2026-03-28", "--to", "0001-01-01"), "--to 0001-01-01 is not a day"),
    ],
)
def test_bad_arguments_exit_2_saying_what_is_wrong(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    said: str,
) -> None:
    assert main.main(["report", "accuracy", *args, "--data-dir", str(data_dir)]) == 2
    assert said in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_no_database_and_an_unwritable_output_exit_2(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main.main(["report", "speed", *WEEKEND, "--data-dir", str(tmp_path / "none")]) == 2
    assert "no station database" in capsys.readouterr().err
    missing = tmp_path / "no" / "such" / "r.json"
    assert (
        main.main(
            ["report", "speed", *WEEKEND, "--output", str(missing), "--data-dir", str(data_dir)]
        )
        == 2
    )
    assert "Cannot write the report" in capsys.readouterr().err
    store = data_dir / "packstation.db"
    before = store.read_bytes()
    over_the_store = ["--output", str(data_dir / "." / "packstation.db")]
    args = ["report", "speed", *WEEKEND, *over_the_store, "--data-dir", str(data_dir)]
    assert main.main(args) == 2
    assert "is the station's database" in capsys.readouterr().err
    assert store.read_bytes() == before
    with pytest.raises(SystemExit) as refused:
        main.main(["report", "happiness", *WEEKEND, "--data-dir", str(data_dir)])
    assert refused.value.code == 2
    assert "invalid choice: 'happiness'" in capsys.readouterr().err


def test_an_unreachable_central_database_exits_2_writing_nothing(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "station.toml"
    config.write_text('[central]\nurl = "postgresql://packstation@127.0.0.1:1/central"\n')
    output = tmp_path / "r.json"
    args = ["--config", str(config), "--data-dir", str(data_dir), "report", "accuracy"]

    assert main.main([*args, *WEEKEND, "--central", "--output", str(output)]) == 2
    assert "cannot be reached now" in capsys.readouterr().err
    assert not output.exists()


def test_a_damaged_saved_days_file_is_said_and_the_events_give_the_figures(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    station = tmp_path / "station"
    shutil.copytree(data_dir, station)
    (station / FILE_NAME).write_bytes(b"not a database, " * 64)
    assert main.main(["report", "accuracy", *WEEKEND, "--data-dir", str(station)]) == 0
    total = json.loads(capsys.readouterr().out)["total"]
    assert (total["orders"], total["orders_with_mistakes"]) == (6, 3)
    assert "saved day totals not used (" in caplog.text
    assert "summed from the events" in caplog.text


def test_a_bug_opening_the_saved_days_stops_the_report(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken(_folder: Path) -> None:
        raise TypeError("a programming error")

    monkeypatch.setattr(commands, "LocalDays", broken)
    args = ["report", "accuracy", *WEEKEND, "--data-dir", str(data_dir)]
    assert main.main(args) == main.EXIT_BUG  # not a report quietly summed another way
    assert "unexpected error" in capsys.readouterr().err
