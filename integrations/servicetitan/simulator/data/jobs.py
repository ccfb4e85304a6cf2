"""Jobs (JPM) and what schedules them: appointments, technician assignments, projects and
cancel logs. Everything is read off the job's plan (``plans.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from integrations.servicetitan.simulator.data import catalog
from integrations.servicetitan.simulator.data.collections import CREATED, MODIFIED, Record
from integrations.servicetitan.simulator.data.crm import customer_name
from integrations.servicetitan.simulator.data.ids import ID_BASES
from integrations.servicetitan.simulator.data.templates import Described, RowSpec, json_text
from integrations.servicetitan.simulator.times import US_PER_DAY, iso, iso_or_none

if TYPE_CHECKING:
    from integrations.servicetitan.simulator.data.plans import JobPlan
    from integrations.servicetitan.simulator.data.tenant import Tenant

#: Appointment statuses an assignment can report (its enum has no Hold/Canceled).
_ASSIGNMENT_STATUS: Final = {
    "Scheduled": "Scheduled",
    "Dispatched": "Dispatched",
    "Working": "Working",
    "Done": "Done",
    "Hold": "Scheduled",
    "Canceled": "Scheduled",
}


def stamp(record: Record, created: int, modified: int) -> Record:
    record["createdOn"] = iso(created)
    record["modifiedOn"] = iso(modified)
    record[CREATED] = created
    record[MODIFIED] = modified
    return record


def job_number(index: int) -> str:
    return str(20_000 + index)


def job_summary(plan: JobPlan) -> str:
    """One line of HTML describing the work (memoised per package: jobs share packages)."""
    # Keyed by identity (hashing a package tuple would cost more than rendering); the stored
    # package reference keeps the id from being reused.
    key = (plan.job_type, id(plan.package), plan.status == "Completed")
    found = _SUMMARIES.get(key)
    if found is None or found[0] is not plan.package:
        found = _SUMMARIES[key] = (plan.package, _job_summary(plan))
    return found[1]


_SUMMARIES: dict[tuple[int, int, bool], tuple[object, str]] = {}


def _job_summary(plan: JobPlan) -> str:
    name = catalog.JOB_TYPES[plan.job_type][0]
    if plan.equipment:
        model = catalog.EQUIPMENT[plan.equipment[0]]
        return f"<p>{name}: install {model.name} ({model.model}).</p>"
    if plan.estimates and plan.kind.install:
        sold = [e for e in plan.estimates if e.status == "Sold"]
        lines = (sold or list(plan.estimates))[0].lines
        units = [catalog.EQUIPMENT[line.sku].name for line in lines if line.type == "Equipment"]
        if units:
            return f"<p>{name}: {units[0]}. Customer approved proposal.</p>"
    return f"<p>{name}.</p>"


def job_custom_fields(plan: JobPlan) -> list[dict[str, object]]:
    fields: list[dict[str, object]] = []
    if "Rebate Needed" in plan.tags:
        fields.append({"typeId": 7001, "name": "Rebate Program", "value": "Utility"})
    if plan.permit_number:
        fields.append({"typeId": 7002, "name": "Permit Number", "value": plan.permit_number})
    if plan.ahri_reference:
        fields.append({"typeId": 7003, "name": "AHRI Reference", "value": plan.ahri_reference})
    return fields


_JOBS, _APPOINTMENTS, _ESTIMATES, _EQUIPMENT, _INVOICES = (
    ID_BASES["jobs"] + 1,
    ID_BASES["appointments"] + 1,
    ID_BASES["estimates"] + 1,
    ID_BASES["installed-equipment"] + 1,
    ID_BASES["invoices"] + 1,
)
_TECHNICIANS, _CUSTOMERS, _LOCATIONS = (
    ID_BASES["technicians"] + 1,
    ID_BASES["customers"] + 1,
    ID_BASES["locations"] + 1,
)


def job(t: Tenant, index: int) -> Record:
    """A ``JobResponse`` (+ ``active`` for exports). The hottest generator: every export page of
    the jobs feed calls it 5,000 times, hence the precomputed id bases and memoised pieces."""
    plan = t.plan(index)
    visits = t.job_visits.range_of(index)
    estimates = t.job_estimates.range_of(index)
    equipment = t.job_equipment.range_of(index)
    projects = t.job_projects.range_of(index)
    estimate_base = _ESTIMATES + estimates.start
    sold_estimate = next(
        (estimate_base + k for k, e in enumerate(plan.estimates) if e.status == "Sold"), None
    )
    total = plan.totals()[2] if plan.status == "Completed" else 0.0
    modified = t.modified("jobs", index)
    tag_ids = t.tag_ids
    ids = ID_BASES
    record: Record = {
        "id": _JOBS + index,
        "jobNumber": str(20_000 + index),
        "projectId": ids["projects"] + 1 + projects.start if projects else None,
        "customerId": _CUSTOMERS + plan.customer,
        "locationId": _LOCATIONS + plan.location,
        "jobStatus": plan.status,
        "completedOn": None if plan.completed is None else iso(plan.completed),
        "businessUnitId": ids["business-units"] + 1 + plan.business_unit,
        "jobTypeId": ids["job-types"] + 1 + plan.job_type,
        "priority": plan.priority,
        "campaignId": ids["campaigns"] + 1 + plan.campaign,
        "appointmentCount": len(visits),
        "firstAppointmentId": _APPOINTMENTS + visits.start,
        "lastAppointmentId": _APPOINTMENTS + visits.stop - 1,
        "recallForId": None,
        "warrantyId": None,
        "jobGeneratedLeadSource": None,
        "noCharge": plan.kind.key == "warranty",
        "notificationsEnabled": True,
        "createdOn": iso(plan.created),
        "createdById": ids["employees"] + 1 + index % 6,
        "modifiedOn": iso(modified),
        "tagTypeIds": [tag_ids[name] for name in plan.tags],
        "leadCallId": None,
        "partnerLeadCallId": None,
        "bookingId": None,
        "soldById": None if plan.sold_by is None else _TECHNICIANS + plan.sold_by,
        "customerPo": "",
        "invoiceId": _INVOICES + index,
        "membershipId": None,
        "total": total,
        "createdFromEstimateId": None,
        "estimateIds": list(range(estimate_base, estimate_base + len(estimates))),
        "equipmentIds": list(range(_EQUIPMENT + equipment.start, _EQUIPMENT + equipment.stop)),
        "isAutoDispatched": False,
        "summary": job_summary(plan),
        "customFields": job_custom_fields(plan),
        "externalData": [],
        "summaryOfWork": None,
        "active": True,
        "_technicianIds": [_TECHNICIANS + tech for tech in plan.technicians],
        "_starts": [visit.start for visit in plan.visits],
        "_completed": plan.completed,
        "_soldEstimateId": sold_estimate,
        CREATED: plan.created,
        MODIFIED: modified,
    }
    blemish = t.imperfect("jobs", index)
    if blemish is not None:
        if blemish.chance(0.5):
            record["customerPo"] = None  # declared non-null
        else:
            record["priority"] = None
    return record


def job_rows(t: Tenant) -> RowSpec:
    """Jobs rendered from templates (see ``templates.py``): one per (status, no charge);
    every value :func:`job` computes per job is a hole."""
    ids = ID_BASES
    projects_base = ids["projects"] + 1
    units_base = ids["business-units"] + 1
    types_base = ids["job-types"] + 1
    campaigns_base = ids["campaigns"] + 1
    employees_base = ids["employees"] + 1
    texts: dict[object, str] = {}

    def text(value: object) -> str:
        """Memoised JSON text of a hashable value shared by many jobs (summaries, tag sets)."""
        found = texts.get(value)
        if found is None:
            found = texts[value] = json_text(value)
        return found

    def id_list(start: int, stop: int) -> str:
        return "[" + ",".join(map(str, range(start, stop))) + "]"

    def describe(index: int) -> Described | None:
        if t.imperfect("jobs", index) is not None:
            return None
        plan = t.plan(index)
        visits = t.job_visits.range_of(index)
        estimates = t.job_estimates.range_of(index)
        equipment = t.job_equipment.range_of(index)
        projects = t.job_projects.range_of(index)
        fields = job_custom_fields(plan)
        completed = plan.status == "Completed"
        return (
            (plan.status, plan.kind.key == "warranty"),
            (
                text(job_summary(plan)),
                json_text(fields) if fields else "[]",
                _JOBS + index,
                20_000 + index,
                projects_base + projects.start if projects else "null",
                _CUSTOMERS + plan.customer,
                _LOCATIONS + plan.location,
                "null" if plan.completed is None else f'"{iso(plan.completed)}"',
                units_base + plan.business_unit,
                types_base + plan.job_type,
                text(plan.priority),
                campaigns_base + plan.campaign,
                len(visits),
                _APPOINTMENTS + visits.start,
                _APPOINTMENTS + visits.stop - 1,
                iso(plan.created),
                employees_base + index % 6,
                iso(t.modified("jobs", index)),
                text(tuple(t.tag_ids[name] for name in plan.tags)),
                "null" if plan.sold_by is None else _TECHNICIANS + plan.sold_by,
                _INVOICES + index,
                json_text(plan.totals()[2] if completed else 0.0),
                id_list(_ESTIMATES + estimates.start, _ESTIMATES + estimates.stop),
                id_list(_EQUIPMENT + equipment.start, _EQUIPMENT + equipment.stop),
            ),
        )

    return RowSpec(
        holes=(
            "summary",
            "customFields",
            "id",
            "jobNumber",
            "projectId",
            "customerId",
            "locationId",
            "completedOn",
            "businessUnitId",
            "jobTypeId",
            "priority",
            "campaignId",
            "appointmentCount",
            "firstAppointmentId",
            "lastAppointmentId",
            "createdOn",
            "createdById",
            "modifiedOn",
            "tagTypeIds",
            "soldById",
            "invoiceId",
            "total",
            "estimateIds",
            "equipmentIds",
        ),
        text=frozenset({"jobNumber", "createdOn", "modifiedOn"}),
        describe=describe,
    )


_INSTRUCTIONS: Final = (
    None,
    None,
    "Gate code 4412#",
    "Dog in backyard",
    "Call 30 min ahead",
    "Park in street",
)
_INSTRUCTION_TEXTS: Final = tuple(json_text(value) for value in _INSTRUCTIONS)


def appointment(t: Tenant, index: int) -> Record:
    job_index, k = t.job_visits.parent_of(index)
    plan = t.plan(job_index)
    visit = plan.visits[k]
    rng = t.rng("appointments", index)
    record: Record = {
        "id": t.id_of("appointments", index),
        "jobId": t.id_of("jobs", job_index),
        "appointmentNumber": f"{job_number(job_index)}-{k + 1}",
        "start": iso(visit.start),
        "end": iso(visit.end),
        "arrivalWindowStart": iso(visit.window_start),
        "arrivalWindowEnd": iso(visit.window_end),
        "status": visit.status,
        "specialInstructions": rng.choice(_INSTRUCTIONS),
        "customerId": t.id_of("customers", plan.customer),
        "unused": False,
        "createdById": t.employee_id(rng),
        "isConfirmed": visit.status != "Scheduled" or rng.chance(0.6),
        "active": visit.status != "Canceled",
        "appointmentSummaries": [],
        "_start": visit.start,
        "_technicianIds": [t.id_of("technicians", tech) for tech in plan.technicians],
        "_projectId": None,
    }
    blemish = t.imperfect("appointments", index)
    if blemish is not None:
        record["status"] = ("Scheduled", "Dispatched", "Working", "Hold", "Done", "Canceled").index(
            visit.status
        )
    created = plan.created + k * 60_000_000
    return stamp(record, created, t.modified("appointments", index))


def appointment_rows(t: Tenant) -> RowSpec:
    """Appointments rendered from one template per visit status (same draws as
    :func:`appointment`, in the same order)."""
    employees = t.reference["employees"]
    pool = min(len(employees), 6)

    def describe(index: int) -> Described | None:
        if t.imperfect("appointments", index) is not None:
            return None
        job_index, k = t.job_visits.parent_of(index)
        plan = t.plan(job_index)
        visit = plan.visits[k]
        rng = t.rng("appointments", index)
        instructions = _INSTRUCTION_TEXTS[rng.below(len(_INSTRUCTIONS))]
        author = employees[rng.below(pool)]["id"]
        confirmed = visit.status != "Scheduled" or rng.chance(0.6)
        return (
            visit.status,
            (
                _APPOINTMENTS + index,
                _JOBS + job_index,
                f"{20_000 + job_index}-{k + 1}",
                iso(visit.start),
                iso(visit.end),
                iso(visit.window_start),
                iso(visit.window_end),
                instructions,
                iso(plan.created + k * 60_000_000),
                iso(t.modified("appointments", index)),
                _CUSTOMERS + plan.customer,
                author,
                "true" if confirmed else "false",
            ),
        )

    return RowSpec(
        holes=(
            "id",
            "jobId",
            "appointmentNumber",
            "start",
            "end",
            "arrivalWindowStart",
            "arrivalWindowEnd",
            "specialInstructions",
            "createdOn",
            "modifiedOn",
            "customerId",
            "createdById",
            "isConfirmed",
        ),
        text=frozenset(
            {
                "appointmentNumber",
                "start",
                "end",
                "arrivalWindowStart",
                "arrivalWindowEnd",
                "createdOn",
                "modifiedOn",
            }
        ),
        describe=describe,
    )


def assignment(t: Tenant, index: int) -> Record:
    visit_index, k = t.visit_assignments.parent_of(index)
    job_index, v = t.job_visits.parent_of(visit_index)
    plan = t.plan(job_index)
    visit = plan.visits[v]
    tech_index = plan.technicians[k]
    tech = t.technician(tech_index)
    assigned = min(plan.created + (v + 1) * 3_600_000_000, visit.start)
    record: Record = {
        "id": t.id_of("appointment-assignments", index),
        "technicianId": tech["id"],
        "technicianName": tech["name"],
        "assignedById": t.employee_id(t.rng("appointment-assignments", index)),
        "assignedOn": iso(assigned),
        "status": _ASSIGNMENT_STATUS[visit.status],
        "isPaused": False,
        "jobId": t.id_of("jobs", job_index),
        "appointmentId": t.id_of("appointments", visit_index),
        "active": visit.status != "Canceled",
    }
    return stamp(record, assigned, t.modified("appointment-assignments", index))


def project(t: Tenant, index: int) -> Record:
    job_index, _ = t.job_projects.parent_of(index)
    plan = t.plan(job_index)
    rng = t.rng("projects", index)
    done = plan.status == "Completed"
    status = 2 if done else (3 if plan.status == "Hold" else 1)
    start = plan.visits[0].start - rng.between(3, 20) * US_PER_DAY
    record: Record = {
        "id": t.id_of("projects", index),
        "number": f"P-{4000 + index}",
        "name": f"{customer_name(t, plan.customer)} - whole-home electrification",
        "summary": "<p>Heat pump conversion with duct modifications and electrical upgrade.</p>",
        "status": catalog.PROJECT_STATUSES[status],
        "statusId": ID_BASES["project-statuses"] + status + 1,
        "subStatus": None,
        "subStatusId": None,
        "customerId": t.id_of("customers", plan.customer),
        "locationId": t.id_of("locations", plan.location),
        "projectTypeId": None,
        "projectManagerIds": [t.id_of("employees", 0)],
        "businessUnitIds": [t.id_of("business-units", plan.business_unit)],
        "startDate": iso(start),
        "targetCompletionDate": iso(plan.visits[-1].end + 7 * US_PER_DAY),
        "actualCompletionDate": iso_or_none(plan.completed),
        "customFields": [],
        "externalData": [],
        "jobIds": [t.id_of("jobs", job_index)],
        "active": True,
    }
    return stamp(record, plan.created - US_PER_DAY, t.modified("projects", index))


def canceled_log(t: Tenant, index: int) -> Record:
    job_index, _ = t.job_cancels.parent_of(index)
    plan = t.plan(job_index)
    reason = plan.cancel_reason or 0
    rng = t.rng("job-canceled-logs", index)
    modified = t.modified("job-canceled-logs", index)
    record: Record = {
        "id": t.id_of("job-canceled-logs", index),
        "jobId": t.id_of("jobs", job_index),
        "reasonId": t.id_of("job-cancel-reasons", reason),
        "memo": catalog.JOB_CANCEL_REASONS[reason],
        "createdById": t.employee_id(rng),
        "active": True,
    }
    return stamp(record, modified, modified)
