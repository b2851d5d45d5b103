"""The verdict banner: every verdict has words, an icon and a colour."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from station.verdicts import Awaiting, StationView, Tone, Verdict, VerdictKind
from ui import style
from ui.banner import HEADLINES, ICONS, VerdictBanner, detail_of, headline_of, role_of
from ui.style import Role


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
    assert banner.headline() == HEADLINES[kind]
    assert banner.detail() == "Some words."
    assert banner.role is role_of(verdict, view())
    assert style.ROLE_COLOURS[banner.role][0] in banner.styleSheet()
    if banner.role is not Role.WARNING:
        assert banner.tone is verdict.tone
        assert banner.icon() == ICONS[verdict.tone]


# What each colour means: green good, red stop, blue information, amber only for warnings.
ROLES = {
    VerdictKind.OK: Role.GOOD,
    VerdictKind.LINE_COMPLETE: Role.GOOD,
    VerdictKind.LABEL_VERIFIED: Role.GOOD,
    VerdictKind.ORDER_COMPLETE: Role.DONE,
    VerdictKind.WEIGHT_OK: Role.DONE,
    VerdictKind.WRONG_ITEM: Role.STOP,
    VerdictKind.OVER_SCAN: Role.STOP,
    VerdictKind.UNKNOWN_BARCODE: Role.STOP,
    VerdictKind.LABEL_BLOCKED: Role.STOP,
    VerdictKind.WRONG_LABEL: Role.STOP,
    VerdictKind.LOGIN: Role.INFO,
    VerdictKind.ORDER_OPENED: Role.INFO,
    VerdictKind.ACKNOWLEDGED: Role.INFO,
    VerdictKind.WEIGH_PARCEL: Role.INFO,
    VerdictKind.ORDER_PARKED: Role.INFO,
    VerdictKind.WEIGHT_MISMATCH: Role.WARNING,  # with on_mismatch = "warn": the label prints
}
GREEN, RED, BLUE, AMBER = "#1b7f37", "#c62828", "#1257a6", "#f2a900"


@pytest.mark.parametrize(("kind", "role"), ROLES.items())
def test_colour_says_good_stop_information_or_warning(
    banner: VerdictBanner, kind: VerdictKind, role: Role
) -> None:
    banner.show_verdict(Verdict(kind, "X", "Words."), view())
    assert banner.role is role
    background = style.ROLE_COLOURS[role][0]
    assert background in banner.styleSheet()
    if role is Role.INFO:
        assert background == BLUE
    elif role is Role.WARNING:
        assert background == AMBER
    elif role is Role.STOP:
        assert background == RED
    elif role is Role.GOOD:
        assert background == GREEN


def test_amber_is_only_for_warnings() -> None:
    amber = style.ROLE_COLOURS[Role.WARNING][0]
    others = [c[0] for role, c in style.ROLE_COLOURS.items() if role is not Role.WARNING]
    assert amber not in others
    assert amber != style.ACTIVE_ROW_COLOUR


def test_a_wrong_weight_that_holds_the_label_is_a_stop(banner: VerdictBanner) -> None:
    verdict = Verdict(VerdictKind.WEIGHT_MISMATCH, "1234 g", "Too light by 320 g.")
    banner.show_verdict(verdict, view(Awaiting.WEIGHT))
    assert banner.role is Role.STOP and banner.needs_action
    assert banner.action() == "Check the box and weigh it again, or a supervisor scans their badge"


def test_a_scan_while_an_error_waits_keeps_the_error_on_screen(banner: VerdictBanner) -> None:
    wrong = Verdict(VerdictKind.WRONG_ITEM, "X", "Packing Tape is not in this order: take it out.")
    banner.show_verdict(wrong, view(Awaiting.ACKNOWLEDGEMENT))
    refused = Verdict(VerdictKind.NEEDS_ACKNOWLEDGEMENT, "Y", "Not counted. Acknowledge first.")
    banner.show_verdict(refused, view(Awaiting.ACKNOWLEDGEMENT))
    assert banner.headline() == "WRONG ITEM"
    assert banner.detail() == "Packing Tape is not in this order: take it out."
    assert banner.action() == "Not counted. Acknowledge first (Esc / scan CMD-ACK)"
    assert banner.role is Role.STOP and banner.tone is Tone.ERROR


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
    assert banner.action() == "Press Esc or scan ACKNOWLEDGE (CMD-ACK)"


def test_errors_and_idle_prompts(banner: VerdictBanner) -> None:
    banner.show_error("The printer is out of paper.")
    assert banner.tone is Tone.ERROR and "out of paper" in banner.text()
    banner.show_idle("Scan your badge", "")
    assert banner.tone is None and banner.headline() == "Scan your badge"


def test_what_to_do_is_said_once(banner: VerdictBanner) -> None:
    verdict = Verdict(
        VerdictKind.ORDER_COMPLETE, "x", "Order SO-1 complete. Put the parcel on the scale."
    )
    banner.show_verdict(verdict, view(Awaiting.WEIGHT))
    assert banner.detail() == "Order SO-1 complete."
    assert banner.action() == "Put the parcel on the scale"
    assert banner.needs_action
