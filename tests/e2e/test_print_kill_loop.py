"""SIGKILL a station again and again while it prints over TCP: no label lost, none doubled.

A replay child packs orders and prints their labels to the ZPL printer
simulator, which runs in this test. Each child is killed at a random point
chosen among the moments that matter, waited for on the simulator's own
events: when it is asked for its status (just before a label goes out),
when it has taken a label (before the station may have recorded it), or
after a verdict was shown. Then the station is started again on the same
store. At the end every label is on paper exactly once (the simulator's
jobs against the store), or is explicitly "may have printed": a question
stored for the packer, reported by replay. Never a silent double or loss.
"""

from __future__ import annotations

import random
import signal
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import col, select

from devices.printers.zpl_simulator import SimulatedFault, ZplSimulator
from station.labels import LabelContent
from station.models import Order, Parcel, PrintJob
from station.session import PackSession
from station.store import Store
from tests.helpers.cli import run, start, verdicts
from tests.helpers.factory import TAPE_EAN, standard_bench
from tests.helpers.printing import STATION, add_orders, tracking_of, zpl_printer

pytestmark = pytest.mark.slow

ORDERS = 6
KILLS = 5  # each start of a child costs seconds: enough kills to cover each moment
WAIT_S = 30.0

Trigger = Callable[[ZplSimulator, subprocess.Popen[str], tuple[int, int]], None]


def when_asked(
    printer: ZplSimulator, _child: subprocess.Popen[str], before: tuple[int, int]
) -> None:
    printer.wait_for_status_requests(before[1] + 1, WAIT_S)


def when_taken(
    printer: ZplSimulator, _child: subprocess.Popen[str], before: tuple[int, int]
) -> None:
    printer.wait_for_jobs(before[0] + 1, WAIT_S)


def after_a_verdict(
    _printer: ZplSimulator, child: subprocess.Popen[str], _: tuple[int, int]
) -> None:
    assert child.stdout is not None
    child.stdout.readline()


TRIGGERS: list[Trigger] = [when_asked, when_taken, after_a_verdict]


def sealed_orders(data_dir: Path) -> set[str]:
    store = Store.open(data_dir)
    try:
        with store.session() as db:
            numbers = db.exec(
                select(Order.number)
                .join(Parcel, col(Parcel.order_id) == col(Order.id))
                .join(PrintJob, col(PrintJob.parcel_id) == col(Parcel.id))
            ).all()
    finally:
        store.close()
    return set(numbers)


def scans_for(numbers: list[str]) -> str:
    lines = ["BADGE-P1"]
    for number in numbers:
        lines += [number, TAPE_EAN]
    return "".join(f"{line}\n" for line in lines)


def replay_args(data_dir: Path, config: Path) -> list[str]:
    return ["--data-dir", str(data_dir), "--config", str(config), "replay", "-"]


def test_killed_mid_print_every_label_is_printed_once_or_asked_about(tmp_path: Path) -> None:
    data_dir = tmp_path / "station"
    bench = standard_bench(data_dir)
    numbers = add_orders(bench, ORDERS, prefix="SO-K")
    bench.store.close()
    chance = random.Random()
    with ZplSimulator() as printer:
        config = tmp_path / "station.toml"
        config.write_text(
            f'[station]\nname = "{STATION}"\n'
            f'[devices]\nlabel_printer = "zpl+tcp://127.0.0.1:{printer.port}"\n'
        )
        for _ in range(KILLS):
            left = [n for n in numbers if n not in sealed_orders(data_dir)]
            if not left:
                break
            # A printer that closes each connection after us, or one that keeps it open.
            printer.fault = chance.choice([SimulatedFault.NONE, SimulatedFault.KEEPS_OPEN])
            before = (len(printer.jobs), printer.status_requests)  # counted from here
            child = start(*replay_args(data_dir, config))
            assert child.stdin is not None
            child.stdin.write(scans_for(left[:2]))
            child.stdin.flush()
            chance.choice(TRIGGERS)(printer, child, before)
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=WAIT_S)
            for stream in (child.stdin, child.stdout, child.stderr):
                if stream is not None:
                    stream.close()

        # The last start packs what is left and runs to the end of its input.
        left = [n for n in numbers if n not in sealed_orders(data_dir)]
        final = run(*replay_args(data_dir, config), stdin=scans_for(left), timeout=120)
        assert final.returncode == 0, final.stderr
        maybe = {
            answer["tracking"]
            for answer in verdicts(final.stdout)
            if answer["verdict"] == "label_may_have_printed"
        }
        # And one more start lets the queue send whatever the last one left queued.
        store = Store.open(data_dir)
        session = PackSession(store, bench.settings, zpl_printer(printer), STATION)
        try:
            assert session.wait_for_printer(WAIT_S)
            questions = {q.tracking for q in session.label_questions()}
        finally:
            session.close()
        printed = Counter(
            tracking_of(n) for n in range(1, ORDERS + 1) for job in printer.jobs
            if tracking_of(n).encode() in job
        )  # fmt: skip
        assert len(printer.jobs) == sum(printed.values()), "every label on paper is one of ours"

    with store.session() as db:
        jobs = db.exec(select(PrintJob).where(PrintJob.station == STATION)).all()
    store.close()
    statuses = {LabelContent.from_json(job.content_json).tracking: job.status for job in jobs}
    assert sorted(statuses) == sorted(tracking_of(n) for n in range(1, ORDERS + 1))
    assert maybe <= questions, "replay said which labels may have printed"
    for tracking, status in statuses.items():
        if tracking in questions:
            assert status == "in_doubt" and printed[tracking] <= 1
        else:
            assert status == "delivered", (tracking, status)
            assert printed[tracking] == 1, f"{tracking} printed {printed[tracking]} times"
