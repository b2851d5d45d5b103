"""Which courier, service and label a parcel gets, and what would stop its label.

The plan is made when an order opens, so the packer sees the courier and the
rule that chose it while packing; it is checked again when the parcel is
sealed, inside the transaction that takes the tracking number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from station.couriers.fields import MissingFieldsError, check_required
from station.couriers.profiles import (
    SHIPPED_PROFILES,
    SHIPPED_RULES,
    USER_PROFILES_FOLDER,
    CourierProfile,
    Symbology,
    load_profiles,
)
from station.couriers.ranges import RangeStatus
from station.couriers.rules import (
    CourierRule,
    NoCourierError,
    OrderFields,
    choose_courier,
    find_profile,
    load_rules,
)
from station.labels import LabelContent
from station.models import Order

GENERIC = "generic"


@dataclass(frozen=True)
class CourierBook:
    """The station's courier profiles and choice rules, read once at start."""

    profiles: Mapping[str, CourierProfile]
    rules: tuple[CourierRule, ...]

    @classmethod
    def load(cls, config_dir: Path | None = None) -> CourierBook:
        """Shipped profiles and rules, overridden by those in `config_dir`/couriers.

        Raises:
            ProfileError, RulesError: a file is invalid; the message names it and the key.
        """
        user = config_dir / USER_PROFILES_FOLDER if config_dir else None
        profiles = load_profiles([SHIPPED_PROFILES, *([user] if user else [])])
        user_rules = user / "rules.toml" if user else None
        rules_path = user_rules if user_rules and user_rules.is_file() else SHIPPED_RULES
        return cls(profiles, load_rules(rules_path, profiles))

    @property
    def generic(self) -> CourierProfile:
        return self.profiles[GENERIC]


@dataclass(frozen=True)
class CourierPlan:
    """The courier of an order's parcels; `problem` says why no label can be made now."""

    courier: str
    service: str
    reason: str
    profile: CourierProfile | None
    supplied_tracking: bool = False
    problem: str = ""

    @property
    def summary(self) -> str:
        """E.g. 'HansePost Paket: rule 3 "Domestic parcels": country DE'."""
        return f"{self.courier} {self.service}: {self.reason}".strip()


def plan_courier(book: CourierBook, order: Order, weight_g: int | None) -> CourierPlan:
    """The courier for `order`'s parcels, from the order itself or from the rules."""
    if order.tracking:
        # The marketplace bought the label: its courier is the order's, whatever we know of it.
        profile = find_profile(book.profiles, order.courier) or book.profiles.get(GENERIC)
        known = profile is not None and profile.id != GENERIC
        return CourierPlan(
            courier=profile.name if known and profile else order.courier,
            service=order.service,
            reason="the order brings its own tracking number",
            profile=profile,
            supplied_tracking=True,
        )
    fields = OrderFields.from_order(order, weight_g=weight_g)
    try:
        choice = choose_courier(fields, book.profiles, book.rules)
    except NoCourierError as exc:
        return CourierPlan(order.courier, order.service, "", None, problem=str(exc))
    profile = book.profiles[choice.profile_id]
    service = profile.service(choice.service_id) or profile.services[0]
    return CourierPlan(profile.name, service.name, choice.rule, profile)


def label_problem(
    plan: CourierPlan, draft: LabelContent, numbers: RangeStatus | None, station: str
) -> str:
    """Why this parcel's label cannot be made now ("" when it can): a half label never prints.

    `numbers` is what is left of the station's range for the courier (None when the
    order brings its own tracking number).
    """
    if plan.problem:
        return plan.problem
    profile = plan.profile
    if profile is None:
        return ""
    try:
        check_required(profile, asdict(draft))
    except MissingFieldsError as exc:
        return f"{exc} Until then, flag the order as an exception (or park it)."
    if numbers is not None and numbers.exhausted:
        return (
            f"No {profile.name} tracking numbers are left at station {station}: ask IT to add "
            f"a range (main.py ranges add {profile.id} FIRST LAST), then scan SEAL."
        )
    return ""


def styled(label: LabelContent, plan: CourierPlan) -> LabelContent:
    """`label` in its courier profile's look: size, symbology, barcode content, logo."""
    profile = plan.profile
    if profile is None:
        return label
    tracking = label.tracking
    symbology = profile.symbology
    barcode = profile.barcode_text(tracking)
    if symbology is Symbology.GS1_128 and not (tracking.isdigit() and len(tracking) == 18):
        # A supplied number that is not an SSCC cannot be GS1-128 data.
        symbology, barcode = Symbology.CODE128, tracking
    return replace(
        label,
        size=profile.label_size.value,
        symbology=symbology.value,
        barcode=barcode if barcode != tracking else "",
        logo=str(profile.logo) if profile.logo else None,
    )
