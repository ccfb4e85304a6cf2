"""JPM writes: jobs (create, update, cancel), appointments, projects, job types; and the
dispatch writes that go with them (assign / unassign technicians, arrival windows)."""

from __future__ import annotations

from typing import Any

from integrations.servicetitan.simulator import operations as ops
from integrations.servicetitan.simulator.data import catalog
from integrations.servicetitan.simulator.data.collections import Record
from integrations.servicetitan.simulator.data.ids import ID_BASES
from integrations.servicetitan.simulator.handlers.base import (
    Call,
    apply_external_create,
    apply_external_update,
    external_data_view,
    handler,
)
from integrations.servicetitan.simulator.handlers.common import (
    custom_fields,
    patch,
    require_ref,
    require_refs,
    unique_ints,
)
from integrations.servicetitan.simulator.http import ApiError, Response, json_response
from integrations.servicetitan.simulator.store import DELETED
from integrations.servicetitan.simulator.times import iso, parse


def _appointment(call: Call, job: Record, number: int, body: dict[str, Any]) -> Record:
    technicians = unique_ints(body.get("technicianIds") or [])
    require_refs(call, "technicians", technicians, "TechnicianIds")
    start = parse(body["start"])
    end = parse(body["end"])
    if end < start:
        raise ApiError(
            400, "One or more validation errors occurred.", {"End": ["End must be after start."]}
        )
    record: Record = {
        "jobId": job["id"],
        "appointmentNumber": f"{job['jobNumber']}-{number}",
        "start": iso(start),
        "end": iso(end),
        "arrivalWindowStart": iso(parse(body["arrivalWindowStart"]))
        if body.get("arrivalWindowStart")
        else None,
        "arrivalWindowEnd": iso(parse(body["arrivalWindowEnd"]))
        if body.get("arrivalWindowEnd")
        else None,
        "status": "Scheduled",
        "specialInstructions": body.get("specialInstructions"),
        "customerId": job["customerId"],
        "unused": False,
        "createdById": 0,
        "isConfirmed": False,
        "active": True,
        "appointmentSummaries": [],
        "_start": start,
        "_technicianIds": technicians,
        "_projectId": job.get("projectId"),
    }
    record = call.store.create("appointments", record)
    for technician in technicians:
        _assign(call, record, technician)
    return record


def _assign(call: Call, appointment: Record, technician_id: int) -> Record:
    tech = call.store.get("technicians", technician_id)
    now = call.store.clock.now()
    return call.store.create(
        "appointment-assignments",
        {
            "technicianId": technician_id,
            "technicianName": (tech or {}).get("name", ""),
            "assignedById": 0,
            "assignedOn": iso(now),
            "status": "Scheduled",
            "isPaused": False,
            "jobId": appointment["jobId"],
            "appointmentId": appointment["id"],
            "active": True,
        },
    )


@handler("jpm", "Jobs_Create")
def jobs_create(call: Call) -> Response:
    body = call.body_dict()
    customer = require_ref(call, "customers", body.get("customerId"), "CustomerId")
    location = require_ref(call, "locations", body.get("locationId"), "LocationId")
    if location.get("customerId") != customer["id"]:
        raise ApiError(
            400,
            "One or more validation errors occurred.",
            {"LocationId": ["The location does not belong to the customer."]},
        )
    unit = require_ref(call, "business-units", body.get("businessUnitId"), "BusinessUnitId")
    require_ref(call, "job-types", body.get("jobTypeId"), "JobTypeId")
    require_ref(call, "campaigns", body.get("campaignId"), "CampaignId")
    tags = unique_ints(body.get("tagTypeIds") or [])
    require_refs(call, "tag-types", tags, "TagTypeIds")
    appointments = body.get("appointments") or []
    if not appointments:
        raise ApiError(
            400,
            "One or more validation errors occurred.",
            {"Appointments": ["At least one appointment is required."]},
        )
    job_id = call.store.allocate_id("jobs")
    assert isinstance(job_id, int)
    invoice_id = call.store.allocate_id("invoices")
    number = str(20_000 + job_id - ID_BASES["jobs"] - 1)
    job: Record = {
        "id": job_id,
        "jobNumber": number,
        "projectId": body.get("projectId"),
        "customerId": customer["id"],
        "locationId": location["id"],
        "jobStatus": "Scheduled",
        "completedOn": None,
        "businessUnitId": unit["id"],
        "jobTypeId": body["jobTypeId"],
        "priority": body.get("priority") or "Normal",
        "campaignId": body["campaignId"],
        "appointmentCount": 0,
        "firstAppointmentId": 0,
        "lastAppointmentId": 0,
        "recallForId": None,
        "warrantyId": None,
        "jobGeneratedLeadSource": body.get("jobGeneratedLeadSource"),
        "noCharge": bool(body.get("noCharge") or False),
        "notificationsEnabled": True,
        "createdById": 0,
        "tagTypeIds": tags,
        "leadCallId": None,
        "partnerLeadCallId": body.get("partnerLeadCallId"),
        "bookingId": body.get("bookingId"),
        "soldById": body.get("soldById"),
        "customerPo": body.get("customerPo") or "",
        "invoiceId": invoice_id,
        "membershipId": None,
        "total": 0.0,
        "createdFromEstimateId": None,
        "estimateIds": [],
        "equipmentIds": [],
        "isAutoDispatched": False,
        "summary": body.get("summary") or "",
        "customFields": custom_fields(body.get("customFields")),
        "externalData": [],
        "summaryOfWork": None,
        "active": True,
        "_completed": None,
    }
    apply_external_create(job, body.get("externalData"))
    call.store.create("jobs", job)
    for n, appointment in enumerate(appointments, start=1):
        _appointment(call, job, n, appointment)
    _create_job_invoice(call, job, customer, location, unit)
    job = ops.job_of(call.store, job_id)
    ops.refresh_job_schedule(call.store, job)
    saved = call.store.save("jobs", job)
    return call.respond(saved, decorate=external_data_view)


def _create_job_invoice(
    call: Call, job: Record, customer: Record, location: Record, unit: Record
) -> Record:
    address = {
        k: (location.get("address") or {}).get(k)
        for k in ("street", "unit", "city", "state", "zip", "country")
    }
    job_type = call.store.get("job-types", job["jobTypeId"]) or {}
    return call.store.create(
        "invoices",
        {
            "id": job["invoiceId"],
            "syncStatus": "Pending",
            "budgetCodeId": None,
            "referenceNumber": job["jobNumber"],
            "invoiceDate": None,
            "dueDate": None,
            "subTotal": "0.00",
            "salesTax": "0.00",
            "salesTaxCode": None,
            "taxZoneId": None,
            "total": "0.00",
            "balance": "0.00",
            "invoiceType": None,
            "customer": {"id": customer["id"], "name": customer["name"]},
            "customerAddress": address,
            "location": {"id": location["id"], "name": location.get("name")},
            "locationAddress": address,
            "businessUnit": {"id": unit["id"], "name": unit["name"]},
            "termName": "Due Upon Receipt",
            "createdBy": "API",
            "batch": None,
            "depositedOn": None,
            "adjustmentToId": None,
            "job": {"id": job["id"], "number": job["jobNumber"], "type": job_type.get("name")},
            "projectId": job.get("projectId"),
            "royalty": None,
            "employeeInfo": None,
            "commissionEligibilityDate": None,
            "sentStatus": "NotSent",
            "reviewStatus": "NeedsReview",
            "assignedTo": None,
            "summary": job.get("summary"),
            "items": [],
            "customFields": [],
            "active": True,
            "discountTotal": "0.00",
            "importId": None,
            "exportId": None,
            "materialSkuId": None,
            "membershipId": None,
            "paidOn": None,
            "invoiceConfiguration": "JobInvoice",
            "_jobId": job["id"],
            "_customerId": customer["id"],
            "_businessUnitId": unit["id"],
        },
    )


_JOB_FIELDS = (
    "priority", "summary", "customerPo", "soldById", "isAutoDispatched", "summaryOfWork",
    "noCharge", "jobGeneratedLeadSource",
)  # fmt: skip


@handler("jpm", "Jobs_Update")
def jobs_update(call: Call) -> Response:
    """PATCH: only sent fields change; ``tagTypeIds`` and ``customFields`` replace the whole
    list (ServiceTitan documents both as "must describe the full list")."""
    body = call.body_dict()
    job = ops.job_of(call.store, call.int_param("id"))
    for key, resource in (
        ("customerId", "customers"),
        ("locationId", "locations"),
        ("businessUnitId", "business-units"),
        ("jobTypeId", "job-types"),
        ("campaignId", "campaigns"),
    ):
        if body.get(key) is not None:
            require_ref(call, resource, body[key], key[:1].upper() + key[1:])
            job[key] = body[key]
    patch(job, body, _JOB_FIELDS)
    if body.get("tagTypeIds") is not None:
        tags = unique_ints(body["tagTypeIds"])
        require_refs(call, "tag-types", tags, "TagTypeIds")
        job["tagTypeIds"] = tags
    if body.get("customFields") is not None:
        job["customFields"] = custom_fields(body["customFields"])
    apply_external_update(job, body.get("externalData"))
    return call.respond(call.store.save("jobs", job), decorate=external_data_view)


@handler("jpm", "Jobs_Cancel")
def jobs_cancel(call: Call) -> Response:
    body = call.body_dict()
    ops.cancel_job(
        call.store, call.int_param("id"), int(body["reasonId"]), str(body.get("memo") or "")
    )
    return call.success()


@handler("jpm", "Jobs_RemoveCancellation")
def jobs_remove_cancellation(call: Call) -> Response:
    ops.remove_cancellation(call.store, call.int_param("id"))
    return call.success()


@handler("jpm", "Jobs_GetCancelReasons")
def jobs_cancel_reasons(call: Call) -> Response:
    """Why the given jobs (``ids``) were canceled."""
    raw = call.arg("ids") or ""
    ids = [int(p) for p in raw.split(",") if p.strip().isdigit()][:50]
    rows = []
    for job_id in ids:
        job = call.store.get("jobs", job_id)
        if job is None or job.get("jobStatus") != "Canceled":
            continue
        reason_id = job.get("_cancelReasonId")
        memo = job.get("_cancelMemo")
        if reason_id is None:
            index = job_id - ID_BASES["jobs"] - 1
            if 0 <= index < call.tenant.job_count:
                plan_reason = call.tenant.plan(index).cancel_reason or 0
                reason_id = ID_BASES["job-cancel-reasons"] + plan_reason + 1
                memo = catalog.JOB_CANCEL_REASONS[plan_reason]
        reason = call.store.get("job-cancel-reasons", int(reason_id or 0)) or {}
        rows.append(
            {
                "jobId": job_id,
                "reasonId": reason_id or 0,
                "name": reason.get("name", ""),
                "text": memo or "",
            }
        )
    return json_response(
        {"page": 1, "pageSize": 50, "hasMore": False, "totalCount": None, "data": call.rows(rows)}
    )


@handler("jpm", "JobEquipment_Get")
def job_equipment(call: Call) -> Response:
    job = call.record("jobs", call.int_param("id"), "Job")
    return json_response({"equipmentIds": list(job.get("equipmentIds") or [])})


@handler("jpm", "JobEquipment_Attach", "JobEquipment_DetachBulk")
def job_equipment_change(call: Call) -> Response:
    job = ops.job_of(call.store, call.int_param("id"))
    equipment = unique_ints(call.body_dict().get("equipmentIds") or [])
    require_refs(call, "installed-equipment", equipment, "EquipmentIds")
    current = [e for e in job.get("equipmentIds") or [] if e not in equipment]
    job["equipmentIds"] = current + equipment if call.operation.method == "POST" else current
    saved = call.store.save("jobs", job)
    if call.operation.method == "POST":
        return json_response({"equipmentIds": saved["equipmentIds"]})
    return call.success()


# --- appointments --------------------------------------------------------------------------------


@handler("jpm", "Appointments_Add")
def appointments_add(call: Call) -> Response:
    body = call.body_dict()
    job = ops.job_of(call.store, int(body["jobId"]))
    if job.get("jobStatus") in ("Completed", "Canceled"):
        raise ApiError(409, f"Cannot add an appointment to a {job['jobStatus'].lower()} job.")
    existing = ops.job_appointments(call.store, job["id"])
    appointment = _appointment(call, job, len(existing) + 1, body)
    job = ops.job_of(call.store, job["id"])
    ops.refresh_job_schedule(call.store, job)
    call.store.save("jobs", job)
    return call.respond(appointment)


def _editable_appointment(call: Call) -> Record:
    return call.editable("appointments", call.int_param("id"), "Appointment")


def _save_appointment(call: Call, appointment: Record) -> Record:
    saved = call.store.save("appointments", appointment)
    job = ops.job_of(call.store, saved["jobId"])
    ops.refresh_job_schedule(call.store, job)
    call.store.save("jobs", job)
    return saved


@handler("jpm", "Appointments_Delete")
def appointments_delete(call: Call) -> Response:
    appointment = _editable_appointment(call)
    live = [a for a in ops.job_appointments(call.store, appointment["jobId"]) if not a.get(DELETED)]
    if len(live) <= 1:
        raise ApiError(409, "A job must keep at least one appointment.")
    for assignment in ops.appointment_assignments(call.store, appointment["id"]):
        changed = call.store.editable("appointment-assignments", assignment["id"])
        if changed is not None:
            changed["active"] = False
            call.store.save("appointment-assignments", changed)
    call.store.delete("appointments", appointment)
    job = ops.job_of(call.store, appointment["jobId"])
    ops.refresh_job_schedule(call.store, job)
    call.store.save("jobs", job)
    return call.success()


@handler("jpm", "Appointments_Reschedule")
def appointments_reschedule(call: Call) -> Response:
    appointment = _editable_appointment(call)
    body = call.body_dict()
    for key in ("start", "end", "arrivalWindowStart", "arrivalWindowEnd"):
        if key in body:
            appointment[key] = iso(parse(body[key])) if body[key] else None
    appointment["_start"] = parse(appointment["start"])
    return call.respond(_save_appointment(call, appointment))


@handler("jpm", "Appointments_Hold", "Appointments_RemoveHold")
def appointments_hold(call: Call) -> Response:
    appointment = _editable_appointment(call)
    holding = call.operation.method == "PUT"
    if holding and appointment.get("status") in ("Done", "Canceled"):
        raise ApiError(409, "A finished appointment cannot be put on hold.")
    appointment["status"] = "Hold" if holding else "Scheduled"
    _save_appointment(call, appointment)
    return call.success()


@handler("jpm", "Appointments_Confirm", "Appointments_RemoveConfirmation")
def appointments_confirm(call: Call) -> Response:
    appointment = _editable_appointment(call)
    appointment["isConfirmed"] = call.operation.method == "PUT"
    call.store.save("appointments", appointment)
    return call.success()


@handler("jpm", "Appointments_UpdateSpecialInstructions")
def appointments_special_instructions(call: Call) -> Response:
    appointment = _editable_appointment(call)
    appointment["specialInstructions"] = call.body_dict().get("specialInstructions")
    return call.respond(call.store.save("appointments", appointment))


@handler(
    "dispatch",
    "AppointmentAssignments_AssignTechnicians",
    "AppointmentAssignments_UnassignTechnicians",
)
def assignments_change(call: Call) -> Response:
    body = call.body_dict()
    appointment = call.editable("appointments", int(body["jobAppointmentId"]), "Appointment")
    technicians = unique_ints(body.get("technicianIds") or [])
    require_refs(call, "technicians", technicians, "TechnicianIds")
    if appointment.get("status") in ("Done", "Canceled"):
        raise ApiError(
            409, f"Cannot change technicians of a {appointment['status'].lower()} appointment."
        )
    current = ops.appointment_assignments(call.store, appointment["id"])
    assigned = {a["technicianId"]: a for a in current}
    if call.operation.operation_id == "AppointmentAssignments_AssignTechnicians":
        for technician in technicians:
            if technician not in assigned:
                _assign(call, appointment, technician)
        ids = list(dict.fromkeys([*(appointment.get("_technicianIds") or []), *technicians]))
    else:
        for technician in technicians:
            assignment = assigned.get(technician)
            if assignment is not None:
                changed = call.store.editable("appointment-assignments", assignment["id"])
                if changed is not None:
                    changed["active"] = False
                    call.store.save("appointment-assignments", changed)
        ids = [t for t in appointment.get("_technicianIds") or [] if t not in technicians]
    appointment["_technicianIds"] = ids
    saved = _save_appointment(call, appointment)
    return call.respond(saved)


# --- projects and job types ----------------------------------------------------------------------


@handler("jpm", "Projects_Create")
def projects_create(call: Call) -> Response:
    body = call.body_dict()
    location = require_ref(call, "locations", body.get("locationId"), "LocationId")
    customer_id = body.get("customerId") or location["customerId"]
    customer = require_ref(call, "customers", customer_id, "CustomerId")
    project_id = call.store.allocate_id("projects")
    record: Record = {
        "id": project_id,
        "number": f"P-{project_id}",
        "name": body.get("name") or f"{customer.get('name')} project",
        "summary": body.get("summary"),
        "status": None,
        "statusId": body.get("statusId"),
        "subStatus": None,
        "subStatusId": body.get("subStatusId"),
        "customerId": customer["id"],
        "locationId": location["id"],
        "projectTypeId": body.get("projectTypeId"),
        "projectManagerIds": unique_ints(body.get("projectManagerIds") or []),
        "businessUnitIds": unique_ints(body.get("businessUnitIds") or []),
        "startDate": body.get("startDate"),
        "targetCompletionDate": body.get("targetCompletionDate"),
        "actualCompletionDate": body.get("actualCompletionDate"),
        "customFields": custom_fields(body.get("customFields")),
        "externalData": [],
        "jobIds": [],
        "active": True,
    }
    _project_status(call, record)
    apply_external_create(record, body.get("externalData"))
    return call.respond(call.store.create("projects", record), decorate=external_data_view)


def _project_status(call: Call, record: Record) -> None:
    if record.get("statusId") is not None:
        status = call.store.get("project-statuses", record["statusId"])
        if status is None:
            raise ApiError(
                400,
                "One or more validation errors occurred.",
                {"StatusId": ["Unknown project status."]},
            )
        record["status"] = status["name"]


@handler("jpm", "Projects_Update")
def projects_update(call: Call) -> Response:
    body = call.body_dict()
    record = call.editable("projects", call.int_param("id"), "Project")
    patch(
        record,
        body,
        (
            "name",
            "summary",
            "statusId",
            "subStatusId",
            "projectTypeId",
            "startDate",
            "targetCompletionDate",
            "actualCompletionDate",
            "projectManagerIds",
            "jobIds",
            "businessUnitIds",
        ),
    )
    if body.get("customFields") is not None:
        record["customFields"] = custom_fields(body["customFields"])
    _project_status(call, record)
    apply_external_update(record, body.get("externalData"))
    return call.respond(call.store.save("projects", record), decorate=external_data_view)


_JOB_TYPE_FIELDS = (
    "name", "businessUnitIds", "skills", "tagTypeIds", "priority", "duration", "soldThreshold",
    "class", "summary", "noCharge", "enforceRecurringServiceEventSelection",
    "invoiceSignaturesRequired", "defaultEstimateSoldAction", "customFieldTypeIds",
)  # fmt: skip


@handler("jpm", "JobTypes_Create")
def job_types_create(call: Call) -> Response:
    body = call.body_dict()
    record: Record = {
        "businessUnitIds": [],
        "skills": [],
        "tagTypeIds": [],
        "priority": "Normal",
        "duration": 3600,
        "class": "Service",
        "summary": "",
        "noCharge": False,
        "invoiceSignaturesRequired": False,
        "externalData": [],
        "active": True,
        "isSmartDispatched": False,
        "defaultEstimateSoldAction": "None",
        "customFieldTypeIds": [],
    }
    patch(record, {k: v for k, v in body.items() if v is not None}, _JOB_TYPE_FIELDS)
    apply_external_create(record, body.get("externalData"))
    return call.respond(call.store.create("job-types", record), decorate=external_data_view)


@handler("jpm", "JobTypes_Update")
def job_types_update(call: Call) -> Response:
    body = call.body_dict()
    record = call.editable("job-types", call.int_param("id"), "Job type")
    patch(record, {k: v for k, v in body.items() if k != "customFieldTypeIds"}, _JOB_TYPE_FIELDS)
    if body.get("customFieldTypeIds") is not None:
        if (body.get("customFieldsUpdateMode") or "Replace") == "Merge":
            record["customFieldTypeIds"] = unique_ints(
                [*record.get("customFieldTypeIds", []), *body["customFieldTypeIds"]]
            )
        else:
            record["customFieldTypeIds"] = unique_ints(body["customFieldTypeIds"])
    apply_external_update(record, body.get("externalData"))
    return call.respond(call.store.save("job-types", record), decorate=external_data_view)


# --- arrival windows -----------------------------------------------------------------------------


@handler("dispatch", "ArrivalWindows_Create")
def arrival_windows_create(call: Call) -> Response:
    body = call.body_dict()
    record: Record = {
        "start": body["start"],
        "duration": body["duration"],
        "businessUnitIds": unique_ints(body.get("businessUnitIds") or []),
        "active": True,
    }
    return call.respond(call.store.create("arrival-windows", record))


@handler("dispatch", "ArrivalWindows_Update")
def arrival_windows_update(call: Call) -> Response:
    record = call.editable("arrival-windows", call.int_param("id"), "Arrival window")
    body = call.body_dict()
    record["start"] = body["start"]
    record["duration"] = body["duration"]
    record["businessUnitIds"] = unique_ints(body.get("businessUnitIds") or [])
    return call.respond(call.store.save("arrival-windows", record))


@handler("dispatch", "ArrivalWindows_Activated")
def arrival_windows_activated(call: Call) -> Response:
    record = call.editable("arrival-windows", call.int_param("id"), "Arrival window")
    record["active"] = bool(call.body_dict().get("isActive"))
    call.store.save("arrival-windows", record)
    return call.success()
