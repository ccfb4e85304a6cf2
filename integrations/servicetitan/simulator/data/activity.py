"""What happened around a job: its notes and history, its project's notes, and the supplier
bill for the equipment and materials it installed (``Export_InventoryBills``).

Every record derives from its job's plan, so notes, history and bills agree with the job,
its appointments, its project and its invoice lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from integrations.servicetitan.simulator.data import catalog
from integrations.servicetitan.simulator.data.accounting import money, sku_id, sku_name
from integrations.servicetitan.simulator.data.collections import Record
from integrations.servicetitan.simulator.data.crm import customer_name, location_address
from integrations.servicetitan.simulator.data.ids import ID_BASES
from integrations.servicetitan.simulator.data.jobs import job_number, stamp
from integrations.servicetitan.simulator.data.plans import EQUIPMENT, MATERIAL, JobPlan
from integrations.servicetitan.simulator.times import US_PER_DAY, US_PER_HOUR, iso

if TYPE_CHECKING:
    from integrations.servicetitan.simulator.data.tenant import Tenant

#: History entries per job are numbered ``job index * _HISTORY_SLOTS + k`` (a job has at most
#: booked + one per visit (at most 4) + its outcome).
_HISTORY_SLOTS = 8
_ADDRESS = ("street", "unit", "city", "state", "zip", "country")
_SUPPLIERS = (
    ("Ferguson HVAC", "FERG-2210"),
    ("Johnstone Supply", "JS-0417"),
    ("Carrier Enterprise", "CE-7781"),
)


def job_note_count(plan: JobPlan) -> int:
    """The call-taker's note, then one for how the job ended (completed or canceled)."""
    return 1 + (plan.status == "Completed" or plan.cancel_reason is not None)


def bills_of(plan: JobPlan) -> int:
    """A completed job with equipment or materials on its invoice has one supplier bill."""
    return int(plan.status == "Completed" and any(_billed(plan)))


def _billed(plan: JobPlan) -> list[int]:
    return [k for k, line in enumerate(plan.package.lines) if line.type in (EQUIPMENT, MATERIAL)]


def _note_text(t: Tenant, plan: JobPlan, k: int) -> str:
    if k == 0:
        name = customer_name(t, plan.customer)
        kind = catalog.JOB_TYPES[plan.job_type][0]
        return f"{name} called in: {kind}. Gate code on file; call 30 minutes ahead."
    if plan.cancel_reason is not None:
        reason = catalog.JOB_CANCEL_REASONS[plan.cancel_reason]
        return f"Canceled: {reason}."
    return "Work completed and walked through with the homeowner; photos and nameplate attached."


def job_note(t: Tenant, index: int) -> Record:
    job_index, k = t.job_notes.parent_of(index)
    plan = t.plan(job_index)
    modified = t.modified("job-notes", index)
    created = plan.created if k == 0 else (plan.completed or plan.modified)
    record: Record = {
        "id": t.id_of("job-notes", index),
        "jobId": t.id_of("jobs", job_index),
        "text": _note_text(t, plan, k),
        "isPinned": k == 0,
        "createdById": t.employee_id(t.rng("job-notes", index)),
        "active": True,
    }
    return stamp(record, min(created, modified), modified)


_PROJECT_NOTES = (
    "Kickoff: load calculation done, equipment ordered, permit application filed.",
    "Utility rebate paperwork started; AHRI certificate and invoice requested from the office.",
)


def project_note(t: Tenant, index: int) -> Record:
    project_index, k = t.project_notes.parent_of(index)
    job_index, _ = t.job_projects.parent_of(project_index)
    plan = t.plan(job_index)
    modified = t.modified("project-notes", index)
    created = plan.created - US_PER_DAY + k * US_PER_HOUR
    record: Record = {
        "id": t.id_of("project-notes", index),
        "projectId": t.id_of("projects", project_index),
        "text": _PROJECT_NOTES[k % len(_PROJECT_NOTES)],
        "isPinned": k == 0,
        "createdById": t.id_of("employees", 0),
        "active": True,
    }
    return stamp(record, min(created, modified), modified)


def job_history(t: Tenant, index: int) -> Record:
    """``ExportJobHistoryResponse``: the job's status changes, oldest first."""
    plan = t.plan(index)
    rng = t.rng("job-history", index)
    dispatcher = t.employee_id(rng)
    tool = "SmartSchedule" if rng.chance(0.3) else "Manual"
    base = ID_BASES["job-history"] + index * _HISTORY_SLOTS + 1
    entries: list[tuple[str, int, int | None]] = [("Job Booked", plan.created, dispatcher)]
    for visit in plan.visits[: _HISTORY_SLOTS - 2]:
        entries.append(("Appointment Scheduled", min(visit.window_start, plan.modified), None))
    if plan.cancel_reason is not None:
        entries.append(("Job Canceled", plan.modified, dispatcher))
    elif plan.status == "Hold":
        entries.append(("Job On Hold", plan.modified, dispatcher))
    elif plan.completed is not None:
        entries.append(("Job Completed", plan.completed, None))
    history = [
        {
            "id": base + k,
            "employeeId": employee if employee is not None else dispatcher,
            "eventType": event,
            "date": iso(moment),
            "usedSchedulingTool": tool,
        }
        for k, (event, moment, employee) in enumerate(entries)
    ]
    modified = t.modified("job-history", index)
    record: Record = {
        "id": t.id_of("job-history", index),
        "jobId": t.id_of("jobs", index),
        "history": history,
    }
    return stamp(record, plan.created, modified)


def inventory_bill(t: Tenant, index: int) -> Record:
    """The supplier's bill for what a completed job installed, at the lines' unit costs."""
    job_index, _ = t.job_bills.parent_of(index)
    plan = t.plan(job_index)
    rng = t.rng("inventory-bills", index)
    vendor_index = rng.below(len(_SUPPLIERS))
    vendor, vendor_number = _SUPPLIERS[vendor_index]
    billed = plan.completed or plan.modified
    bill_day = billed - billed % US_PER_DAY - 2 * US_PER_DAY
    items = []
    total = 0.0
    for order, k in enumerate(_billed(plan)):
        line = plan.package.lines[k]
        code, name = sku_name(line)
        cost = round(line.quantity * line.unit_cost, 2)
        total += cost
        items.append(
            {
                "order": order + 1,
                "id": t.id_of("inventory-bills", index) * 10 + order,
                "name": name,
                "description": f"<p>{name}</p>",
                "quantity": money(line.quantity),
                "cost": money(line.unit_cost),
                "allocatedTax": "0.00",
                "allocatedShipping": "0.00",
                "allocatedOtherCosts": "0.00",
                "fullyLandedUnitCost": money(line.unit_cost),
                "inventoryLocation": "Main warehouse",
                "serialNumber": None,
                "generalLedgerAccount": None,
                "costOfSaleAccount": None,
                "assetAccount": None,
                "skuId": sku_id(t, line),
                "receiptItemId": None,
                "skuType": line.type,
                "skuCode": code,
                "budgetCodeId": None,
            }
        )
    tax = round(total * 0.0625, 2)
    modified = t.modified("inventory-bills", index)
    record: Record = {
        "id": t.id_of("inventory-bills", index),
        "purchaseOrderId": None,
        "syncStatus": "Pending",
        "referenceNumber": f"INV-{vendor_number}-{index + 1:05d}",
        "vendorNumber": vendor_number,
        "summary": f"Equipment and materials for job {job_number(job_index)}",
        "billDate": iso(bill_day),
        "billAmount": money(total + tax),
        "taxAmount": money(tax),
        "shippingAmount": "0.00",
        "landedCostMethod": "None",
        "otherAmount": "0.00",
        "createdBy": "Office",
        "termName": "Net 30",
        "dueDate": iso(bill_day + 30 * US_PER_DAY),
        "shipToDescription": customer_name(t, plan.customer),
        "postDate": None,
        "batch": None,
        "businessUnit": {
            "id": t.id_of("business-units", plan.business_unit),
            "name": catalog.BUSINESS_UNITS[plan.business_unit].name,
        },
        "taxZone": None,
        "vendor": {"id": 9_500 + vendor_index + 1, "name": vendor},
        "shipTo": {k: v for k, v in location_address(t, plan.location).items() if k in _ADDRESS},
        "budgetCodeId": None,
        "items": items,
        "customFields": [],
        "jobId": t.id_of("jobs", job_index),
        "jobNumber": job_number(job_index),
        "dateReconciled": None,
        "active": True,
    }
    return stamp(record, min(bill_day, modified), modified)
