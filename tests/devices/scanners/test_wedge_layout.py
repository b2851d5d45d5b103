"""Wedge bursts that cannot be scans because the scanner's keyboard layout is not the computer's."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.scanners.wedge import TerminatorResult, WedgeBurstDetector
from devices.scanners.wedge_layout import (
    LAYOUTS,
    NO_KEY,
    US_KEYS,
    US_SHIFTED,
    UnreadableBurst,
    check_burst,
)
from station.settings import WEDGE_KEYBOARD_LAYOUTS, SettingsError, settings_from_dict

GS = "\x1d"
barcodes = st.text(
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-./"),
    min_size=1,
    max_size=30,
).filter(lambda text: any(char.isalnum() for char in text))


def typed_by_us_scanner(barcode: str, layout: str) -> str:
    """What a scanner set to US English types on a computer using `layout`."""
    keys = LAYOUTS[layout]
    by_us = dict(zip(US_KEYS + US_SHIFTED, keys.keys + keys.shifted, strict=True))
    return "".join(by_us.get(char, char) for char in barcode)


def test_every_layout_the_settings_accept_is_known_here() -> None:
    assert set(LAYOUTS) == set(WEDGE_KEYBOARD_LAYOUTS)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_layout_types_each_character_on_one_key_only(layout: str) -> None:
    typed = [c for c in LAYOUTS[layout].keys + LAYOUTS[layout].shifted if c != NO_KEY]
    assert len(typed) == len(set(typed)), "reading a burst back must have one answer"


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize(
    "barcode",
    [
        "4006381333931",
        "BADGE-P1",
        "SO-1001",
        "]C10100036000291452" + "10LOT-7" + GS + "17270101",
        "(01)00036000291452(17)271231",
        "a b~c",
    ],
)
def test_a_scanner_set_to_the_stations_layout_is_always_a_scan(layout: str, barcode: str) -> None:
    assert check_burst(barcode, layout) is None


@pytest.mark.parametrize(
    ("layout", "barcode"),
    [
        ("de", "SO-1001"),  # "-" is "ß" on QWERTZ
        ("fr", "4006381333931"),  # the digit row without Shift: "'àà^&..."
        ("fr", "3456"),  # '"\'(-': all ASCII, yet no barcode
        ("uk", "BOX#12"),  # "#" is "£"
        ("es", "LOT;7"),  # ";" is "ñ"
        ("it", "PN=4711"),  # "=" is "ì"
    ],
)
def test_a_us_scanner_on_another_layout_is_refused_with_what_it_meant(
    layout: str, barcode: str
) -> None:
    burst = typed_by_us_scanner(barcode, layout)
    assert burst != barcode
    refused = check_burst(burst, layout)
    assert refused == UnreadableBurst(burst, layout, computer_layout=layout, meant=barcode)
    message = refused.message
    assert f'"{burst}"' in message and f'"{barcode}"' in message
    assert f"set the scanner to {LAYOUTS[layout].title}" in message
    assert message.endswith("the scan was NOT counted.")


def test_french_digits_are_the_example_from_the_tracker() -> None:
    refused = check_burst("&é\"'(", "fr")
    assert refused is not None
    assert refused.meant == "12345"
    assert "French (AZERTY)" in refused.message


def test_a_station_set_to_the_wrong_layout_is_told_which_one_fits() -> None:
    # The computer types German, the setting still says US: the burst names both.
    refused = check_burst(typed_by_us_scanner("SO-1001", "de"), "us")
    assert refused is not None
    assert (refused.computer_layout, refused.meant) == ("de", "SO-1001")
    assert 'scanner.wedge_keyboard_layout is "us"' in refused.message
    assert 'the setting to "de"' in refused.message


def test_characters_no_layout_explains_are_named() -> None:
    refused = check_burst("Zoë№5", "de")
    assert refused is not None
    assert (refused.computer_layout, refused.meant) == (None, None)
    assert "(ë№)" in refused.message
    assert "German (QWERTZ)" in refused.message
    assert refused.message.endswith("the scan was NOT counted.")


def test_a_gs_in_a_refused_burst_is_shown_not_hidden() -> None:
    refused = check_burst("01ß" + GS + "10", "de")
    assert refused is not None
    assert '"01ß<GS>10"' in refused.message


def test_an_unknown_layout_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="azerty"):
        check_burst("123", "azerty")


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@given(barcode=barcodes)
def test_any_barcode_a_us_scanner_types_on_a_layout_reads_back(layout: str, barcode: str) -> None:
    typed = typed_by_us_scanner(barcode, layout)
    assert LAYOUTS[layout].read_as_us(typed) == barcode
    if typed == barcode:  # nothing to notice: the layouts agree on these keys
        assert check_burst(typed, layout) is None


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@given(barcode=barcodes)
def test_a_refused_burst_always_says_what_was_meant(layout: str, barcode: str) -> None:
    refused = check_burst(typed_by_us_scanner(barcode, layout), layout)
    if refused is not None:
        assert refused.meant == barcode


# -- the burst detector refuses them ------------------------------------------


def feed_fast(detector: WedgeBurstDetector, text: str) -> float:
    now = 0.0
    for char in text:
        now += 5
        assert detector.key(char, now) == ""
    return now + 5


def test_the_detector_refuses_a_burst_and_types_nothing() -> None:
    detector = WedgeBurstDetector(50, 4, "fr")
    result = detector.terminator(feed_fast(detector, "&é\"'("))
    assert result.scan is None and result.typed == ""
    assert result.refused is not None and result.refused.meant == "12345"


def test_slow_typing_is_never_refused() -> None:
    detector = WedgeBurstDetector(50, 4, "fr")
    released = "".join(detector.key(char, 200.0 * i) for i, char in enumerate("été!", 1))
    assert released + detector.terminator(1000).typed == "été!"


def test_the_detector_counts_a_good_scan_on_any_layout() -> None:
    detector = WedgeBurstDetector(50, 4, "de")
    assert detector.terminator(feed_fast(detector, "SO-1001")) == TerminatorResult(scan="SO-1001")


def test_the_detector_needs_a_known_layout() -> None:
    with pytest.raises(ValueError, match="qwertz"):
        WedgeBurstDetector(50, 4, "qwertz")


# -- the setting ----------------------------------------------------------------


def test_the_layout_is_us_unless_set() -> None:
    assert settings_from_dict({}).wedge_keyboard_layout == "us"
    settings = settings_from_dict({"scanner": {"wedge_keyboard_layout": "fr"}})
    assert settings.wedge_keyboard_layout == "fr"


def test_an_unknown_layout_setting_is_refused_by_name() -> None:
    with pytest.raises(SettingsError) as raised:
        settings_from_dict({"scanner": {"wedge_keyboard_layout": "azerty"}}, source="s.toml")
    message = str(raised.value)
    assert "scanner.wedge_keyboard_layout" in message and "'azerty'" in message
    assert "'fr'" in message
