"""Packing slip content: what goes in the box with the goods, whatever prints it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from station.labels import Address


@dataclass(frozen=True)
class SlipLine:
    sku: str
    name: str
    ordered: int
    packed: int


@dataclass(frozen=True)
class SlipContent:
    order_number: str
    sender: Address
    ship_to: Address
    lines: tuple[SlipLine, ...]
    packed_at: str  # ISO 8601, UTC
    station: str
    packer: str | None = None
    parcel_count: int = 1
    short: bool = False  # shipped with fewer units than ordered, approved by a supervisor

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SlipContent:
        data = json.loads(text)
        data["sender"] = Address(**data["sender"])
        data["ship_to"] = Address(**data["ship_to"])
        data["lines"] = tuple(SlipLine(**line) for line in data["lines"])
        return cls(**data)


def slip_for(
    order_number: str,
    ship_to: Address,
    sender: Address,
    lines: list[tuple[str, str, int, int]],
    *,
    station: str,
    packer: str | None,
    parcel_count: int,
) -> SlipContent:
    """The slip of a sealed order; `lines` are (sku, name, ordered, packed)."""
    return SlipContent(
        order_number=order_number,
        sender=sender,
        ship_to=ship_to,
        lines=tuple(SlipLine(*line) for line in lines),
        packed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        station=station,
        packer=packer,
        parcel_count=parcel_count,
        short=any(packed < ordered for _, _, ordered, packed in lines),
    )
