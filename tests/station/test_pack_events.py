"""Following the packing: an order comes onto the bench, its inputs, it leaves."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.pack_events import OrderFollower
from station.settings import Labels, Settings
from tests.helpers.factory import CABLE_EAN, MUG_UPC, TAPE_EAN, Bench, standard_bench


class Heard:
    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    def order_opened(self, order: str, packer: str) -> None:
        self.events.append(("opened", order, packer))

    def scanned(self, text: str, verdict: str) -> None:
        self.events.append(("scanned", text, verdict))

    def parcel_sealed(self) -> None:
        self.events.append(("sealed",))

    def order_closed(self) -> None:
        self.events.append(("closed",))


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    return standard_bench(tmp_path)


def follow(bench: Bench) -> tuple[Heard, object]:
    heard = Heard()
    session = bench.session()
    session.on_step(OrderFollower(heard).after_step)
    return heard, session


def test_an_order_is_followed_from_its_scan_until_it_is_sealed(bench: Bench) -> None:
    heard, session = follow(bench)

    for scan in ("BADGE-P1", "SO-3", TAPE_EAN, "SO-1"):
        session.handle_scan(scan)  # type: ignore[attr-defined]

    assert heard.events == [
        ("opened", "SO-3", "BADGE-P1"),
        ("scanned", "SO-3", "order_opened"),
        ("scanned", TAPE_EAN, "order_complete"),
        ("sealed",),
        ("closed",),
        ("opened", "SO-1", "BADGE-P1"),
        ("scanned", "SO-1", "order_opened"),
    ]


def test_a_parked_order_stops_being_followed(bench: Bench) -> None:
    heard, session = follow(bench)

    for scan in ("BADGE-P1", "SO-1", MUG_UPC):
        session.handle_scan(scan)  # type: ignore[attr-defined]
    session.park()  # type: ignore[attr-defined]
    session.handle_scan(CABLE_EAN)  # type: ignore[attr-defined]

    assert [event[0] for event in heard.events] == [
        "opened",
        "scanned",
        "scanned",
        "scanned",
        "closed",
    ]


def test_with_labels_to_scan_back_the_order_is_followed_until_they_are(tmp_path: Path) -> None:
    bench = standard_bench(
        tmp_path, Settings(station="bench-1", labels=Labels(scan_back="required"))
    )
    heard, session = follow(bench)

    for scan in ("BADGE-P1", "SO-3", TAPE_EAN):
        verdict = session.handle_scan(scan)  # type: ignore[attr-defined]
    session.wait_for_label(verdict)  # type: ignore[attr-defined]
    assert ("closed",) not in heard.events
    session.handle_scan("1Z999AA10123456784")  # type: ignore[attr-defined]

    assert heard.events[-1] == ("closed",)
    assert heard.events[-2][1] == "1Z999AA10123456784"
    assert heard.events.count(("sealed",)) == 1


def test_labels_left_to_scan_back_are_not_followed_past_a_logout(bench: Bench) -> None:
    heard, session = follow(bench)

    for scan in ("BADGE-P1", "SO-3", TAPE_EAN):
        verdict = session.handle_scan(scan)  # type: ignore[attr-defined]
    session.wait_for_label(verdict)  # type: ignore[attr-defined]
    session.logout()  # type: ignore[attr-defined]

    assert heard.events[-1] == ("closed",)
