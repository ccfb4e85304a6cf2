"""CRM writes: customers, locations, their contacts and tags, bulk tags, the GUID contacts
model with contact methods, bookings (per provider), booking provider tags and leads."""

from __future__ import annotations

from typing import Any

from integrations.servicetitan.simulator.data.collections import Record
from integrations.servicetitan.simulator.data.crm import PREFERENCES
from integrations.servicetitan.simulator.handlers.base import (
    Call,
    apply_external_create,
    apply_external_update,
    handler,
)
from integrations.servicetitan.simulator.handlers.common import (
    custom_fields,
    patch,
    require_ref,
    require_refs,
    unique_ints,
)
from integrations.servicetitan.simulator.http import Response, json_response, not_found
from integrations.servicetitan.simulator.shaping import shaper_for_schema

_ADDRESS_KEYS = ("street", "unit", "city", "state", "zip", "country", "latitude", "longitude")


def _address(value: dict[str, Any] | None) -> dict[str, Any]:
    value = value or {}
    return {key: value.get(key) for key in _ADDRESS_KEYS} | {
        "country": value.get("country") or "USA"
    }


def _contact(
    call: Call, resource: str, owner_key: str, owner_id: int, item: dict[str, Any]
) -> Record:
    value = str(item.get("value") or "")
    kind = item.get("type") or "Phone"
    record: Record = {
        "type": kind,
        "value": value,
        "memo": item.get("memo"),
        "phoneSettings": {"phoneNumber": "" if kind == "Email" else value, "doNotText": False},
        "preferences": None,
        owner_key: owner_id,
        "active": True,
    }
    return call.store.create(resource, record)


def _new_location(call: Call, customer_id: int, body: dict[str, Any]) -> Record:
    tags = unique_ints(body.get("tagTypeIds") or [])
    require_refs(call, "tag-types", tags, "TagTypeIds")
    record: Record = {
        "customerId": customer_id,
        "active": True,
        "name": body.get("name") or "Primary Residence",
        "address": _address(body.get("address")),
        "customFields": custom_fields(body.get("customFields")),
        "createdById": 0,
        "mergedToId": None,
        "zoneId": None,
        "taxExempt": False,
        "tagTypeIds": tags,
        "externalData": [],
        "taxZoneId": None,
    }
    apply_external_create(record, body.get("externalData"))
    record = call.store.create("locations", record)
    contacts = [
        _contact(call, "location-contacts", "locationId", record["id"], c)
        for c in body.get("contacts") or []
    ]
    record["_newContacts"] = contacts
    return record


@handler("crm", "Customers_Create")
def customers_create(call: Call) -> Response:
    body = call.body_dict()
    tags = unique_ints(body.get("tagTypeIds") or [])
    require_refs(call, "tag-types", tags, "TagTypeIds")
    customer: Record = {
        "active": True,
        "name": body["name"],
        "type": body.get("type") or "Residential",
        "address": _address(body.get("address")),
        "customFields": custom_fields(body.get("customFields")),
        "balance": 0.0,
        "taxExempt": bool(body.get("taxExempt") or False),
        "tagTypeIds": tags,
        "doNotMail": bool(body.get("doNotMail") or False),
        "doNotService": bool(body.get("doNotService") or False),
        "nationalAccount": bool(body.get("nationalAccount") or False),
        "createdById": 0,
        "mergedToId": None,
        "paymentTermId": body.get("paymentTermId"),
        "creditLimit": body.get("creditLimit"),
        "creditLimitBalance": body.get("creditLimitBalance"),
        "externalData": [],
    }
    apply_external_create(customer, body.get("externalData"))
    customer = call.store.create("customers", customer)
    contacts = [
        _contact(call, "customer-contacts", "customerId", customer["id"], c)
        for c in body.get("contacts") or []
    ]
    locations = [_new_location(call, customer["id"], loc) for loc in body.get("locations") or []]
    row = call.shape(customer)
    location_shape = shaper_for_schema("crm", "Crm.V2.Locations.CreateLocationResponse")
    contact_shape = shaper_for_schema("crm", "Crm.V2.Locations.LocationContact")
    row["locations"] = [
        location_shape(loc) | {"contacts": [contact_shape(c) for c in loc["_newContacts"]]}
        for loc in locations
    ]
    customer_contact_shape = shaper_for_schema("crm", "Crm.V2.Customers.CustomerContact")
    row["contacts"] = [customer_contact_shape(c) for c in contacts]
    return json_response(row, call.operation.success_status)


@handler("crm", "Customers_Update")
def customers_update(call: Call) -> Response:
    body = call.body_dict()
    customer = call.editable("customers", call.int_param("id"), "Customer")
    patch(
        customer,
        body,
        (
            "name",
            "type",
            "doNotMail",
            "doNotService",
            "nationalAccount",
            "active",
            "taxExempt",
            "paymentTermId",
            "creditLimit",
            "creditLimitBalance",
        ),
    )
    if "address" in body and body["address"] is not None:
        customer["address"] = _address(body["address"])
    if "tagTypeIds" in body and body["tagTypeIds"] is not None:
        tags = unique_ints(body["tagTypeIds"])
        require_refs(call, "tag-types", tags, "TagTypeIds")
        customer["tagTypeIds"] = tags
    if "customFields" in body and body["customFields"] is not None:
        customer["customFields"] = custom_fields(body["customFields"])
    apply_external_update(customer, body.get("externalData"))
    return call.respond(call.store.save("customers", customer))


@handler("crm", "Customers_CreateContact")
def customer_contact_create(call: Call) -> Response:
    customer = call.record("customers", call.int_param("id"), "Customer")
    return call.respond(
        _contact(call, "customer-contacts", "customerId", customer["id"], call.body_dict())
    )


def _owned(
    call: Call, resource: str, owner_key: str, owner_what: str, owner_resource: str
) -> Record:
    owner = call.record(owner_resource, call.int_param("id"), owner_what)
    contact = call.editable(resource, call.int_param("contactId"), "Contact")
    if contact.get(owner_key) != owner["id"]:
        raise not_found("Contact", contact["id"])
    return contact


def _update_contact(contact: Record, body: dict[str, Any]) -> None:
    patch(contact, body, ("type", "value", "memo"))
    if body.get("preferences") is not None:
        contact["preferences"] = {
            k: bool(body["preferences"].get(k, v)) for k, v in PREFERENCES.items()
        }
    if contact.get("type") != "Email":
        contact["phoneSettings"] = {
            "phoneNumber": str(contact.get("value") or ""),
            "doNotText": bool((contact.get("phoneSettings") or {}).get("doNotText", False)),
        }


@handler("crm", "Customers_UpdateContact")
def customer_contact_update(call: Call) -> Response:
    contact = _owned(call, "customer-contacts", "customerId", "Customer", "customers")
    _update_contact(contact, call.body_dict())
    return call.respond(call.store.save("customer-contacts", contact))


@handler("crm", "Customers_DeleteContact")
def customer_contact_delete(call: Call) -> Response:
    contact = _owned(call, "customer-contacts", "customerId", "Customer", "customers")
    call.store.delete("customer-contacts", contact)
    return call.success()


def _tag(call: Call, resource: str, what: str, add: bool) -> Record:
    record = call.editable(resource, call.int_param("id"), what)
    tag = call.int_param("tagTypeId")
    require_ref(call, "tag-types", tag, "tagTypeId")
    tags = [t for t in record.get("tagTypeIds") or [] if t != tag]
    if add:
        tags.append(tag)
    record["tagTypeIds"] = tags
    return call.store.save(resource, record)


@handler("crm", "Customers_CreateTag")
def customer_tag_add(call: Call) -> Response:
    record = _tag(call, "customers", "Customer", add=True)
    return json_response({"customerId": record["id"], "tagTypeIds": record["tagTypeIds"]})


@handler("crm", "Customers_DeleteTag")
def customer_tag_remove(call: Call) -> Response:
    _tag(call, "customers", "Customer", add=False)
    return call.success()


@handler("crm", "Locations_CreateTag")
def location_tag_add(call: Call) -> Response:
    record = _tag(call, "locations", "Location", add=True)
    return json_response({"locationId": record["id"], "tagTypeIds": record["tagTypeIds"]})


@handler("crm", "Locations_DeleteTag")
def location_tag_remove(call: Call) -> Response:
    _tag(call, "locations", "Location", add=False)
    return call.success()


@handler("crm", "BulkTags_AddTags", "BulkTags_RemoveTags")
def bulk_tags(call: Call) -> Response:
    """Adds (PUT) or removes (DELETE, JSON body) every listed tag on every listed customer."""
    body = call.body_dict()
    customers = unique_ints(body.get("customerIds") or [])
    tags = unique_ints(body.get("tagTypeIds") or [])
    require_refs(call, "tag-types", tags, "TagTypeIds")
    require_refs(call, "customers", customers, "CustomerIds")
    adding = call.operation.operation_id == "BulkTags_AddTags"
    for customer_id in customers:
        record = call.editable("customers", customer_id, "Customer")
        current = [t for t in record.get("tagTypeIds") or [] if t not in tags]
        record["tagTypeIds"] = current + tags if adding else current
        call.store.save("customers", record)
    return call.success()


@handler("crm", "Locations_Create")
def locations_create(call: Call) -> Response:
    body = call.body_dict()
    customer = require_ref(call, "customers", body.get("customerId"), "CustomerId")
    location = _new_location(call, customer["id"], body)
    row = call.shape(location)
    contact_shape = shaper_for_schema("crm", "Crm.V2.Locations.LocationContact")
    row["contacts"] = [contact_shape(c) for c in location["_newContacts"]]
    return json_response(row, call.operation.success_status)


@handler("crm", "Locations_Update")
def locations_update(call: Call) -> Response:
    body = call.body_dict()
    location = call.editable("locations", call.int_param("id"), "Location")
    if body.get("customerId") is not None:
        require_ref(call, "customers", body["customerId"], "CustomerId")
    patch(location, body, ("customerId", "name", "active", "taxZoneId"))
    if body.get("address") is not None:
        location["address"] = _address(body["address"])
    if body.get("tagTypeIds") is not None:
        tags = unique_ints(body["tagTypeIds"])
        require_refs(call, "tag-types", tags, "TagTypeIds")
        location["tagTypeIds"] = tags
    if body.get("customFields") is not None:
        location["customFields"] = custom_fields(body["customFields"])
    apply_external_update(location, body.get("externalData"))
    return call.respond(call.store.save("locations", location))


@handler("crm", "Locations_CreateContact")
def location_contact_create(call: Call) -> Response:
    location = call.record("locations", call.int_param("id"), "Location")
    return call.respond(
        _contact(call, "location-contacts", "locationId", location["id"], call.body_dict())
    )


@handler("crm", "Locations_UpdateContact")
def location_contact_update(call: Call) -> Response:
    contact = _owned(call, "location-contacts", "locationId", "Location", "locations")
    _update_contact(contact, call.body_dict())
    return call.respond(call.store.save("location-contacts", contact))


@handler("crm", "Locations_DeleteContact")
def location_contact_delete(call: Call) -> Response:
    contact = _owned(call, "location-contacts", "locationId", "Location", "locations")
    call.store.delete("location-contacts", contact)
    return call.success()


# --- GUID contacts model -------------------------------------------------------------------------


def _guid(call: Call, name: str) -> str:
    return call.params.get(name, "").lower()


@handler("crm", "Contacts_Create")
def contacts_create(call: Call) -> Response:
    body = call.body_dict()
    record: Record = {
        "referenceId": body.get("referenceId"),
        "name": body.get("name"),
        "title": body.get("title"),
        "isArchived": False,
        "createdBy": 0,
        "modifiedBy": 0,
        "_relationships": [],
    }
    return call.respond(call.store.create("contacts", record))


@handler("crm", "Contacts_Update", "Contacts_Replace")
def contacts_update(call: Call) -> Response:
    body = call.body_dict()
    record = call.editable("contacts", _guid(call, "id"), "Contact")
    if call.operation.method == "PUT":
        for key in ("name", "title", "referenceId"):
            record[key] = body.get(key)
    else:
        patch(record, body, ("name", "title", "referenceId"))
    if body.get("isArchived") is not None:
        record["isArchived"] = bool(body["isArchived"])
    return call.respond(call.store.save("contacts", record))


@handler("crm", "Contacts_DeleteContact")
def contacts_delete(call: Call) -> Response:
    record = call.editable("contacts", _guid(call, "id"), "Contact")
    call.store.delete("contacts", record)
    return call.success()


@handler("crm", "Contacts_CreateContactRelationship", "Contacts_DeleteContactRelationship")
def contact_relationship(call: Call) -> Response:
    record = call.editable("contacts", _guid(call, "contactId"), "Contact")
    related = call.int_param("relatedEntityId")
    slug = call.params.get("typeSlug", "customer")
    links = [r for r in record.get("_relationships") or [] if r.get("relatedEntityId") != related]
    if call.operation.method == "POST":
        links.append({"relatedEntityId": related, "typeSlug": slug})
    record["_relationships"] = links
    call.store.save("contacts", record)
    return call.success()


def _method(call: Call) -> Record:
    contact = call.record("contacts", _guid(call, "contactId"), "Contact")
    method = call.editable("contact-methods", _guid(call, "contactMethodId"), "Contact method")
    if method.get("contactId") != contact["id"]:
        raise not_found("Contact method", method["id"])
    return method


@handler("crm", "ContactMethods_GetContactMethod")
def contact_method_get(call: Call) -> Response:
    return call.respond(_method(call))


@handler("crm", "ContactMethods_CreateContactMethod")
def contact_method_create(call: Call) -> Response:
    contact = call.record("contacts", _guid(call, "contactId"), "Contact")
    body = call.body_dict()
    record: Record = {
        "contactId": contact["id"],
        "referenceId": body.get("referenceId"),
        "type": body["type"],
        "value": body.get("value") or "",
        "memo": body.get("memo"),
        "createdBy": 0,
        "modifiedBy": 0,
    }
    return call.respond(call.store.create("contact-methods", record))


@handler("crm", "ContactMethods_UpdateContactMethod", "ContactMethods_UpsertContactMethod")
def contact_method_update(call: Call) -> Response:
    body = call.body_dict()
    if call.operation.method == "PUT":
        contact = call.record("contacts", _guid(call, "contactId"), "Contact")
        existing = call.store.editable("contact-methods", _guid(call, "contactMethodId"))
        if existing is None:
            record: Record = {
                "id": _guid(call, "contactMethodId"),
                "contactId": contact["id"],
                "referenceId": body.get("referenceId"),
                "type": body["type"],
                "value": body.get("value") or "",
                "memo": body.get("memo"),
                "createdBy": 0,
                "modifiedBy": 0,
            }
            return call.respond(call.store.create("contact-methods", record))
        patch(existing, body, ("referenceId", "type", "value", "memo"))
        return call.respond(call.store.save("contact-methods", existing))
    method = _method(call)
    patch(method, body, ("value", "memo"))
    return call.respond(call.store.save("contact-methods", method))


@handler("crm", "ContactMethods_DeleteContactMethod")
def contact_method_delete(call: Call) -> Response:
    call.store.delete("contact-methods", _method(call))
    return call.success()


# --- bookings ------------------------------------------------------------------------------------


def _provider(call: Call) -> int:
    provider = call.int_param("booking_provider")
    call.record("booking-provider-tags", provider, "Booking provider")
    return provider


def _booking(call: Call, provider: int | None) -> Record:
    record = call.editable("bookings", call.int_param("id"), "Booking")
    if provider is not None and record.get("bookingProviderId") != provider:
        raise not_found("Booking", record["id"])
    return record


_BOOKING_FIELDS = (
    "source", "name", "customerType", "start", "summary", "campaignId", "businessUnitId",
    "jobTypeId", "priority", "isFirstTimeClient", "uploadedImages", "isSendConfirmationEmail",
    "externalId",
)  # fmt: skip


@handler("crm", "Bookings_GetForProvider")
def booking_get_for_provider(call: Call) -> Response:
    return call.respond(_booking(call, _provider(call)))


@handler("crm", "Bookings_Create")
def booking_create(call: Call) -> Response:
    provider = _provider(call)
    body = call.body_dict()
    record: Record = {
        "status": "New",
        "dismissingReasonId": None,
        "jobId": None,
        "bookingProviderId": provider,
        "address": None,
        "start": None,
        "uploadedImages": [],
        "active": True,
        "_contacts": [],
    }
    patch(record, body, _BOOKING_FIELDS)
    if body.get("address") is not None:
        record["address"] = {
            k: body["address"].get(k) for k in ("street", "unit", "city", "state", "zip", "country")
        }
    record = call.store.create("bookings", record)
    if record.get("start") is None:
        record["start"] = record["createdOn"]
    for contact in body.get("contacts") or []:
        _booking_contact(call, record, contact)
    return call.respond(record)


@handler("crm", "Bookings_Update")
def booking_update(call: Call) -> Response:
    record = _booking(call, _provider(call))
    body = call.body_dict()
    patch(record, body, _BOOKING_FIELDS)
    if body.get("address") is not None:
        record["address"] = {
            k: body["address"].get(k) for k in ("street", "unit", "city", "state", "zip", "country")
        }
    return call.respond(call.store.save("bookings", record))


@handler("crm", "Bookings_DismissBooking")
def booking_dismiss(call: Call) -> Response:
    record = _booking(call, _provider(call))
    record["status"] = "Dismissed"
    record["dismissingReasonId"] = call.body_dict().get("callReasonId")
    call.store.save("bookings", record)
    return call.success()


def _booking_contact(call: Call, booking: Record, body: dict[str, Any]) -> dict[str, Any]:
    contact = {
        "id": call.store.next_sequence("booking-contacts"),
        "type": body.get("type") or "Phone",
        "value": body.get("value") or "",
        "memo": body.get("memo") or "",
        "modifiedOn": booking["modifiedOn"],
    }
    booking.setdefault("_contacts", []).append(contact)
    return contact


def _booking_contacts(booking: Record) -> list[dict[str, Any]]:
    contacts = []
    for n, contact in enumerate(booking.get("_contacts") or []):
        contacts.append(
            {
                "id": contact.get("id", booking["id"] * 10 + n),
                "type": contact["type"],
                "value": contact["value"],
                "memo": contact.get("memo") or "",
                "modifiedOn": contact.get("modifiedOn", booking["modifiedOn"]),
            }
        )
    return contacts


@handler("crm", "Bookings_GetContactList", "Bookings_GetContactList2")
def booking_contacts(call: Call) -> Response:
    provider = _provider(call) if "booking_provider" in call.params else None
    booking = _booking(call, provider)
    contacts = _booking_contacts(booking)
    return json_response(
        {
            "page": 1,
            "pageSize": max(len(contacts), 50),
            "hasMore": False,
            "totalCount": None,
            "data": call.rows(contacts),
        }
    )


@handler("crm", "Bookings_CreateContact")
def booking_contact_create(call: Call) -> Response:
    booking = _booking(call, _provider(call))
    booking["_contacts"] = _booking_contacts(booking)
    contact = _booking_contact(call, booking, call.body_dict())
    saved = call.store.save("bookings", booking)
    contact["modifiedOn"] = saved["modifiedOn"]
    return call.respond(contact)


@handler("crm", "Bookings_UpdateBookingContact", "Bookings_DeleteContact")
def booking_contact_change(call: Call) -> Response:
    booking = _booking(call, _provider(call))
    contacts = _booking_contacts(booking)
    contact_id = call.int_param("contactId")
    match = next((c for c in contacts if c["id"] == contact_id), None)
    if match is None:
        raise not_found("Booking contact", contact_id)
    if call.operation.method == "DELETE":
        contacts.remove(match)
    else:
        patch(match, call.body_dict(), ("type", "value", "memo"))
    booking["_contacts"] = contacts
    call.store.save("bookings", booking)
    if call.operation.method == "DELETE":
        return call.success()
    return json_response({k: match[k] for k in ("type", "value", "memo")})


@handler("crm", "BookingProviderTags_Create")
def booking_provider_tag_create(call: Call) -> Response:
    body = call.body_dict()
    record: Record = {
        "tagName": body["tagName"],
        "description": body["description"],
        "type": "V2Api",
        "active": True,
    }
    return call.respond(call.store.create("booking-provider-tags", record))


@handler("crm", "BookingProviderTags_Update")
def booking_provider_tag_update(call: Call) -> Response:
    record = call.editable("booking-provider-tags", call.int_param("id"), "Booking provider tag")
    patch(record, call.body_dict(), ("tagName", "description"))
    return call.respond(call.store.save("booking-provider-tags", record))


# --- leads ---------------------------------------------------------------------------------------


_LEAD_FIELDS = (
    "campaignId", "priority", "businessUnitId", "jobTypeId", "summary", "leadCustomerName",
    "leadPhone", "leadEmail", "leadStreet", "leadUnit", "leadCity", "leadState", "leadZip",
    "leadCountry",
)  # fmt: skip


@handler("crm", "Leads_Create")
def lead_create(call: Call) -> Response:
    body = call.body_dict()
    require_ref(call, "campaigns", body.get("campaignId"), "CampaignId")
    record: Record = {
        "status": "Open",
        "priority": body.get("priority") or "Normal",
        "customerId": body.get("customerId"),
        "locationId": body.get("locationId"),
        "followUpDate": body.get("followUpDate"),
        "createdById": 0,
        "tagTypeIds": unique_ints(body.get("tagTypeIds") or []),
        "bookingId": body.get("bookingId"),
        "callReasonId": body.get("callReasonId"),
        "active": True,
    }
    patch(record, body, _LEAD_FIELDS)
    return call.respond(call.store.create("leads", record))


@handler("crm", "Leads_Update")
def lead_update(call: Call) -> Response:
    record = call.editable("leads", call.int_param("id"), "Lead")
    patch(record, call.body_dict(), _LEAD_FIELDS)
    return call.respond(call.store.save("leads", record))


@handler("crm", "Leads_Dismiss")
def lead_dismiss(call: Call) -> Response:
    record = call.editable("leads", call.int_param("id"), "Lead")
    record["status"] = "Dismissed"
    record["dismissingReasonId"] = call.body_dict().get("dismissingReasonId")
    call.store.save("leads", record)
    return call.success()
