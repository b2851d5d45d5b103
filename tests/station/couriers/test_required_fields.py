"""A courier that requires a field blocks its label until the field is there."""

from __future__ import annotations

from dataclasses import asdict, replace

import pytest

from station.couriers.fields import MissingFieldsError, check_required, missing_fields
from station.couriers.profiles import SHIPPED_PROFILES, CourierProfile, load_profiles
from station.labels import Address, LabelContent

LABEL = LabelContent(
    sender=Address("PackStation Demo Warehouse", "1 Logistics Way", "Springfield", "12345", "US"),
    ship_to=Address("Zoë Müller", "Hauptstraße 5", "Berlin", "10115", "DE", "+49 30 1234567"),
    order_number="SO-1001",
    courier="AeroExpress",
    service="Express",
    tracking="340123450000000017",
    weight_g=1250,
)


@pytest.fixture(scope="module")
def express() -> CourierProfile:
    return load_profiles([SHIPPED_PROFILES])["aeroexpress"]  # needs phone and weight


def test_a_complete_label_passes(express: CourierProfile) -> None:
    assert missing_fields(express, asdict(LABEL)) == []
    check_required(express, asdict(LABEL))


@pytest.mark.parametrize("phone", [None, "", "   "])
def test_a_missing_phone_blocks_the_label_and_is_named(
    express: CourierProfile, phone: str | None
) -> None:
    label = replace(LABEL, ship_to=replace(LABEL.ship_to, phone=phone))
    assert missing_fields(express, asdict(label)) == ["ship_to.phone"]
    with pytest.raises(MissingFieldsError) as caught:
        check_required(express, asdict(label))
    assert caught.value.missing == ["ship_to.phone"]
    assert "AeroExpress requires the recipient's phone number (ship_to.phone)" in str(caught.value)


def test_every_missing_field_is_named_in_the_profiles_order(express: CourierProfile) -> None:
    label = replace(LABEL, ship_to=replace(LABEL.ship_to, phone=None), weight_g=None)
    assert missing_fields(express, asdict(label)) == ["ship_to.phone", "weight_g"]
    with pytest.raises(MissingFieldsError) as caught:
        check_required(express, asdict(label))
    assert str(caught.value) == (
        "Label not printed: AeroExpress requires the recipient's phone number (ship_to.phone) "
        "and the parcel weight (weight_g). Add them to the order, then seal again."
    )


def test_flat_dotted_fields_work_too(express: CourierProfile) -> None:
    assert missing_fields(express, {"ship_to.phone": "+49 30 1", "weight_g": 0}) == []
    assert missing_fields(express, {"weight_g": 900}) == ["ship_to.phone"]


def test_a_courier_that_requires_nothing_never_blocks() -> None:
    generic = load_profiles([SHIPPED_PROFILES])["generic"]
    assert missing_fields(generic, {}) == []
