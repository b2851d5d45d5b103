"""Fifty demo orders to ship across Europe and the US, the same every time."""

from __future__ import annotations

import random
from dataclasses import dataclass

from station.demo.catalog import DemoProduct
from station.labels import Address

ORDER_COUNT = 50
FIRST_ORDER = 100_001
# Fixed so that the printed demo sheet and the seeded database always agree.
SEED = 20_240_611

# The shipped courier profiles by name, and shop couriers with no profile, which
# the courier rules (resources/couriers/rules.toml) replace at the bench.
COURIERS: tuple[tuple[str, str], ...] = (
    ("HansePost", "Paket"),
    ("HansePost", "Päckchen"),
    ("SwiftParcel", "Classic"),
    ("SwiftParcel", "Predict"),
    ("AeroExpress", "Express"),
    ("AeroExpress", "Economy Select"),
    ("Best available", "Standard"),
    ("Cheapest", "Standard"),
)


@dataclass(frozen=True)
class _Country:
    code: str
    names: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (postcode, city)
    phone: str  # international prefix and area code
    number_first: bool = False  # "12 rue ..." rather than "Hauptstraße 12"


_COUNTRIES = (
    _Country(
        "DE",
        ("Lukas Schmidt", "Jürgen Weiß", "Anna Köhler"),
        ("Hauptstraße", "Lindenallee", "Schillerstraße"),
        (("10115", "Berlin"), ("80331", "München"), ("50667", "Köln")),
        "+49 30 ",
    ),
    _Country(
        "NL",
        ("Jan de Vries", "Sanne Jansen", "Daan van den Berg"),
        ("Keizersgracht", "Dorpsstraat", "Kerkstraat"),
        (("1015 CS", "Amsterdam"), ("3511 AB", "Utrecht"), ("2511 CV", "Den Haag")),
        "+31 6 ",
    ),
    _Country(
        "FR",
        ("Camille Lefèvre", "Hélène Dubois", "François Moreau"),
        ("rue de la République", "avenue Victor Hugo", "boulevard Saint-Germain"),
        (("75006", "Paris"), ("69002", "Lyon"), ("13001", "Marseille")),
        "+33 6 ",
        number_first=True,
    ),
    _Country(
        "PL",
        ("Zoë Müller-Łukasiewicz", "Łukasz Wróbel", "Agnieszka Żółkowska"),
        ("ul. Marszałkowska", "ul. Floriańska", "ul. Piotrkowska"),
        (("00-624", "Warszawa"), ("31-019", "Kraków"), ("90-102", "Łódź")),
        "+48 22 ",
    ),
    _Country(
        "PT",
        ("João Conceição", "Inês Gonçalves"),
        ("Rua São João", "Avenida da Liberdade"),
        (("4000-322", "Porto"), ("1250-096", "Lisboa")),
        "+351 21 ",
    ),
    _Country(
        "ES",
        ("José Martínez", "Lucía Fernández"),
        ("Calle Mayor", "Carrer de Mallorca"),
        (("28013", "Madrid"), ("08008", "Barcelona")),
        "+34 91 ",
    ),
    _Country(
        "SE",
        ("Åsa Lindström", "Björn Söderberg"),
        ("Storgatan", "Drottninggatan"),
        (("111 29", "Stockholm"), ("411 03", "Göteborg")),
        "+46 8 ",
    ),
    _Country(
        "GB",
        ("Oliver Bennett", "Amelia Hughes", "Siobhán O'Connor"),
        ("High Street", "Station Road", "Church Lane"),
        (("SW1A 2AA", "London"), ("M1 1AE", "Manchester"), ("EH1 1YZ", "Edinburgh")),
        "+44 20 7946 ",
        number_first=True,
    ),
    _Country(
        "US",
        ("Emily Johnson", "Michael Brown", "Sofía Ramírez"),
        ("Maple Avenue", "Oak Street", "Mission Street"),
        (("10001", "New York, NY"), ("94103", "San Francisco, CA"), ("60601", "Chicago, IL")),
        "+1 555 01",
        number_first=True,
    ),
)


@dataclass(frozen=True)
class DemoLine:
    sku: str
    qty: int


@dataclass(frozen=True)
class DemoOrder:
    number: str
    courier: str
    service: str
    ship_to: Address
    lines: tuple[DemoLine, ...]

    @property
    def units(self) -> int:
        return sum(line.qty for line in self.lines)


def _ship_to(rng: random.Random) -> Address:
    country = rng.choice(_COUNTRIES)
    street, number = rng.choice(country.streets), str(rng.randint(1, 180))
    postcode, city = rng.choice(country.cities)
    return Address(
        name=rng.choice(country.names),
        street=f"{number} {street}" if country.number_first else f"{street} {number}",
        city=city,
        postcode=postcode,
        country=country.code,
        phone=f"{country.phone}{rng.randint(100, 999)} {rng.randint(1000, 9999)}",
    )


def _lines(rng: random.Random, products: list[DemoProduct], with_case: bool) -> list[DemoLine]:
    picked = rng.sample(products, rng.randint(1, 5))
    lines = [DemoLine(product.sku, rng.randint(1, 4)) for product in picked]
    if with_case:
        # A quantity of whole cases, so the packer can scan the case barcode
        # once instead of the unit barcode N times.
        cased = [p for p in products if p.case_gtin and p.sku not in {ln.sku for ln in lines}]
        product = rng.choice(cased)
        cases = rng.choice((1, 2)) if product.case_units <= 6 else 1
        lines[-1:] = [DemoLine(product.sku, product.case_units * cases)]
    return lines


def demo_orders(products: list[DemoProduct]) -> list[DemoOrder]:
    """Orders of 1-5 lines, 1-4 units a line; every fifth also has whole cases."""
    rng = random.Random(SEED)
    orders = []
    for index in range(ORDER_COUNT):
        courier, service = rng.choice(COURIERS)
        lines = _lines(rng, products, with_case=index % 5 == 2)
        orders.append(
            DemoOrder(
                number=f"SO-{FIRST_ORDER + index}",
                courier=courier,
                service=service,
                ship_to=_ship_to(rng),
                lines=tuple(lines),
            )
        )
    return orders
