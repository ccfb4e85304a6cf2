"""Identifier layout: every resource owns an id range; GUID ids encode their index."""

from __future__ import annotations

from typing import Final

from integrations.servicetitan.simulator.rng import mix, salt

#: First id of each resource (the record at index ``i`` has id ``base + i + 1``). Ranges are
#: 10 million wide, far above the largest scale, so created records continue the same range.
ID_BASES: Final[dict[str, int]] = {
    "business-units": 1_000,
    "tag-types": 2_000,
    "job-types": 3_000,
    "campaigns": 4_000,
    "campaign-categories": 4_500,
    "job-cancel-reasons": 5_000,
    "arrival-windows": 5_100,
    "user-roles": 5_200,
    "project-statuses": 5_300,
    "technicians": 6_000,
    "employees": 7_000,
    "forms": 8_000,
    "booking-provider-tags": 8_100,
    "equipment-types": 8_200,
    "payment-types": 8_300,
    "categories": 9_000,
    "services": 10_000,
    "equipment": 11_000,
    "materials": 12_000,
    "discounts-and-fees": 13_000,
    "customers": 31_000_000,
    "locations": 32_000_000,
    "customer-contacts": 33_000_000,
    "location-contacts": 34_000_000,
    "leads": 35_000_000,
    "bookings": 36_000_000,
    "booking-contacts": 37_000_000,
    "notes": 38_000_000,
    "jobs": 41_000_000,
    "appointments": 42_000_000,
    "appointment-assignments": 43_000_000,
    "projects": 44_000_000,
    "job-canceled-logs": 45_000_000,
    "job-notes": 46_000_000,
    "project-notes": 47_000_000,
    "inventory-bills": 48_000_000,
    #: One record per job; its entries are numbered up to 8 per job (80 million wide).
    "job-history": 100_000_000,
    "invoices": 51_000_000,
    "invoice-items": 52_000_000,
    "payments": 53_000_000,
    "estimates": 61_000_000,
    "estimate-items": 62_000_000,
    "installed-equipment": 71_000_000,
    "form-submissions": 72_000_000,
    "job-attachments": 73_000_000,
    "service-agreements": 74_000_000,
}

#: Resources whose ids are GUID strings (the new CRM contacts model).
GUID_RESOURCES: Final = frozenset({"contacts", "contact-methods"})


def guid_prefix(seed: int, resource: str) -> str:
    """The first 20 hex digits shared by every GUID of one resource in one tenant."""
    h = f"{mix(seed, salt(resource)):016x}{mix(seed, salt(resource), 1):016x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-"


def guid(prefix: str, index: int) -> str:
    """A version-4-shaped GUID whose last group is the record index (so ``index_of`` is O(1))."""
    return f"{prefix}{index:012x}"


def guid_index(prefix: str, value: str) -> int | None:
    text = value.lower()
    if len(text) != 36 or not text.startswith(prefix):
        return None
    try:
        return int(text[24:], 16)
    except ValueError:
        return None
