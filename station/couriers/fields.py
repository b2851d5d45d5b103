"""Fields a courier requires on its label, and the message when one is missing.

Field names are paths into `LabelContent` ("ship_to.phone", "weight_g"), taken
from the dataclasses themselves so that a field added to the label is
known here at once and a typo in a profile is caught when it loads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING

from station.errors import UserError
from station.labels import Address, LabelContent

if TYPE_CHECKING:
    from station.couriers.profiles import CourierProfile


def _label_field_names() -> frozenset[str]:
    names: set[str] = set()
    for field in fields(LabelContent):
        if field.name in ("sender", "ship_to"):
            names.update(f"{field.name}.{sub.name}" for sub in fields(Address))
        else:
            names.add(field.name)
    return frozenset(names)


LABEL_FIELDS = _label_field_names()

# Words for the packer; a field not listed here is named by its path.
_WORDS = {
    "weight_g": "parcel weight",
    "ship_to.phone": "recipient's phone number",
    "ship_to.name": "recipient's name",
    "ship_to.street": "recipient's street",
    "ship_to.city": "recipient's city",
    "ship_to.postcode": "recipient's postcode",
    "ship_to.country": "recipient's country",
    "sender.phone": "sender's phone number",
}


class MissingFieldsError(UserError):
    """A courier requires label fields the parcel does not have."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


def missing_fields(profile: CourierProfile, label_fields: Mapping[str, object]) -> list[str]:
    """The profile's required fields that are absent, None or blank, in the profile's order.

    `label_fields` may be nested like ``dataclasses.asdict(label)`` or flat with
    dotted keys ("ship_to.phone"). A zero is a value: only the courier can say
    whether a 0 g parcel is wrong, and the scale reports that, not the label.
    """
    return [name for name in profile.required_fields if _is_blank(_lookup(label_fields, name))]


def check_required(profile: CourierProfile, label_fields: Mapping[str, object]) -> None:
    """Block a label the courier would refuse, naming what is missing.

    Raises:
        MissingFieldsError: with a message for the packer and the missing field names.
    """
    missing = missing_fields(profile, label_fields)
    if missing:
        named = [f"the {_WORDS.get(name, name)} ({name})" for name in missing]
        what = " and ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)
        raise MissingFieldsError(
            f"Label not printed: {profile.name} requires {what}. "
            f"Add {'them' if len(named) > 1 else 'it'} to the order, then seal again.",
            missing,
        )


def _lookup(data: Mapping[str, object], path: str) -> object:
    if path in data:
        return data[path]
    value: object = data
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
