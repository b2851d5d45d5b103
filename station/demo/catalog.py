"""The demo catalog: everyday products with real-looking, valid GS1 barcodes."""

from __future__ import annotations

from dataclasses import dataclass

from station.barcodes import gtin_check_digit

# Company prefixes from GS1's own documentation examples (Germany, US), so the
# numbers look and check like real ones without being anybody's products.
EAN_PREFIX = "4012345"  # 7-digit prefix -> 5-digit item reference
UPC_PREFIX = "614141"  # 6-digit UPC prefix -> 5-digit item reference

Rgb = tuple[int, int, int]


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    name: str
    weight_g: int
    shape: str  # which picture pictures.py draws
    colour: Rgb
    unit_barcode: str  # EAN-13 (13 digits) or UPC-A (12 digits)
    case_gtin: str | None = None  # GTIN-14, indicator digit 1
    case_units: int = 1

    @property
    def barcode_field(self) -> str:
        """The import format: `unit|case*N`."""
        if self.case_gtin is None:
            return self.unit_barcode
        return f"{self.unit_barcode}|{self.case_gtin}*{self.case_units}"

    @property
    def initials(self) -> str:
        return "".join(word[0] for word in self.name.split()[:2] if word[0].isalnum()).upper()


def with_check_digit(body: str) -> str:
    return body + str(gtin_check_digit(body))


def case_gtin_for(unit: str) -> str:
    """GTIN-14 of a case: indicator 1, the unit's GTIN-13 body, a new check digit."""
    return with_check_digit("1" + unit.zfill(13)[:12])


# sku, name, grams, picture, colour, units per case (0 = sold by the unit only)
_ITEMS: tuple[tuple[str, str, int, str, Rgb, int], ...] = (
    ("MUG-350-WHT", "Ceramic Coffee Mug 350 ml", 320, "mug", (192, 80, 64), 6),
    ("CBL-USBC-1M", "USB-C Cable 1 m", 45, "cable", (40, 40, 48), 12),
    ("CBL-USBC-2M", "USB-C Cable 2 m", 70, "cable", (70, 70, 90), 0),
    ("CBL-HDMI-2M", "HDMI Cable 2 m", 110, "cable", (30, 60, 110), 0),
    ("BTL-STL-750", "Stainless Steel Water Bottle 750 ml", 380, "bottle", (40, 140, 150), 4),
    ("BTL-GLS-500", "Glass Water Bottle 500 ml", 420, "bottle", (90, 170, 120), 0),
    ("NTB-A5-DOT", "Dotted Notebook A5", 260, "book", (220, 160, 40), 0),
    ("NTB-A4-LIN", "Lined Notebook A4", 410, "book", (60, 90, 160), 0),
    ("PEN-GEL-BLK3", "Gel Pen Black 3-pack", 36, "pen", (30, 30, 30), 12),
    ("PEN-HLT-4", "Highlighter Set 4 colours", 60, "pen", (230, 200, 20), 0),
    ("TPE-PKG-48", "Packing Tape 48 mm x 66 m", 290, "roll", (170, 120, 60), 6),
    ("TPE-MSK-25", "Masking Tape 25 mm x 50 m", 90, "roll", (200, 180, 130), 0),
    ("BAT-AA-4", "AA Alkaline Batteries 4-pack", 96, "battery", (200, 120, 20), 0),
    ("BAT-AAA-4", "AAA Alkaline Batteries 4-pack", 48, "battery", (150, 90, 30), 0),
    ("CHG-USBC-20W", "USB-C Wall Charger 20 W", 60, "plug", (110, 110, 120), 0),
    ("PWB-10K", "Power Bank 10000 mAh", 210, "battery", (50, 100, 80), 0),
    ("MSE-WL-GRY", "Wireless Mouse Grey", 85, "mouse", (120, 125, 135), 0),
    ("HPH-BT-BLK", "Bluetooth Headphones Black", 250, "headphones", (35, 35, 40), 0),
    ("PHN-CASE-CLR", "Clear Phone Case 6.1 in", 30, "phone", (100, 150, 200), 0),
    ("CND-SOY-200", "Soy Candle Vanilla 200 g", 310, "jar", (210, 170, 120), 0),
    ("TEA-GRN-20", "Green Tea 20 Bags", 45, "box", (80, 150, 60), 12),
    ("COF-BNS-500", "Coffee Beans Medium Roast 500 g", 520, "bag", (110, 70, 40), 0),
    ("SOAP-OLV-100", "Olive Oil Soap Bar 100 g", 110, "box", (140, 160, 70), 0),
    ("TWL-HND-GRY", "Cotton Hand Towel Grey", 180, "towel", (150, 150, 155), 0),
    ("SCK-WOOL-M", "Merino Wool Socks Size M", 80, "sock", (130, 60, 90), 0),
    ("TSH-ORG-M", "Organic Cotton T-Shirt M", 160, "shirt", (60, 120, 190), 0),
    ("CAP-BSB-NVY", "Baseball Cap Navy", 95, "cap", (30, 45, 90), 0),
    ("LMP-DSK-LED", "LED Desk Lamp", 900, "lamp", (230, 150, 50), 0),
    ("POT-CER-12", "Ceramic Plant Pot 12 cm", 540, "pot", (190, 100, 70), 0),
    ("SCI-STL-21", "Stainless Steel Scissors 21 cm", 75, "scissors", (90, 100, 110), 0),
    ("BOX-SHP-S", "Shipping Box Small 20x15x10 cm", 120, "box", (180, 140, 90), 0),
    ("GLV-NIT-M", "Nitrile Gloves M 100 pcs", 600, "box", (70, 110, 200), 0),
    ("BAG-TOTE-NAT", "Cotton Tote Bag Natural", 120, "bag", (200, 185, 150), 0),
    ("BRS-TTH-BMB", "Bamboo Toothbrush", 20, "pen", (120, 160, 90), 0),
)


def _unit_barcode(index: int) -> str:
    # Every third product carries a US UPC-A, the rest EAN-13, as in a mixed
    # import catalog; item references are spread out so neighbours differ.
    item_ref = f"{10_000 + index * 37:05d}"
    if index % 3 == 2:
        return with_check_digit(UPC_PREFIX + item_ref)
    return with_check_digit(EAN_PREFIX + item_ref)


def demo_products() -> list[DemoProduct]:
    products = []
    for index, (sku, name, grams, shape, colour, case_units) in enumerate(_ITEMS):
        unit = _unit_barcode(index)
        products.append(
            DemoProduct(
                sku=sku,
                name=name,
                weight_g=grams,
                shape=shape,
                colour=colour,
                unit_barcode=unit,
                case_gtin=case_gtin_for(unit) if case_units else None,
                case_units=case_units or 1,
            )
        )
    return products
