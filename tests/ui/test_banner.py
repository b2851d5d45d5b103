"""The verdict banner: every verdict has words, an icon and a colour."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from station.verdicts import Awaiting, StationView, Tone, Verdict, VerdictKind
from ui import style
from ui.banner import HEADLINES, ICONS, VerdictBanner, detail_of, headline_of


def view(awaiting: Awaiting = Awaiting.NOTHING) -> StationView:
    return StationView("bench-1", "Ana", "packer", None, awaiting)


@pytest.fixture
def banner(qtbot: QtBot) -> VerdictBanner:
    banner = VerdictBanner()
    qtbot.addWidget(banner)
    return banner


def test_every_verdict_kind_has_a_headline() -> None:
    assert set(HEADLINES) == set(VerdictKind)


@pytest.mark.parametrize("kind", list(VerdictKind))
def test_each_verdict_shows_icon_words_and_its_tone_colour(
    banner: VerdictBanner, kind: VerdictKind
) -> None:
    verdict = Verdict(kind, "X", "Some words.")
    banner.show_verdict(verdict, view())
    assert banner.tone is verdict.tone
    assert banner.icon() == ICONS[verdict.tone]
    assert banner.headline() == HEADLINES[kind]
    assert banner.detail() == "Some words."
    assert style.TONE_COLOURS[verdict.tone][0] in banner.styleSheet()


def test_ok_reads_like_the_spec(banner: VerdictBanner) -> None:
    banner.show_verdict(Verdict(VerdictKind.OK, "x", "Mug 350 ml 2/3"), view())
    assert banner.text() == "✔ OK — Mug 350 ml 2/3"


def test_the_headline_is_not_repeated_from_the_message() -> None:
    verdict = Verdict(VerdictKind.WRONG_ITEM, "x", "WRONG ITEM: Mug is not in this order.")
    assert detail_of(verdict, headline_of(verdict)) == "Mug is not in this order."


def test_complete_with_a_label_says_it_printed(banner: VerdictBanner) -> None:
    verdict = Verdict(VerdictKind.ORDER_COMPLETE, "x", "Order SO-1 complete.", label="/l.pdf")
    banner.show_verdict(verdict, view())
    assert banner.text().startswith("★ ORDER COMPLETE — label printed")
    assert banner.tone is Tone.COMPLETE


def test_it_stays_red_while_an_acknowledgement_is_awaited(banner: VerdictBanner) -> None:
    # Even an info answer (e.g. a login) keeps the screen red until acknowledged.
    banner.show_verdict(Verdict(VerdictKind.LOGIN, "x", "Welcome"), view(Awaiting.ACKNOWLEDGEMENT))
    assert banner.tone is Tone.ERROR
    assert banner.icon() == ICONS[Tone.ERROR]
    assert banner.action() == "Scan ACKNOWLEDGE or press Esc"


def test_errors_and_idle_prompts(banner: VerdictBanner) -> None:
    banner.show_error("The printer is out of paper.")
    assert banner.tone is Tone.ERROR and "out of paper" in banner.text()
    banner.show_idle("Scan your badge", "")
    assert banner.tone is None and banner.headline() == "Scan your badge"
