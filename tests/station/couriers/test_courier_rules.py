"""The courier a parcel goes with: the order's own if known, else the first matching rule."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from station.couriers.profiles import SHIPPED_PROFILES, SHIPPED_RULES, load_profiles
from station.couriers.rules import (
    CourierChoice,
    NoCourierError,
    OrderFields,
    RulesError,
    choose_courier,
    load_rules,
)
from station.models import Order

PROFILES = load_profiles([SHIPPED_PROFILES])
RULES = load_rules(SHIPPED_RULES, PROFILES)


def choose(**fields: object) -> CourierChoice:
    return choose_courier(OrderFields(**fields), PROFILES, RULES)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "courier", "service"),
    [
        ({"country": "DE", "postcode": "10115", "weight_g": 1200}, "citycourier", "same-day"),
        ({"country": "DE", "postcode": "10115", "weight_g": 5000}, "citycourier", "same-day"),
        ({"country": "DE", "postcode": "10115", "weight_g": 5001}, "hansepost", "paket"),
        ({"country": "DE", "postcode": "80331", "weight_g": 1200}, "hansepost", "paket"),
        ({"country": "de", "postcode": " 50667 ", "weight_g": 31500}, "hansepost", "paket"),
        ({"country": "DE", "postcode": "50667", "weight_g": 31501}, "generic", "standard"),
        ({"country": "NL", "postcode": "1015 CS", "weight_g": 800}, "swiftparcel", "classic"),
        ({"country": "GB", "postcode": "SW1A 2AA", "weight_g": 800}, "aeroexpress", "economy"),
        ({"country": "JP", "postcode": "100-0001", "weight_g": 800}, "generic", "standard"),
    ],
)
def test_rules_choose_by_country_postcode_and_weight(
    fields: dict[str, object], courier: str, service: str
) -> None:
    choice = choose(**fields)
    assert (choice.profile_id, choice.service_id) == (courier, service)


def test_a_high_declared_value_goes_express_wherever_it_goes() -> None:
    for value, courier in [
        ("499.99", "hansepost"),
        ("500", "aeroexpress"),
        ("2500", "aeroexpress"),
    ]:
        choice = choose(country="DE", postcode="80331", weight_g=900, declared_value=Decimal(value))
        assert choice.profile_id == courier, value


def test_an_unknown_weight_does_not_satisfy_a_weight_rule() -> None:
    # Berlin same day is for up to 5 kg: without a weight nothing shows the parcel fits.
    choice = choose(country="DE", postcode="10115")
    assert choice.profile_id == "generic"


def test_the_choice_says_which_rule_made_it() -> None:
    assert choose(country="DE", postcode="80331", weight_g=1200).rule == (
        'Rule 3 "Domestic parcels": country DE, weight up to 31.5 kg.'
    )
    assert choose(country="DE", postcode="80331", weight_g=1, declared_value=Decimal(750)).rule == (
        'Rule 2 "High value goes express": declared value from 500.'
    )
    assert choose(country="JP", weight_g=100).rule == 'Rule 6 "Everything else": any order.'


@pytest.mark.parametrize("courier", ["aeroexpress", "AeroExpress", "  AEROEXPRESS "])
@pytest.mark.parametrize("service", ["express-noon", "Express by 12:00", "EXPRESS BY 12:00"])
def test_the_orders_courier_and_service_win_by_id_or_name(courier: str, service: str) -> None:
    # A Berlin parcel the rules would give the bike courier.
    choice = choose(country="DE", postcode="10115", weight_g=900, courier=courier, service=service)
    assert choice == CourierChoice(
        "aeroexpress", "express-noon", "The order asks for AeroExpress Express by 12:00."
    )


def test_a_known_courier_with_an_unknown_service_gets_the_service_its_rule_names() -> None:
    choice = choose(
        country="DE", postcode="80331", weight_g=900, courier="HansePost", service="Overnight"
    )
    assert (choice.profile_id, choice.service_id) == ("hansepost", "paket")
    assert choice.rule == (
        'The order asks for HansePost with the service "Overnight", which HansePost does not '
        'offer; Paket by rule 3 "Domestic parcels": country DE, weight up to 31.5 kg.'
    )


def test_a_known_courier_no_rule_covers_gets_its_first_service() -> None:
    choice = choose(country="GB", postcode="EH1 1YZ", weight_g=900, courier="swiftparcel")
    assert (choice.profile_id, choice.service_id) == ("swiftparcel", "classic")
    assert choice.rule == (
        "The order asks for SwiftParcel without a service; Classic is its first service."
    )


def test_an_unknown_courier_falls_to_the_rules_and_says_so() -> None:
    choice = choose(
        country="NL", postcode="3511 AB", weight_g=900, courier="DHL Express", service="Express"
    )
    assert (choice.profile_id, choice.service_id) == ("swiftparcel", "classic")
    assert choice.rule == (
        'The order\'s courier "DHL Express" has no profile; rule 4 "EU parcels": country AT, BE, '
        "DK, ES, FI, FR, IE, IT, LU, NL, PL, PT, SE, weight up to 31.5 kg."
    )


def test_an_order_row_gives_the_fields() -> None:
    order = Order(
        number="SO-1",
        courier="HansePost",
        service="Päckchen",
        ship_to_name="Lukas Schmidt",
        ship_to_street="Hauptstraße 5",
        ship_to_city="München",
        ship_to_postcode="80331",
        ship_to_country="DE",
    )
    choice = choose_courier(OrderFields.from_order(order, weight_g=700), PROFILES, RULES)
    assert (choice.profile_id, choice.service_id) == ("hansepost", "paeckchen")


def test_no_matching_rule_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[[rules]]\ncourier = "hansepost"\nservice = "paket"\ncountries = ["DE"]\n')
    rules = load_rules(path, PROFILES)
    with pytest.raises(NoCourierError) as caught:
        choose_courier(OrderFields("FR", "75006", 1500), PROFILES, rules)
    assert str(caught.value) == (
        "No courier rule matches this order (country FR, postcode 75006, weight 1.5 kg): "
        "add a rule for it, or name a known courier on the order."
    )


GOOD_RULE = '[[rules]]\nname = "DE"\ncourier = "hansepost"\nservice = "paket"\n'


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (GOOD_RULE.replace('"hansepost"', '"royalmail"'), "key rules[1].courier names 'royalmail'"),
        (GOOD_RULE.replace('"paket"', '"express"'), "key rules[1].service names 'express'"),
        (GOOD_RULE + 'countries = ["Germany"]\n', "key rules[1].countries"),
        (GOOD_RULE + "max_weight_g = -1\n", "key rules[1].max_weight_g"),
        (GOOD_RULE + "max_weight_g = 1.5\n", "key rules[1].max_weight_g"),
        (GOOD_RULE + "min_value = 10\nmax_value = 5\n", "key rules[1].min_value (10)"),
        (GOOD_RULE + 'min_value = "lots"\n', "key rules[1].min_value"),
        (GOOD_RULE + 'postcode_prefixes = ["1*"]\n', "key rules[1].postcode_prefixes"),
        (GOOD_RULE + 'country = "DE"\n', "key rules[1].country is not known"),
        (GOOD_RULE + GOOD_RULE, "rule 2 can never be chosen, because rule 1"),
        ("rules = 3\n", "key rules must be one or more [[rules]] tables"),
        ("[[rules]\n", "cannot be read"),
    ],
)
def test_a_bad_rules_file_names_its_file_and_key(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=re.escape(named)) as caught:
        load_rules(path, PROFILES)
    assert str(path) in str(caught.value)


def test_the_shipped_rules_end_with_a_catch_all() -> None:
    assert RULES[-1].takes_all and not any(rule.takes_all for rule in RULES[:-1])
