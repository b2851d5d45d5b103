"""Label content: what a courier label says, whatever language prints it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Address:
    name: str
    street: str
    city: str
    postcode: str
    country: str
    phone: str | None = None


@dataclass(frozen=True)
class LabelContent:
    sender: Address
    ship_to: Address
    order_number: str
    courier: str
    service: str
    tracking: str
    parcel_no: int = 1
    parcel_count: int = 1
    weight_g: int | None = None
    # What the courier's profile asks of the label; the defaults are the generic
    # 4x6 Code 128 label, which is also what jobs stored before profiles read as.
    size: str = "4x6"  # a LabelSize value: 4x6, 100x150, 100x100, 58mm, 80mm
    symbology: str = "code128"  # a Symbology value: code128, gs1-128, qr, datamatrix
    barcode: str = ""  # what the tracking barcode holds when not the tracking number
    sort_code: str | None = None
    logo: str | None = None  # path of the courier's logo image, if its profile has one

    @property
    def barcode_data(self) -> str:
        """The tracking barcode's content, e.g. "(00)340123450000000018" for GS1-128."""
        return self.barcode or self.tracking

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LabelContent:
        data = json.loads(text)
        data["sender"] = Address(**data["sender"])
        data["ship_to"] = Address(**data["ship_to"])
        return cls(**data)


def sample_label() -> LabelContent:
    """What `main.py print-test` prints: every field filled, accents included."""
    sender = Address("PackStation", "1 Logistics Way", "Springfield", "12345", "US")
    ship_to = Address(
        "Zoë Müller (TEST)", "Hauptstraße 5", "Berlin", "10115", "DE", "+49 30 1234567"
    )
    return LabelContent(
        sender=sender,
        ship_to=ship_to,
        order_number="TEST-LABEL",
        courier="TEST",
        service="Printer check",
        tracking="TEST0123456789",
        weight_g=1234,
    )
