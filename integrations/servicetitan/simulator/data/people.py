"""Names, addresses, phone numbers and e-mail addresses."""

from __future__ import annotations

from dataclasses import dataclass

from integrations.servicetitan.simulator.data.catalog import (
    COMPANY_WORDS,
    FIRST_NAMES,
    LAST_NAMES,
    STREET_NAMES,
    STREET_SUFFIXES,
    TERRITORIES,
    Territory,
)
from integrations.servicetitan.simulator.rng import Rng

_EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "comcast.net", "aol.com")
_TERRITORY_WEIGHTS = tuple(t.weight for t in TERRITORIES)


@dataclass(frozen=True, slots=True)
class Person:
    first: str
    last: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


def person(rng: Rng) -> Person:
    word = rng.next64()
    return Person(FIRST_NAMES[word % len(FIRST_NAMES)], LAST_NAMES[(word >> 16) % len(LAST_NAMES)])


def company_name(rng: Rng) -> str:
    return f"{rng.choice(LAST_NAMES)} {rng.choice(COMPANY_WORDS)} LLC"


def territory(rng: Rng) -> Territory:
    return rng.weighted(TERRITORIES, _TERRITORY_WEIGHTS)


def phone(rng: Rng, area_codes: tuple[str, ...]) -> str:
    """Ten digits, as ServiceTitan stores them (no punctuation); never a 555-01xx number."""
    return f"{rng.choice(area_codes)}{rng.between(201, 989)}{rng.digits(4)}"


def email(rng: Rng, who: Person) -> str:
    local = rng.choice(
        (
            f"{who.first}.{who.last}",
            f"{who.first[0]}{who.last}",
            f"{who.first}{who.last}{rng.between(1, 99)}",
            f"{who.last}.{who.first}",
        )
    )
    cleaned = "".join(ch for ch in local.lower() if ch.isalnum() or ch == ".")
    return f"{cleaned}@{rng.choice(_EMAIL_DOMAINS)}"


def address(rng: Rng, where: Territory) -> dict[str, object]:
    """A ``CustomerAddress``-shaped dict in one of the territory's cities.

    Sliced from two 64-bit draws: addresses are rendered for every customer, location and
    invoice row, so this is on the export hot path."""
    word, spare = rng.next64(), rng.next64()
    city = where.cities[word % len(where.cities)]
    unit = f"Apt {1 + (spare >> 40) % 24}{'ABCD'[(spare >> 50) % 4]}" if spare % 100 < 8 else None
    street = STREET_NAMES[(word >> 8) % len(STREET_NAMES)]
    suffix = STREET_SUFFIXES[(word >> 16) % len(STREET_SUFFIXES)]
    return {
        "street": f"{100 + (word >> 24) % 9800} {street} {suffix}",
        "unit": unit,
        "city": city.name,
        "state": where.state,
        "zip": city.zips[(word >> 40) % len(city.zips)],
        "country": "USA",
        "latitude": round(city.latitude + (((spare >> 8) & 0xFFFF) / 65536.0 - 0.5) * 0.12, 6),
        "longitude": round(city.longitude + (((spare >> 24) & 0xFFFF) / 65536.0 - 0.5) * 0.12, 6),
    }
