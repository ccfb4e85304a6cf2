"""Concrete URLs and valid request bodies for every operation the simulator implements.

Bodies are generated from each operation's request schema (every documented property, nested
objects included) with references filled with ids that exist in the seeded tenant; the few
operations that need a particular target (a scheduled appointment, an invoice's own item…)
pick it in :func:`path_params`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from integrations.servicetitan.simulator import Simulator
from integrations.servicetitan.simulator.shaping import is_nullable, resolve
from integrations.servicetitan.simulator.store import DELETED
from integrations.servicetitan.spec import Operation, SpecDocument, load_specs
from tests.integrations.servicetitan.simulator.support import TENANT

Json = Any


def _first(
    sim: Simulator, resource: str, test: Callable[[dict[str, Any]], bool] = lambda r: True
) -> dict[str, Any]:
    for record in sim.store.iter_by_id(resource):
        if not record.get(DELETED) and test(record):
            return record
    raise LookupError(f"no suitable {resource}")


def _id(
    sim: Simulator, resource: str, test: Callable[[dict[str, Any]], bool] = lambda r: True
) -> Any:
    return _first(sim, resource, test)["id"]


def references(sim: Simulator) -> dict[str, Callable[[], Json]]:
    """Request fields that must point at existing records, by property name."""
    customer = _first(sim, "customers")
    location = _first(sim, "locations", lambda r: r["customerId"] == customer["id"])
    scheduled_job = _first(sim, "jobs", lambda r: r["jobStatus"] == "Scheduled")
    scheduled_appointment = _first(sim, "appointments", lambda r: r["status"] == "Scheduled")
    future = "2031-05-04T15:00:00Z"
    return {
        "customerId": lambda: customer["id"],
        "locationId": lambda: location["id"],
        "customerIds": lambda: [customer["id"]],
        "businessUnitId": lambda: _id(sim, "business-units"),
        "businessUnitIds": lambda: [_id(sim, "business-units")],
        "jobTypeId": lambda: _id(sim, "job-types"),
        "campaignId": lambda: _id(sim, "campaigns"),
        "categoryId": lambda: _id(sim, "campaign-categories"),
        "tagTypeIds": lambda: [_id(sim, "tag-types")],
        "technicianIds": lambda: [_id(sim, "technicians")],
        "technicianId": lambda: _id(sim, "technicians"),
        "soldBy": lambda: _id(sim, "technicians"),
        "soldById": lambda: _id(sim, "technicians"),
        "jobId": lambda: scheduled_job["id"],
        "jobAppointmentId": lambda: scheduled_appointment["id"],
        "reasonId": lambda: _id(sim, "job-cancel-reasons"),
        "roleId": lambda: _id(sim, "user-roles"),
        "equipmentTypeId": lambda: _id(sim, "equipment-types"),
        "equipmentIds": lambda: [_id(sim, "installed-equipment")],
        "statusId": lambda: _id(sim, "project-statuses"),
        "projectManagerIds": lambda: [_id(sim, "employees")],
        "assignedToId": lambda: _id(sim, "employees"),
        "adjustmentToId": lambda: _id(sim, "invoices"),
        "invoiceId": lambda: _id(sim, "invoices"),
        "paymentIds": lambda: [_id(sim, "payments")],
        "skuId": lambda: _id(sim, "services"),
        "categories": lambda: [_id(sim, "categories")],
        "recommendations": lambda: [],
        "upgrades": lambda: [],
        "serviceMaterials": lambda: [],
        "serviceEquipment": lambda: [],
        "equipmentMaterials": lambda: [],
        "variationEquipment": lambda: [],
        "variationMaterials": lambda: [],
        "otherVendors": lambda: [],
        "primaryVendor": lambda: None,
        "jobIds": lambda: [scheduled_job["id"]],
        "start": lambda: future,
        "end": lambda: "2031-05-04T17:00:00Z",
        "arrivalWindowStart": lambda: future,
        "arrivalWindowEnd": lambda: "2031-05-04T17:00:00Z",
        "id": lambda: None,
        "parentId": lambda: None,
        "parentItemId": lambda: None,
        "projectId": lambda: None,
        "subStatusId": lambda: None,
        "projectTypeId": lambda: None,
        "bookingId": lambda: None,
        "leadId": lambda: None,
        "partnerLeadCallId": lambda: None,
        "callReasonId": lambda: None,
        "dismissingReasonId": lambda: 1,
        "budgetCodeId": lambda: None,
        "taxZoneId": lambda: None,
        "paymentTermId": lambda: None,
        "itemGroupRootId": lambda: None,
        "inventoryLocationId": lambda: None,
        "durationBillingId": lambda: None,
        "membershipTypeId": lambda: None,
        "jobGeneratedLeadSource": lambda: None,
        "costTypeId": lambda: None,
        "typeId": lambda: _id(sim, "payment-types"),
    }


_OVERRIDES: dict[str, Mapping[str, Json]] = {
    "ArrivalWindows_Create": {"start": "09:00", "duration": "02:00"},
    "ArrivalWindows_Update": {"start": "10:00", "duration": "02:00"},
    "Bookings_CreateContact": {"type": "Phone", "value": "2145550123"},
    "Bookings_Create": {"customerType": "Residential"},
}


def example(
    doc: SpecDocument,
    schema: Mapping[str, Any],
    name: str,
    refs: Mapping[str, Callable[[], Json]],
    depth: int = 0,
) -> Json:
    if name in refs:
        return refs[name]()
    alternatives = [
        a for a in (schema.get("oneOf") or schema.get("anyOf") or []) if a.get("type") != "null"
    ]
    if alternatives and "properties" not in schema:
        return example(doc, alternatives[0], name, refs, depth)
    schema = resolve(doc, schema)
    if "enum" in schema:
        return schema["enum"][0]
    alternatives = [
        a for a in (schema.get("oneOf") or schema.get("anyOf") or []) if a.get("type") != "null"
    ]
    if alternatives:
        return example(doc, alternatives[0], name, refs, depth)
    declared = schema.get("type")
    kinds = set(declared) if isinstance(declared, list) else {declared}
    if "object" in kinds or "properties" in schema:
        if depth > 8:
            return {}
        built = {}
        for prop, sub in schema.get("properties", {}).items():
            value = example(doc, sub, prop, refs, depth + 1)
            if value is None and not is_nullable(doc, sub):
                continue  # a reference we leave unset, on a field that may not be null
            built[prop] = value
        return built
    if "array" in kinds:
        return [example(doc, schema.get("items", {}), name, refs, depth + 1)]
    if "integer" in kinds:
        return 1
    if "number" in kinds:
        return 2.0
    if "boolean" in kinds:
        return True
    fmt = schema.get("format")
    if fmt == "date":
        return "2031-05-04"
    if fmt == "date-time":
        return "2031-05-04T15:00:00Z"
    if fmt in ("guid", "uuid"):
        return str(uuid.UUID(int=42))
    if fmt == "email":
        return "qa@example.com"
    if fmt == "phone":
        return "2145550199"
    return f"Test {name}"


def body_for(sim: Simulator, operation: Operation) -> Json:
    if operation.request_schema is None or operation.request_content_type != "application/json":
        return None
    doc = load_specs().document(operation.module)
    refs = references(sim)
    body = example(doc, operation.request_schema, "$", refs)
    overrides = _OVERRIDES.get(operation.operation_id, {})
    if isinstance(body, dict):
        body.update(overrides)
    if operation.operation_id == "Invoices_UpdateInvoice":
        body.pop("payments", None)  # settlements reference existing payment rows by id
    if operation.operation_id == "Payments_UpdateCustomFields":
        body["operations"][0]["objectId"] = _id(sim, "payments")
    if operation.operation_id == "Invoices_UpdateCustomFields":
        body["operations"][0]["objectId"] = _id(sim, "invoices")
    if operation.operation_id == "AppointmentAssignments_UnassignTechnicians":
        assignment = _first(
            sim, "appointment-assignments", lambda r: r["status"] == "Scheduled" and r["active"]
        )
        body = {
            "jobAppointmentId": assignment["appointmentId"],
            "technicianIds": [assignment["technicianId"]],
        }
    return body


def path_params(sim: Simulator, operation: Operation) -> dict[str, str]:
    """Values for an operation's path parameters that make the call succeed."""
    op = operation.operation_id
    params: dict[str, Any] = {"tenant": TENANT}
    segments = operation.path.split("/")
    generic = {
        "jobs": "jobs", "customers": "customers", "locations": "locations", "leads": "leads",
        "bookings": "bookings", "booking-provider-tags": "booking-provider-tags",
        "contacts": "contacts", "appointments": "appointments", "job-types": "job-types",
        "projects": "projects", "project-statuses": "project-statuses",
        "arrival-windows": "arrival-windows", "payment-types": "payment-types",
        "services": "services", "equipment": "equipment", "materials": "materials",
        "discounts-and-fees": "discounts-and-fees", "equipment-types": "equipment-types",
        "installed-equipment": "installed-equipment", "estimates": "estimates",
        "service-agreements": "service-agreements", "employees": "employees",
        "technicians": "technicians", "business-units": "business-units", "campaigns": "campaigns",
        "invoices": "invoices", "tag-types": "tag-types", "payments": "payments",
        "attachment": "job-attachments",
    }  # fmt: skip
    for position, segment in enumerate(segments):
        if not segment.startswith("{") or segment == "{tenant}":
            continue
        name = segment[1:-1]
        previous = segments[position - 1]
        if operation.module == "marketing" and previous == "categories":
            params[name] = _id(sim, "campaign-categories")
        elif operation.module == "pricebook" and previous == "categories":
            params[name] = _id(sim, "categories")
        elif previous in generic:
            params[name] = _id(sim, generic[previous])
    if "tagTypeId" in params or "{tagTypeId}" in operation.path:
        params["tagTypeId"] = _id(sim, "tag-types")
    if "{booking_provider}" in operation.path:
        booking = _first(sim, "bookings")
        params["booking_provider"] = booking["bookingProviderId"]
        if "{id}" in operation.path:
            params["id"] = booking["id"]
        if "{contactId}" in operation.path:
            params["contactId"] = booking["id"] * 10
    if op in ("Customers_UpdateContact", "Customers_DeleteContact"):
        contact = _first(sim, "customer-contacts")
        params.update(id=contact["customerId"], contactId=contact["id"])
    if op in ("Locations_UpdateContact", "Locations_DeleteContact", "Locations_GetContactList"):
        contact = _first(sim, "location-contacts")
        params.update(id=contact["locationId"], contactId=contact["id"])
    if "{contactMethodId}" in operation.path:
        method = _first(sim, "contact-methods")
        params.update(contactId=method["contactId"], contactMethodId=method["id"])
    elif "{contactId}" in operation.path and operation.path.startswith("/tenant/{tenant}/contacts"):
        params["contactId"] = _id(sim, "contacts")
    if "{relatedEntityId}" in operation.path:
        params.update(relatedEntityId=_id(sim, "customers"), typeSlug="customer")
    if op == "Contacts_GetByRelationshipId":
        params["relationshipId"] = _id(sim, "customers")
    if op in ("Invoices_DeleteInvoiceItem",):
        item = _first(sim, "invoice-items")
        params.update(invoiceId=item["invoiceId"], itemId=item["id"])
    if op == "Invoices_UpdateInvoiceItems":
        params["invoiceId"] = _id(sim, "invoices", lambda r: bool(r["items"]))
    if op == "Estimates_DeleteItem":
        item = _first(sim, "estimate-items")
        params.update(id=item["_estimateId"], itemId=item["id"])
    if op == "Jobs_GetJobAttachments":
        params["jobId"] = _first(sim, "job-attachments")["_jobId"]
    if op in ("Jobs_Cancel", "Appointments_Add"):
        params["id"] = _id(sim, "jobs", lambda r: r["jobStatus"] == "Scheduled")
    if op == "Jobs_RemoveCancellation":
        params["id"] = _id(sim, "jobs", lambda r: r["jobStatus"] == "Canceled")
    if op in (
        "Appointments_Hold",
        "Appointments_Reschedule",
        "Appointments_UpdateSpecialInstructions",
    ):
        params["id"] = _id(sim, "appointments", lambda r: r["status"] == "Scheduled")
    if op == "Appointments_Delete":
        job = _first(sim, "jobs", lambda r: r["appointmentCount"] > 1)
        params["id"] = job["lastAppointmentId"]
    if op == "Bookings_GetForProvider":
        booking = _first(sim, "bookings")
        params.update(booking_provider=booking["bookingProviderId"], id=booking["id"])
    return {key: str(value) for key, value in params.items()}


def concrete(operation: Operation, params: Mapping[str, str]) -> str:
    path = operation.full_path
    for key, value in params.items():
        path = path.replace("{" + key + "}", value)
    return path
