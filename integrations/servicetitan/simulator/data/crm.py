"""CRM records: customers, locations, legacy and GUID contacts, leads and bookings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from integrations.servicetitan.simulator.data import catalog
from integrations.servicetitan.simulator.data.collections import CREATED, MODIFIED, Record
from integrations.servicetitan.simulator.data.ids import ID_BASES, guid
from integrations.servicetitan.simulator.data.people import (
    Person,
    address,
    company_name,
    email,
    person,
    phone,
)
from integrations.servicetitan.simulator.rng import salt, unit
from integrations.servicetitan.simulator.times import US_PER_DAY, US_PER_HOUR, iso

if TYPE_CHECKING:
    from integrations.servicetitan.simulator.data.tenant import Tenant

PREFERENCES: dict[str, bool] = {
    "jobRemindersEnabled": True,
    "marketingUpdatesEnabled": False,
    "invoiceStatementNotification": True,
    "invoiceNotification": True,
    "statementNotification": False,
}


def stamp(record: Record, created: int, modified: int) -> Record:
    record["createdOn"] = iso(created)
    record["modifiedOn"] = iso(modified)
    record[CREATED] = created
    record[MODIFIED] = modified
    return record


def customer_person(t: Tenant, customer: int) -> Person:
    return person(t.rng("customer-person", customer))


def is_commercial(t: Tenant, customer: int) -> bool:
    return t.rng("customer-commercial", customer).random() < 0.08


def customer_name(t: Tenant, customer: int) -> str:
    if is_commercial(t, customer):
        return company_name(t.rng("customer-company", customer))
    return customer_person(t, customer).full


def location_address(t: Tenant, location: int) -> dict[str, Any]:
    return address(t.rng("location-address", location), t.territory_of_location(location))


def contact_types(t: Tenant, customer: int) -> list[str]:
    """Legacy contact types of a customer, in index order (mirrors the layout in Tenant)."""
    types = ["MobilePhone" if unit(t.seed, salt("contact-kind"), customer) < 0.4 else "Phone"]
    if unit(t.seed, salt("contact-count"), customer) < 0.85:
        types.append("Email")
    if unit(t.seed, salt("contact-mobile"), customer) < 0.35:
        types.append("MobilePhone" if types[0] == "Phone" else "Phone")
    return types


def contact_value(t: Tenant, customer: int, k: int, kind: str) -> str:
    rng = t.rng("contact-value", customer * 8 + k)
    who = customer_person(t, customer)
    if kind == "Email":
        return email(rng, who)
    first_location = t.customer_locations.range_of(customer).start
    return phone(rng, t.territory_of_location(first_location).area_codes)


def customer(t: Tenant, index: int) -> Record:
    rng = t.rng("customers", index)
    modified = t.modified("customers", index)
    created = modified - (rng.between(1, 120) * US_PER_DAY if rng.chance(0.3) else 0)
    first_location = t.customer_locations.range_of(index).start
    where = t.territory_of_location(first_location)
    tags = []
    if rng.chance(0.2):
        tags.append(t.tag_ids["Member"])
    if rng.chance(0.03):
        tags.append(t.tag_ids["VIP"])
    if rng.chance(0.02):
        tags.append(t.tag_ids["Do Not Call"])
    record: Record = {
        "id": t.id_of("customers", index),
        "active": rng.chance(0.97),
        "name": customer_name(t, index),
        "type": "Commercial" if is_commercial(t, index) else "Residential",
        "address": location_address(t, first_location),
        "customFields": [],
        "balance": 0.0 if rng.chance(0.9) else float(rng.between(50, 2500)),
        "taxExempt": False,
        "tagTypeIds": tags,
        "doNotMail": rng.chance(0.05),
        "doNotService": False,
        "nationalAccount": False,
        "createdById": t.employee_id(rng),
        "mergedToId": None,
        "paymentTermId": None,
        "creditLimit": None,
        "creditLimitBalance": None,
        "externalData": [],
        "_territory": where.key,
    }
    blemish = t.imperfect("customers", index)
    if blemish is not None:
        if blemish.chance(0.5):
            record["address"] = {**record["address"], "zip": None}
        else:
            record["type"] = 0  # enum as integer
    return stamp(record, created, modified)


#: Share of locations whose utility account number is recorded in ServiceTitan.
UTILITY_ACCOUNT_SHARE: Final = 0.7


def utility_account_number(t: Tenant, index: int) -> str | None:
    """The location's utility account number (an ESI ID-like 17 digits), when recorded."""
    if unit(t.seed, salt("utility-account"), index) >= UTILITY_ACCOUNT_SHARE:
        return None
    digits = int(unit(t.seed, salt("utility-account-number"), index) * 10**9)
    return f"10443720{digits:09d}"


def location_custom_fields(t: Tenant, index: int) -> list[dict[str, Any]]:
    number = utility_account_number(t, index)
    if number is None:
        return []
    return [{"typeId": 7401, "name": "Utility Account Number", "value": number}]


def location(t: Tenant, index: int) -> Record:
    customer_index, nth = t.customer_of_location(index)
    rng = t.rng("locations", index)
    modified = t.modified("locations", index)
    where = t.territory_of_location(index)
    tags = [t.tag_ids[where.tag]] if rng.chance(0.5) else []
    record: Record = {
        "id": t.id_of("locations", index),
        "customerId": t.id_of("customers", customer_index),
        "active": rng.chance(0.98),
        "name": "Primary Residence"
        if nth == 0
        else rng.choice(("Rental Property", "Lake House", "Office")),
        "address": location_address(t, index),
        "customFields": location_custom_fields(t, index),
        "createdById": t.employee_id(rng),
        "mergedToId": None,
        "zoneId": None,
        "taxExempt": False,
        "tagTypeIds": tags,
        "externalData": [],
        "taxZoneId": None,
        "_territory": where.key,
    }
    blemish = t.imperfect("locations", index)
    if blemish is not None:
        record["address"] = {**record["address"], "zip": None}
    return stamp(record, modified - rng.below(30) * US_PER_DAY, modified)


def customer_contact(t: Tenant, index: int) -> Record:
    customer_index, k = t.customer_contacts.parent_of(index)
    rng = t.rng("customer-contacts", index)
    kind = contact_types(t, customer_index)[k]
    value = contact_value(t, customer_index, k, kind)
    modified = t.modified("customer-contacts", index)
    record: Record = {
        "id": t.id_of("customer-contacts", index),
        "type": kind,
        "value": value,
        "memo": rng.choice((None, None, "Primary", "Spouse", "Work")),
        "phoneSettings": {
            "phoneNumber": "" if kind == "Email" else value,
            "doNotText": rng.chance(0.1),
        },
        "preferences": dict(PREFERENCES) if rng.chance(0.6) else None,
        "customerId": t.id_of("customers", customer_index),
        "active": True,
    }
    blemish = t.imperfect("customer-contacts", index)
    if blemish is not None:
        if kind == "Email" and blemish.chance(0.7):
            record["value"] = blemish.choice(("", "none", "noemail@"))  # missing / junk e-mail
        else:
            record["phoneSettings"] = None  # declared non-null
    return stamp(record, modified, modified)


def location_contact(t: Tenant, index: int) -> Record:
    location_index, k = t.location_contacts.parent_of(index)
    customer_index, nth = t.customer_of_location(location_index)
    rng = t.rng("location-contacts", index)
    kind = "Phone" if k == 0 else "Email"
    if kind == "Email":
        value = email(rng, customer_person(t, customer_index))
    else:
        value = phone(rng, t.territory_of_location(location_index).area_codes)
    modified = t.modified("location-contacts", index)
    record: Record = {
        "id": t.id_of("location-contacts", index),
        "type": kind,
        "value": value,
        "memo": None if rng.chance(0.7) else "Tenant",
        "phoneSettings": {"phoneNumber": "" if kind == "Email" else value, "doNotText": False},
        "preferences": None,
        "locationId": t.id_of("locations", location_index),
        "active": True,
    }
    return stamp(record, modified, modified)


def contact(t: Tenant, index: int) -> Record:
    """New CRM contact model: one person per customer, related to that customer."""
    rng = t.rng("contacts", index)
    modified = t.modified("contacts", index)
    author = t.employee_id(rng)
    record: Record = {
        "id": guid(t.contact_prefix, index),
        "referenceId": None,
        "name": customer_person(t, index).full,
        "title": "Homeowner" if not is_commercial(t, index) else "Facilities Manager",
        "isArchived": False,
        "createdBy": author,
        "modifiedBy": author,
        "_relationships": [
            {"relatedEntityId": t.id_of("customers", index), "typeSlug": "customer"}
        ],
    }
    return stamp(record, modified, modified)


def contact_method(t: Tenant, index: int) -> Record:
    customer_index, k = t.customer_contacts.parent_of(index)
    kind = contact_types(t, customer_index)[k]
    rng = t.rng("contact-methods", index)
    modified = t.modified("contact-methods", index)
    author = t.employee_id(rng)
    record: Record = {
        "id": guid(t.contact_method_prefix, index),
        "contactId": guid(t.contact_prefix, customer_index),
        "referenceId": str(t.id_of("customer-contacts", index)),
        "type": kind,
        "value": contact_value(t, customer_index, k, kind),
        "memo": None,
        "createdBy": author,
        "modifiedBy": author,
    }
    return stamp(record, modified, modified)


def lead(t: Tenant, index: int) -> Record:
    rng = t.rng("leads", index)
    modified = t.modified("leads", index)
    created = modified - rng.between(0, 20) * US_PER_DAY
    known = max(t.customers.first_at_or_after(created), 1)
    has_customer = rng.chance(0.6)
    customer_index = rng.below(known) if has_customer else None
    status = rng.weighted(("Open", "Dismissed", "Converted"), (0.35, 0.25, 0.4))
    job_type = rng.below(len(catalog.JOB_TYPES))
    who = person(rng)
    where = catalog.TERRITORIES[rng.below(len(catalog.TERRITORIES))]
    street = address(rng, where)
    record: Record = {
        "id": t.id_of("leads", index),
        "status": status,
        "priority": rng.weighted(("Low", "Normal", "High", "Urgent"), (0.2, 0.6, 0.15, 0.05)),
        "customerId": None if customer_index is None else t.id_of("customers", customer_index),
        "locationId": None
        if customer_index is None
        else t.id_of("locations", t.customer_locations.range_of(customer_index).start),
        "businessUnitId": t.id_of("business-units", catalog.JOB_TYPES[job_type][1]),
        "jobTypeId": t.id_of("job-types", job_type),
        "campaignId": t.id_of("campaigns", rng.below(len(catalog.CAMPAIGNS))),
        "followUpDate": iso(modified + rng.between(1, 14) * US_PER_DAY)
        if status == "Open"
        else None,
        "createdById": t.employee_id(rng),
        "tagTypeIds": [t.tag_ids["Rebate Needed"]] if rng.chance(0.1) else [],
        "dismissingReasonId": None,
        "summary": rng.choice(
            (
                "Interested in a heat pump and the utility rebate.",
                "Asked about replacing a 20-year-old furnace.",
                "Wants a quote for a heat pump water heater.",
                "High summer bills, wants an energy audit.",
                "Requested a second opinion on an AC replacement.",
            )
        ),
        "callReasonId": None,
        "callId": None,
        "bookingId": None,
        "manualCallId": None,
        "leadUrl": None,
        "leadCustomerName": None if has_customer else who.full,
        "leadPhone": None if has_customer else phone(rng, where.area_codes),
        "leadEmail": None if has_customer else email(rng, who),
        "leadStreet": None if has_customer else street["street"],
        "leadUnit": None,
        "leadCity": None if has_customer else street["city"],
        "leadState": None if has_customer else street["state"],
        "leadZip": None if has_customer else street["zip"],
        "leadCountry": None if has_customer else "USA",
        "captureSource": rng.choice(("Phone", "WebForm", "Chat")),
        "active": status != "Dismissed" or rng.chance(0.5),
    }
    return stamp(record, created, modified)


def booking(t: Tenant, index: int) -> Record:
    rng = t.rng("bookings", index)
    modified = t.modified("bookings", index)
    created = modified - rng.below(3 * US_PER_DAY)
    who = person(rng)
    where = catalog.TERRITORIES[rng.below(len(catalog.TERRITORIES))]
    street = address(rng, where)
    provider = rng.below(len(catalog.BOOKING_PROVIDERS))
    job_type = rng.choice((0, 5, 7, 8, 9, 10, 11))
    status = rng.weighted(("New", "Converted", "Dismissed", "Accepted"), (0.2, 0.55, 0.15, 0.1))
    record: Record = {
        "id": t.id_of("bookings", index),
        "source": catalog.BOOKING_PROVIDERS[provider][0],
        "name": who.full,
        "address": {k: street[k] for k in ("street", "unit", "city", "state", "zip", "country")},
        "customerType": "Residential",
        "start": iso(created + rng.between(1, 10) * US_PER_DAY + rng.between(13, 20) * US_PER_HOUR),
        "campaignId": t.id_of("campaigns", 3),
        "businessUnitId": t.id_of("business-units", catalog.JOB_TYPES[job_type][1]),
        "isFirstTimeClient": rng.chance(0.7),
        "uploadedImages": [],
        "isSendConfirmationEmail": True,
        "status": status,
        "dismissingReasonId": None,
        "jobId": None,
        "externalId": f"BK-{rng.letters(3)}{rng.digits(6)}",
        "priority": "Normal",
        "jobTypeId": t.id_of("job-types", job_type),
        "bookingProviderId": ID_BASES["booking-provider-tags"] + provider + 1,
        "summary": f"{catalog.JOB_TYPES[job_type][0]} requested online.",
        "active": status != "Dismissed",
        "_contacts": [
            {"type": "Phone", "value": phone(rng, where.area_codes), "memo": ""},
            {"type": "Email", "value": email(rng, who), "memo": ""},
        ],
    }
    return stamp(record, created, modified)
