"""Read operations (lists, gets, exports) declared as data: which resource each operation
reads and which resource-specific filters it honours."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from integrations.servicetitan.simulator import query as q
from integrations.servicetitan.simulator.data.collections import Record
from integrations.servicetitan.simulator.data.ids import ID_BASES
from integrations.servicetitan.simulator.data.offsets import Offsets
from integrations.servicetitan.simulator.data.tenant import Tenant
from integrations.servicetitan.simulator.handlers.base import (
    Call,
    Handler,
    ListSpec,
    export_handler,
    external_data_filters,
    external_data_view,
    get_handler,
    handler,
    ids_hint,
    list_handler,
)
from integrations.servicetitan.simulator.http import Response, json_response, validation_error

_OWNER = re.compile(r"^owners\[(\d+)\]\.(type|id)$", re.IGNORECASE)


def _parent_index(tenant: Tenant, resource: str, record_id: int) -> int | None:
    index = record_id - ID_BASES[resource] - 1
    count = len(tenant.collections[resource])
    return index if 0 <= index < count else None


def _children(tenant: Tenant, parent: str, offsets: Offsets) -> Callable[[int], range | None]:
    def find(record_id: int) -> range | None:
        index = _parent_index(tenant, parent, record_id)
        return None if index is None else offsets.range_of(index)

    return find


def _nested(tenant: Tenant, outer: Offsets, inner: Offsets) -> Callable[[int], range | None]:
    """Grandchildren of a job, e.g. the assignments of all its appointments."""

    def find(record_id: int) -> range | None:
        index = _parent_index(tenant, "jobs", record_id)
        if index is None:
            return None
        visits = outer.range_of(index)
        if not visits:
            return range(0)
        return range(inner.range_of(visits.start).start, inner.range_of(visits.stop - 1).stop)

    return find


def _same(tenant: Tenant, resource: str) -> Callable[[int], range | None]:
    def find(record_id: int) -> range | None:
        index = _parent_index(tenant, resource, record_id)
        return None if index is None else range(index, index + 1)

    return find


def _address(param: str, key: str) -> q.Filter:
    def build(value: str) -> q.Predicate:
        wanted = value.strip().lower()
        return lambda r: wanted in str((r.get("address") or {}).get(key) or "").lower()

    return q.custom(param, build)


def _name_search(param: str, *keys: str) -> q.Filter:
    def build(value: str) -> q.Predicate:
        wanted = value.strip().lower()
        return lambda r: any(wanted in str(r.get(k) or "").lower() for k in keys)

    return q.custom(param, build)


def _money_bound(param: str, key: str, *, greater: bool) -> q.Filter:
    def build(value: str) -> q.Predicate:
        try:
            bound = float(value)
        except ValueError:
            raise validation_error({param: [f"The value '{value}' is not valid."]}) from None

        def predicate(record: Record) -> bool:
            try:
                amount = float(record.get(key) or 0)
            except (TypeError, ValueError):
                return False
            return amount > bound if greater else amount < bound

        return predicate

    return q.custom(param, build)


def _job_filters(t: Tenant) -> tuple[q.Filter, ...]:
    def first_start(bound_from: bool) -> Callable[[str], q.Predicate]:
        def build(value: str) -> q.Predicate:
            bound = q.parse_time("firstAppointmentStarts", value)
            if bound_from:
                return lambda r: bool(r.get("_starts")) and r["_starts"][0] >= bound
            return lambda r: bool(r.get("_starts")) and r["_starts"][0] < bound

        return build

    def any_start(bound_from: bool) -> Callable[[str], q.Predicate]:
        def build(value: str) -> q.Predicate:
            bound = q.parse_time("appointmentStarts", value)
            if bound_from:
                return lambda r: any(s >= bound for s in r.get("_starts") or ())
            return lambda r: any(s < bound for s in r.get("_starts") or ())

        return build

    def technician(value: str) -> q.Predicate:
        wanted = q.parse_int("technicianId", value)
        return lambda r: wanted in (r.get("_technicianIds") or ())

    def appointment_status(value: str) -> q.Predicate:
        wanted = {v.strip().lower() for v in value.split(",") if v.strip()}

        def predicate(record: Record) -> bool:
            job_index = _parent_index(t, "jobs", record["id"])
            if job_index is None:
                statuses = {str(s).lower() for s in record.get("_appointmentStatuses") or ()}
            else:
                statuses = {v.status.lower() for v in t.plan(job_index).visits}
            return bool(statuses & wanted)

        return predicate

    return (
        q.eq_text("number", "jobNumber"),
        q.eq_int("projectId"),
        q.eq_int("bookingId"),
        q.in_texts("jobStatus", "jobStatus"),
        q.custom("appointmentStatus", appointment_status),
        q.in_texts("priority", "priority"),
        q.custom("firstAppointmentStartsOnOrAfter", first_start(True)),
        q.custom("firstAppointmentStartsBefore", first_start(False)),
        q.custom("appointmentStartsOnOrAfter", any_start(True)),
        q.custom("appointmentStartsBefore", any_start(False)),
        q.custom("technicianId", technician),
        q.eq_int("customerId"),
        q.eq_int("locationId"),
        q.eq_int("soldById"),
        q.in_ints("jobTypeId", "jobTypeId"),
        q.eq_int("campaignId"),
        q.in_ints("businessUnitId", "businessUnitId"),
        q.eq_int("invoiceId", hint=ids_hint(_same(t, "invoices"))),
        q.eq_int("createdFromEstimateId"),
        q.any_of("estimateIds", "estimateIds"),
        q.any_of("equipmentIds", "equipmentIds"),
        q.time_from("completedOnOrAfter", "_completed"),
        q.time_before("completedBefore", "_completed"),
        q.any_of("tagTypeIds", "tagTypeIds"),
        *external_data_filters(),
    )


def _form_owner_scope(call: Call) -> q.Predicate:
    owners: dict[str, dict[str, str]] = {}
    for key, values in call.request.query.items():
        match = _OWNER.match(key)
        if match and values:
            owners.setdefault(match.group(1), {})[match.group(2).lower()] = values[-1]
    wanted = {
        (o.get("type", "").lower(), o.get("id", ""))
        for o in owners.values()
        if o.get("type") and o.get("id")
    }
    owner_type = (call.arg("ownerType") or "").lower()

    def predicate(record: Record) -> bool:
        mine = {(str(o["type"]).lower(), str(o["id"])) for o in record.get("owners") or ()}
        if wanted and not (mine & wanted):
            return False
        return not owner_type or any(kind == owner_type for kind, _ in mine)

    return predicate


def _submission_status(value: str) -> q.Predicate:
    wanted = value.strip().lower()
    return lambda r: wanted == "any" or str(r.get("status", "")).lower() == wanted


def _estimate_status(value: str) -> q.Predicate:
    wanted = {v.strip().lower() for v in value.split(",") if v.strip()}
    return lambda r: str((r.get("status") or {}).get("name", "")).lower() in wanted


def _attachment_view(call: Call, record: Record, row: dict[str, Any]) -> None:
    """The attachment list is undocumented; ServiceTitan answers ``{id, fileName, createdById,
    createdOn}`` items in the usual page envelope (as tap-service-titan's schema records)."""
    row.update({key: record.get(key) for key in ("id", "fileName", "createdById", "createdOn")})


def _path_scope(key: str, param: str) -> Callable[[Call], q.Predicate]:
    """Records whose ``key`` equals the integer path parameter ``param``."""

    def scope(call: Call) -> q.Predicate:
        wanted = call.int_param(param)
        return lambda record: record.get(key) == wanted

    return scope


def _guid_scope(key: str, param: str) -> Callable[[Call], q.Predicate]:
    def scope(call: Call) -> q.Predicate:
        wanted = call.params.get(param, "").lower()
        return lambda record: record.get(key) == wanted

    return scope


def _related_scope(call: Call) -> q.Predicate:
    wanted = call.int_param("relationshipId")
    return lambda record: any(
        link.get("relatedEntityId") == wanted for link in record.get("_relationships") or ()
    )


def _without_customer(param: str) -> q.Filter:
    def build(value: str) -> q.Predicate:
        wanted = q.parse_bool(param, value)
        return lambda record: (record.get("customerId") is None) == wanted

    return q.custom(param, build)


def _bound(param: str, key: str, *, minimum: bool) -> q.Filter:
    def build(value: str) -> q.Predicate:
        limit = q.parse_int(param, value)
        if minimum:
            return lambda record: (record.get(key) or 0) >= limit
        return lambda record: (record.get(key) or 0) <= limit

    return q.custom(param, build)


def _member(param: str, key: str) -> q.Filter:
    """The integer value is one of the record's list field ``key``."""

    def build(value: str) -> q.Predicate:
        wanted = q.parse_int(param, value)
        return lambda record: wanted in (record.get(key) or ())

    return q.custom(param, build)


def register_reads(t: Tenant) -> dict[tuple[str, str], Handler]:
    """Build the read handlers for one tenant (hints use its layouts)."""
    h: dict[tuple[str, str], Handler] = {}
    ext = external_data_view

    def lists(module: str, operation_id: str, spec: ListSpec) -> None:
        h[(module, operation_id)] = list_handler(spec)

    def gets(
        module: str,
        operation_id: str,
        resource: str,
        what: str,
        id_param: str = "id",
        decorate: Any = None,
    ) -> None:
        h[(module, operation_id)] = get_handler(resource, what, id_param, decorate)

    def exports(module: str, operation_id: str, resource: str) -> None:
        h[(module, operation_id)] = export_handler(resource)

    job_of = _same(t, "jobs")

    # settings
    lists(
        "settings", "BusinessUnits_GetList", ListSpec("business-units", (q.contains("name"),), ext)
    )
    gets("settings", "BusinessUnits_Get", "business-units", "Business unit", decorate=ext)
    exports("settings", "Export_BusinessUnits", "business-units")
    lists(
        "settings",
        "Employees_GetList",
        ListSpec(
            "employees", (q.in_ints("userIds", "userId"), q.contains("name"), q.contains("email"))
        ),
    )
    gets("settings", "Employees_Get", "employees", "Employee")
    exports("settings", "Export_Employees", "employees")
    lists(
        "settings",
        "Technicians_GetList",
        ListSpec("technicians", (q.in_ints("userIds", "userId"), q.contains("name"))),
    )
    gets("settings", "Technicians_Get", "technicians", "Technician")
    exports("settings", "Export_Technicians", "technicians")
    lists(
        "settings",
        "UserRoles_GetList",
        ListSpec("user-roles", (q.contains("name"), q.eq_text("employeeType"))),
    )
    lists("settings", "TagTypes_GetList", ListSpec("tag-types"))
    exports("settings", "Export_TagTypes", "tag-types")

    # crm
    customer_contacts = _children(t, "customers", t.customer_contacts)
    location_contacts = _children(t, "locations", t.location_contacts)
    lists(
        "crm",
        "Customers_GetList",
        ListSpec(
            "customers",
            (
                q.contains("name"),
                _address("street", "street"),
                _address("unit", "unit"),
                _address("city", "city"),
                _address("state", "state"),
                _address("zip", "zip"),
                _address("country", "country"),
                *external_data_filters(),
            ),
            ext,
        ),
    )
    gets("crm", "Customers_Get", "customers", "Customer")
    exports("crm", "ExportCustomers_GetCustomers", "customers")
    lists(
        "crm",
        "Customers_GetContactList",
        ListSpec(
            "customer-contacts",
            scope=_path_scope("customerId", "id"),
            scope_hint=lambda call: customer_contacts(call.int_param("id")),
        ),
    )
    lists(
        "crm",
        "Customers_GetModifiedContactsList",
        ListSpec(
            "customer-contacts",
            (q.in_ints("customerIds", "customerId", ids_hint(customer_contacts)),),
        ),
    )
    exports("crm", "ExportContacts_CustomersContacts", "customer-contacts")
    lists(
        "crm",
        "Locations_GetList",
        ListSpec(
            "locations",
            (
                q.contains("name"),
                q.eq_int(
                    "customerId", hint=ids_hint(_children(t, "customers", t.customer_locations))
                ),
                _address("street", "street"),
                _address("unit", "unit"),
                _address("city", "city"),
                _address("state", "state"),
                _address("zip", "zip"),
                _address("country", "country"),
                *external_data_filters(),
            ),
            ext,
        ),
    )
    gets("crm", "Locations_Get", "locations", "Location")
    exports("crm", "ExportLocations_Locations", "locations")
    lists(
        "crm",
        "Locations_GetContactList",
        ListSpec(
            "location-contacts",
            scope=_path_scope("locationId", "id"),
            scope_hint=lambda call: location_contacts(call.int_param("id")),
        ),
    )
    lists(
        "crm",
        "Locations_GetLocationsContactsList",
        ListSpec(
            "location-contacts",
            (q.in_ints("locationIds", "locationId", ids_hint(location_contacts)),),
        ),
    )
    exports("crm", "ExportContacts_LocationsContacts", "location-contacts")
    contact_filters = (
        q.contains("name"),
        q.contains("title"),
        q.eq_text("referenceId"),
        q.flag("isArchived"),
    )
    lists("crm", "Contacts_GetList", ListSpec("contacts", contact_filters))
    gets("crm", "Contacts_Get", "contacts", "Contact")
    lists(
        "crm",
        "Contacts_GetByRelationshipId",
        ListSpec(
            "contacts",
            contact_filters,
            scope=_related_scope,
        ),
    )
    method_filters = (q.eq_text("referenceId"), q.in_texts("type", "type"), q.contains("value"))
    lists(
        "crm",
        "ContactMethods_GetContactMethods",
        ListSpec(
            "contact-methods",
            method_filters,
            scope=_guid_scope("contactId", "contactId"),
        ),
    )
    lists(
        "crm",
        "Contacts_SearchContactMethods",
        ListSpec("contact-methods", (*method_filters, q.eq_text("contactId"))),
    )
    lists(
        "crm",
        "Leads_GetList",
        ListSpec(
            "leads",
            (
                q.eq_int("customerId"),
                q.in_texts("status", "status"),
                q.contains("leadCustomerName"),
                q.contains("leadPhone"),
                _without_customer("withoutCustomer"),
                _without_customer("isProspect"),
            ),
        ),
    )
    gets("crm", "Leads_Get", "leads", "Lead")
    exports("crm", "ExportLeads_Leads", "leads")
    lists("crm", "Bookings_GetList", ListSpec("bookings", (q.eq_text("externalId"),)))
    gets("crm", "Bookings_Get", "bookings", "Booking")
    exports("crm", "ExportBookings_Get", "bookings")
    lists(
        "crm",
        "Bookings_GetList2",
        ListSpec(
            "bookings",
            (q.eq_text("externalId"),),
            scope=_path_scope("bookingProviderId", "booking_provider"),
        ),
    )
    lists(
        "crm",
        "BookingProviderTags_GetList",
        ListSpec("booking-provider-tags", (q.contains("name", "tagName"),)),
    )
    gets("crm", "BookingProviderTags_Get", "booking-provider-tags", "Booking provider tag")

    # jpm
    lists("jpm", "Jobs_GetList", ListSpec("jobs", _job_filters(t), ext))
    gets("jpm", "Jobs_Get", "jobs", "Job", decorate=ext)
    exports("jpm", "Export_Jobs", "jobs")
    visits_of_job = _children(t, "jobs", t.job_visits)
    lists(
        "jpm",
        "Appointments_GetList",
        ListSpec(
            "appointments",
            (
                q.in_ints("jobId", "jobId", ids_hint(visits_of_job)),
                q.eq_int("projectId", "_projectId"),
                q.eq_text("number", "appointmentNumber"),
                q.in_texts("status", "status"),
                q.time_from("startsOnOrAfter", "_start"),
                q.time_before("startsBefore", "_start"),
                _member("technicianId", "_technicianIds"),
                q.eq_int("customerId"),
                q.flag("unused"),
            ),
        ),
    )
    gets("jpm", "Appointments_Get", "appointments", "Appointment")
    exports("jpm", "Export_Appointments", "appointments")
    lists(
        "jpm",
        "JobTypes_GetList",
        ListSpec(
            "job-types",
            (
                q.contains("name"),
                q.eq_text("priority"),
                _bound("minDuration", "duration", minimum=True),
                _bound("maxDuration", "duration", minimum=False),
            ),
            ext,
        ),
    )
    gets("jpm", "JobTypes_Get", "job-types", "Job type", decorate=ext)
    lists("jpm", "JobCancelReasons_GetList", ListSpec("job-cancel-reasons"))
    lists(
        "jpm",
        "Projects_GetList",
        ListSpec(
            "projects",
            (
                q.eq_int("customerId"),
                q.eq_int("locationId"),
                q.eq_int("projectTypeId"),
                q.any_of("jobId", "jobIds"),
                q.eq_text("status"),
                q.time_from("startsOnOrAfter", "startDate"),
                q.time_before("startsBefore", "startDate"),
                *external_data_filters(),
            ),
            ext,
        ),
    )
    gets("jpm", "Projects_Get", "projects", "Project", decorate=ext)
    exports("jpm", "Export_Projects", "projects")
    exports("jpm", "Export_JobCancelReasons", "job-canceled-logs")
    notes_of_job = _children(t, "jobs", t.job_notes)
    lists(
        "jpm",
        "Jobs_GetNotes",
        ListSpec(
            "job-notes",
            scope=_path_scope("jobId", "id"),
            scope_hint=lambda call: notes_of_job(call.int_param("id")),
        ),
    )
    exports("jpm", "Export_JobNotes", "job-notes")
    exports("jpm", "Export_JobHistory", "job-history")
    exports("jpm", "Export_ProjectNotes", "project-notes")
    lists("jpm", "ProjectStatuses_GetList", ListSpec("project-statuses", (q.contains("name"),)))
    gets("jpm", "ProjectStatuses_Get", "project-statuses", "Project status")

    # dispatch
    assignments_of_job = _nested(t, t.job_visits, t.visit_assignments)
    lists(
        "dispatch",
        "AppointmentAssignments_GetList",
        ListSpec(
            "appointment-assignments",
            (
                q.in_ints(
                    "appointmentIds",
                    "appointmentId",
                    ids_hint(_children(t, "appointments", t.visit_assignments)),
                ),
                q.eq_int("jobId", hint=ids_hint(assignments_of_job)),
            ),
        ),
    )
    exports("dispatch", "Export_AppointmentAssignments", "appointment-assignments")
    lists("dispatch", "ArrivalWindows_GetList", ListSpec("arrival-windows"))
    gets("dispatch", "ArrivalWindows_Get", "arrival-windows", "Arrival window")

    # accounting
    lists(
        "accounting",
        "Invoices_GetList",
        ListSpec(
            "invoices",
            (
                q.eq_int("jobId", "_jobId", ids_hint(job_of)),
                q.eq_text("jobNumber", "referenceNumber"),
                q.eq_text("number", "referenceNumber"),
                q.eq_int("customerId", "_customerId"),
                q.eq_int("businessUnitId", "_businessUnitId"),
                q.eq_int("adjustmentToId"),
                q.in_texts("statuses", "syncStatus"),
                q.in_texts("reviewStatuses", "reviewStatus"),
                q.in_texts("invoiceConfigurations", "invoiceConfiguration"),
                q.time_from("invoicedOnOrAfter", "invoiceDate"),
                q.time_before("invoicedOnBefore", "invoiceDate"),
                q.time_from("dueDateOnOrAfter", "dueDate"),
                q.time_before("dueDateBefore", "dueDate"),
                _money_bound("totalGreater", "total", greater=True),
                _money_bound("totalLess", "total", greater=False),
            ),
        ),
    )
    exports("accounting", "Export_Invoices", "invoices")
    exports("accounting", "Export_InvoiceItems", "invoice-items")
    exports("accounting", "Export_InventoryBills", "inventory-bills")
    lists(
        "accounting",
        "Payments_GetList",
        ListSpec(
            "payments",
            (
                q.any_of("appliedToInvoiceIds", "_invoiceIds"),
                q.eq_int("customerId", "_customerId"),
                q.in_texts("statuses", "_status"),
                q.time_from("paidOnAfter", "date"),
                q.time_before("paidOnBefore", "date"),
                _money_bound("totalGreater", "total", greater=True),
                _money_bound("totalLess", "total", greater=False),
            ),
        ),
    )
    exports("accounting", "Export_Payments", "payments")
    lists("accounting", "PaymentTypes_GetList", ListSpec("payment-types"))
    gets("accounting", "PaymentTypes_Get", "payment-types", "Payment type")

    # pricebook
    sku_filters = (
        _name_search("searchText", "code", "displayName", "description"),
        *external_data_filters(),
    )
    lists("pricebook", "Categories_GetList", ListSpec("categories", (q.eq_text("categoryType"),)))
    gets("pricebook", "Categories_Get", "categories", "Category")
    exports("pricebook", "Export_Categories", "categories")
    for operation, resource, what in (
        ("Services", "services", "Service"),
        ("Equipment", "equipment", "Equipment"),
        ("Materials", "materials", "Material"),
        ("DiscountAndFees", "discounts-and-fees", "Discount or fee"),
    ):
        lists("pricebook", f"{operation}_GetList", ListSpec(resource, sku_filters, ext))
        gets("pricebook", f"{operation}_Get", resource, what, decorate=ext)
    for operation, resource in (
        ("Services", "services"),
        ("Equipment", "equipment"),
        ("Materials", "materials"),
    ):
        exports("pricebook", f"Export_{operation}", resource)

    # equipment systems
    lists(
        "equipmentsystems",
        "InstalledEquipment_GetList",
        ListSpec("installed-equipment", (q.in_ints("locationIds", "locationId"),)),
    )
    gets("equipmentsystems", "InstalledEquipment_Get", "installed-equipment", "Installed equipment")
    exports("equipmentsystems", "Export_ExportInstalledEquipment", "installed-equipment")
    lists(
        "equipmentsystems",
        "EquipmentTypes_GetList",
        ListSpec("equipment-types", (q.contains("name"),)),
    )
    gets("equipmentsystems", "EquipmentTypes_Get", "equipment-types", "Equipment type")

    # forms
    lists(
        "forms",
        "Form_GetForms",
        ListSpec(
            "forms", (q.contains("name"), q.flag("hasConditionalLogic"), q.flag("hasTriggers"))
        ),
    )
    lists(
        "forms",
        "FormSubmission_GetFormSubmissions",
        ListSpec(
            "form-submissions",
            (
                q.in_ints("formIds", "formId"),
                q.eq_int("createdById"),
                q.custom("status", _submission_status),
                q.time_from("submittedOnOrAfter", "_submitted"),
                q.time_before("submittedBefore", "_submitted"),
            ),
            scope=_form_owner_scope,
        ),
    )
    attachments_of_job = _children(t, "jobs", t.job_attachments)
    lists(
        "forms",
        "Jobs_GetJobAttachments",
        ListSpec(
            "job-attachments",
            decorate=_attachment_view,
            scope=_path_scope("_jobId", "jobId"),
            scope_hint=lambda call: attachments_of_job(call.int_param("jobId")),
        ),
    )

    # sales
    lists(
        "sales",
        "Estimates_GetList",
        ListSpec(
            "estimates",
            (
                q.eq_int("jobId", hint=ids_hint(_children(t, "jobs", t.job_estimates))),
                q.eq_int("projectId"),
                q.eq_text("jobNumber"),
                q.eq_int("locationId"),
                q.eq_int("soldById", "soldBy"),
                q.custom("status", _estimate_status),
                q.time_from("soldAfter", "soldOn"),
                q.time_before("soldBefore", "soldOn"),
                _money_bound("totalGreater", "subtotal", greater=True),
                _money_bound("totalLess", "subtotal", greater=False),
            ),
        ),
    )
    gets("sales", "Estimates_Get", "estimates", "Estimate")
    exports("sales", "EstimatesExport_Estimates", "estimates")
    exports("sales", "EstimatesExport_EstimatesAsyncLegacy", "estimates")
    lists(
        "sales",
        "Estimates_GetItems",
        ListSpec(
            "estimate-items",
            (
                q.eq_int(
                    "estimateId",
                    "_estimateId",
                    ids_hint(_children(t, "estimates", t.estimate_lines)),
                ),
            ),
        ),
    )

    # service agreements
    lists(
        "service-agreements",
        "ServiceAgreements_GetList",
        ListSpec(
            "service-agreements",
            (
                q.in_ints("customerIds", "customerId"),
                q.in_ints("businessUnitIds", "businessUnitId"),
                q.in_texts("status", "status"),
            ),
        ),
    )
    gets("service-agreements", "ServiceAgreements_Get", "service-agreements", "Service agreement")
    exports("service-agreements", "Export_ServiceAgreements", "service-agreements")

    # marketing
    lists("marketing", "Campaigns_GetList", ListSpec("campaigns", (q.contains("name"),)))
    gets("marketing", "Campaigns_Get", "campaigns", "Campaign")
    lists("marketing", "CampaignCategories_GetList", ListSpec("campaign-categories"))
    gets("marketing", "CampaignCategories_Get", "campaign-categories", "Campaign category")
    return h


# --- custom field type catalogues ----------------------------------------------------------------

_CUSTOM_FIELD_TYPES: dict[tuple[str, str], list[tuple[int, str, str, list[str]]]] = {
    ("jpm", "Jobs_GetCustomFieldTypes"): [
        (7001, "Rebate Program", "Dropdown", ["Utility", "Manufacturer", "Federal 25C", "None"]),
        (7002, "Permit Number", "Text", []),
        (7003, "AHRI Reference", "Text", []),
    ],
    ("accounting", "Invoices_GetCustomFieldTypes"): [
        (7101, "Rebate Claim Number", "Text", []),
        (7102, "PO Ref", "Text", []),
        (7103, "Rebate Status", "Dropdown", ["Not Filed", "Filed", "Approved", "Paid", "Rejected"]),
    ],
    ("accounting", "Payments_GetCustomFieldTypes"): [(7201, "Rebate Check Number", "Text", [])],
    ("crm", "Customers_GetCustomFieldTypes"): [(7301, "Preferred Contact Time", "Text", [])],
    ("crm", "Locations_GetCustomFieldTypes"): [(7401, "Utility Account Number", "Text", [])],
    ("jpm", "Projects_GetCustomFieldTypes"): [],
}


def _custom_field_types(entries: Sequence[tuple[int, str, str, list[str]]]) -> Handler:
    def handle(call: Call) -> Response:
        anchor = call.tenant.anchor
        from integrations.servicetitan.simulator.times import iso

        rows = [
            {
                "id": type_id,
                "name": name,
                "dataType": data_type,
                "dataTypeOptions": options,
                "createdOn": iso(anchor - 400 * 86_400_000_000),
                "modifiedOn": iso(anchor - 200 * 86_400_000_000),
            }
            for type_id, name, data_type, options in entries
        ]
        return json_response(
            {
                "page": 1,
                "pageSize": 50,
                "hasMore": False,
                "totalCount": None,
                "data": call.rows(rows),
            }
        )

    return handle


for (_module, _operation), _entries in _CUSTOM_FIELD_TYPES.items():
    handler(_module, _operation)(_custom_field_types(_entries))


@handler("equipmentsystems", "InstalledEquipment_GetCustomFieldTypes")
def installed_equipment_custom_field_types(call: Call) -> Response:
    rows = [
        {"id": 7501, "name": "AHRI Reference", "dataType": "Text", "dataTypeOptions": []},
        {
            "id": 7502,
            "name": "Refrigerant",
            "dataType": "Dropdown",
            "dataTypeOptions": ["R-410A", "R-454B", "R-32"],
        },
    ]
    return json_response(
        {"page": 1, "pageSize": 50, "hasMore": False, "totalCount": None, "data": rows}
    )
