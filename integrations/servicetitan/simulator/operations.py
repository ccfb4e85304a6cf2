"""Domain mutations shared by API handlers and the ``/_sim/`` control API.

Each function changes records through the store (so ``modifiedOn`` moves and exports see the
change) and keeps related records consistent: completing a job closes its appointments and
assignments, touching an invoice item re-totals the invoice, selling an estimate dismisses
nothing but stamps ``soldOn``/``soldBy``, and so on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from integrations.servicetitan.simulator.data.accounting import INVOICE_ITEM_KEYS, money
from integrations.servicetitan.simulator.data.collections import Record, RecordId
from integrations.servicetitan.simulator.data.ids import ID_BASES
from integrations.servicetitan.simulator.data.offsets import Offsets
from integrations.servicetitan.simulator.data.sales import status_model
from integrations.servicetitan.simulator.http import ApiError, not_found, validation_error
from integrations.servicetitan.simulator.store import DELETED, Store
from integrations.servicetitan.simulator.times import iso, parse


def _base_children(store: Store, parent: str, offsets: Offsets, parent_id: RecordId) -> range:
    if not isinstance(parent_id, int):
        return range(0)
    index = parent_id - ID_BASES[parent] - 1
    if 0 <= index < offsets.parents:
        return offsets.range_of(index)
    return range(0)


def children(
    store: Store,
    resource: str,
    key: str,
    parent_id: RecordId,
    base: Iterable[int] = (),
    *,
    include_deleted: bool = False,
) -> list[Record]:
    """Current child records: the seeded ones (``base`` indices) plus any created at run time."""
    state = store.state(resource)
    found: list[Record] = []
    for index in base:
        record = store.get(resource, state.base.id_at(index), include_deleted=include_deleted)
        if record is not None and record.get(key) == parent_id:
            found.append(record)
    for record_id in list(state.created):
        record = state.overlay[record_id]
        if record.get(key) == parent_id and (include_deleted or not record.get(DELETED)):
            found.append(record)
    return found


def job_appointments(store: Store, job_id: int) -> list[Record]:
    t = store.tenant
    return children(
        store, "appointments", "jobId", job_id, _base_children(store, "jobs", t.job_visits, job_id)
    )


def appointment_assignments(
    store: Store, appointment_id: int, *, include_inactive: bool = False
) -> list[Record]:
    t = store.tenant
    base = _base_children(store, "appointments", t.visit_assignments, appointment_id)
    found = children(store, "appointment-assignments", "appointmentId", appointment_id, base)
    return found if include_inactive else [a for a in found if a.get("active")]


def invoice_items(store: Store, invoice_id: int) -> list[Record]:
    t = store.tenant
    return children(
        store,
        "invoice-items",
        "invoiceId",
        invoice_id,
        _base_children(store, "invoices", t.invoice_lines, invoice_id),
    )


def estimate_items(store: Store, estimate_id: int) -> list[Record]:
    t = store.tenant
    base = _base_children(store, "estimates", t.estimate_lines, estimate_id)
    return children(store, "estimate-items", "_estimateId", estimate_id, base)


def job_of(store: Store, job_id: int) -> Record:
    job = store.editable("jobs", job_id)
    if job is None:
        raise not_found("Job", job_id)
    return job


def refresh_job_schedule(store: Store, job: Record) -> None:
    """Recompute a job's appointment summary fields from its current appointments."""
    appointments = sorted(
        (a for a in job_appointments(store, job["id"]) if not a.get(DELETED)),
        key=lambda a: a["start"],
    )
    if appointments:
        job["appointmentCount"] = len(appointments)
        job["firstAppointmentId"] = appointments[0]["id"]
        job["lastAppointmentId"] = appointments[-1]["id"]
        job["_starts"] = [parse(a["start"]) for a in appointments]
        job["_appointmentStatuses"] = [a["status"] for a in appointments]
    technicians: list[int] = []
    for appointment in appointments:
        for technician in appointment.get("_technicianIds") or []:
            if technician not in technicians:
                technicians.append(technician)
    job["_technicianIds"] = technicians


# --- jobs -----------------------------------------------------------------------------------


def set_job_tags(store: Store, job_id: int, tag_ids: Iterable[int]) -> Record:
    tags = list(dict.fromkeys(int(t) for t in tag_ids))
    missing = [t for t in tags if store.get("tag-types", t) is None]
    if missing:
        raise validation_error({"TagTypeIds": [f"Tag type {missing[0]} does not exist."]})
    job = job_of(store, job_id)
    job["tagTypeIds"] = tags
    return store.save("jobs", job)


def tag_job(store: Store, job_id: int, tag_type_id: int) -> Record:
    current = store.get("jobs", job_id)
    if current is None:
        raise not_found("Job", job_id)
    return set_job_tags(store, job_id, [*current.get("tagTypeIds", []), tag_type_id])


def untag_job(store: Store, job_id: int, tag_type_id: int) -> Record:
    current = store.get("jobs", job_id)
    if current is None:
        raise not_found("Job", job_id)
    return set_job_tags(
        store, job_id, [t for t in current.get("tagTypeIds", []) if t != tag_type_id]
    )


def _set_appointment_status(
    store: Store, job_id: int, status: str, *, active: bool | None = None
) -> None:
    for appointment in job_appointments(store, job_id):
        if appointment.get(DELETED):
            continue
        editable = store.editable("appointments", appointment["id"])
        if editable is None:
            continue
        editable["status"] = status
        if active is not None:
            editable["active"] = active
        store.save("appointments", editable)
        assignment_status = {"Done": "Done", "Working": "Working", "Dispatched": "Dispatched"}.get(
            status, "Scheduled"
        )
        for assignment in appointment_assignments(store, appointment["id"]):
            changed = store.editable("appointment-assignments", assignment["id"])
            if changed is not None:
                changed["status"] = assignment_status
                if active is not None:
                    changed["active"] = active
                store.save("appointment-assignments", changed)


def complete_job(store: Store, job_id: int, completed_on: str | None = None) -> Record:
    job = job_of(store, job_id)
    if job.get("jobStatus") == "Canceled":
        raise ApiError(409, "A canceled job cannot be completed.")
    _set_appointment_status(store, job_id, "Done")
    moment = parse(completed_on) if completed_on else store.clock.now()
    job = job_of(store, job_id)
    refresh_job_schedule(store, job)
    job["jobStatus"] = "Completed"
    job["completedOn"] = iso(moment)
    job["_completed"] = moment
    return store.save("jobs", job)


def cancel_job(store: Store, job_id: int, reason_id: int, memo: str) -> Record:
    if store.get("job-cancel-reasons", reason_id) is None:
        raise validation_error({"ReasonId": [f"Job cancel reason {reason_id} does not exist."]})
    job = job_of(store, job_id)
    if job.get("jobStatus") == "Completed":
        raise ApiError(409, "A completed job cannot be canceled.")
    _set_appointment_status(store, job_id, "Canceled")
    job = job_of(store, job_id)
    refresh_job_schedule(store, job)
    job["jobStatus"] = "Canceled"
    job["_cancelReasonId"] = reason_id
    job["_cancelMemo"] = memo
    saved = store.save("jobs", job)
    store.create(
        "job-canceled-logs",
        {"jobId": job_id, "reasonId": reason_id, "memo": memo, "createdById": 0, "active": True},
    )
    return saved


def remove_cancellation(store: Store, job_id: int) -> Record:
    job = job_of(store, job_id)
    if job.get("jobStatus") != "Canceled":
        raise ApiError(409, "The job is not canceled.")
    _set_appointment_status(store, job_id, "Scheduled", active=True)
    job = job_of(store, job_id)
    refresh_job_schedule(store, job)
    job["jobStatus"] = "Scheduled"
    job.pop("_cancelReasonId", None)
    return store.save("jobs", job)


# --- invoices -------------------------------------------------------------------------------

_SKU_RESOURCES = (
    ("services", "Service"),
    ("equipment", "Equipment"),
    ("materials", "Material"),
    ("discounts-and-fees", "PriceModifier"),
)


def find_sku(store: Store, sku_id: int | None, sku_name: str | None) -> tuple[Record | None, str]:
    for resource, kind in _SKU_RESOURCES:
        if sku_id is not None:
            record = store.get(resource, sku_id)
            if record is not None:
                return record, kind
    if sku_name:
        wanted = sku_name.lower()
        for resource, kind in _SKU_RESOURCES:
            for record in store.iter_by_id(resource):
                if str(record.get("code", "")).lower() == wanted:
                    return record, kind
    return None, "Unspecified"


def _invoice_item_view(item: Record) -> dict[str, Any]:
    return {key: item.get(key) for key in INVOICE_ITEM_KEYS}


def retotal_invoice(store: Store, invoice_id: int) -> Record:
    invoice = store.editable("invoices", invoice_id)
    if invoice is None:
        raise not_found("Invoice", invoice_id)
    items = sorted(invoice_items(store, invoice_id), key=lambda i: (i.get("order") or 0, i["id"]))
    invoice["items"] = [_invoice_item_view(item) for item in items]
    subtotal = round(sum(float(item.get("total") or 0) for item in items), 2)
    rate = float((invoice.get("salesTaxCode") or {}).get("taxRate") or 0.0)
    taxable = sum(float(item.get("total") or 0) for item in items if item.get("taxable"))
    tax = round(max(taxable, 0.0) * rate, 2)
    try:
        paid = float(invoice.get("total") or 0) - float(invoice.get("balance") or 0)
    except ValueError:
        paid = 0.0
    total = round(subtotal + tax, 2)
    invoice["subTotal"] = money(subtotal)
    invoice["salesTax"] = money(tax)
    invoice["total"] = money(total)
    invoice["balance"] = money(total - paid)
    return store.save("invoices", invoice)


def upsert_invoice_item(store: Store, invoice_id: int, body: Mapping[str, Any]) -> Record:
    """``PATCH /invoices/{id}/items``: one item; no ``id`` appends, an ``id`` updates."""
    invoice = store.get("invoices", invoice_id)
    if invoice is None:
        raise not_found("Invoice", invoice_id)
    item_id = body.get("id")
    if item_id is not None:
        item = store.editable("invoice-items", item_id)
        if item is None or item.get("invoiceId") != invoice_id:
            raise not_found("Invoice item", item_id)
    else:
        item = _new_invoice_item(invoice, invoice_items(store, invoice_id))
    creating = item_id is None
    sku, kind = find_sku(store, body.get("skuId"), body.get("skuName"))
    if creating or body.get("skuId") is not None or body.get("skuName") is not None:
        _set_sku(item, body, sku, kind)
    price = _item_amount(body, "unitPrice", item, "price", sku, creating)
    cost = _item_amount(body, "cost", item, "cost", sku, creating)
    if "quantity" not in body and not creating:
        quantity = float(item.get("quantity") or 0)
    else:
        quantity = float(body.get("quantity") or 0)
    item["description"] = body.get("description", item.get("description"))
    item["quantity"] = money(quantity)
    item["price"] = money(price)
    item["memberPrice"] = money(price)
    item["cost"] = money(cost)
    item["totalCost"] = money(cost * quantity)
    item["total"] = money(price * quantity)
    item["isChargeable"] = True
    item["addOn"] = bool(body.get("isAddOn") or item.get("addOn") or False)
    if body.get("technicianId") is not None:
        item["technicianId"] = body["technicianId"]
    item.setdefault("technicianId", None)
    saved = store.create("invoice-items", item) if creating else store.save("invoice-items", item)
    retotal_invoice(store, invoice_id)
    return saved


def _new_invoice_item(invoice: Record, existing: list[Record]) -> Record:
    """The fields ServiceTitan fills in itself on an item appended to ``invoice``."""
    return {
        "invoiceId": invoice["id"],
        "active": True,
        "order": max((i.get("order") or 0 for i in existing), default=0) + 1,
        "budgetCodeId": None,
        "inventoryLocationId": None,
        "inventoryLocation": None,
        "costOfSaleAccount": None,
        "assetAccount": None,
        "membershipTypeId": 0,
        "itemGroup": None,
        "soldHours": 0.0,
        "serviceDate": invoice.get("invoiceDate"),
        "businessUnit": invoice.get("businessUnit"),
        "createdById": 0,
        "displayInAmount": True,
        "importId": None,
        "exportId": None,
        "inventoryStatus": None,
        "installedEquipmentId": None,
        "estimateItemId": None,
        "generalLedgerAccount": None,
    }


def _set_sku(item: Record, body: Mapping[str, Any], sku: Record | None, kind: str) -> None:
    if sku is None and (body.get("skuId") is not None or body.get("skuName")):
        raise validation_error({"SkuId": ["The SKU does not exist."]})
    item["type"] = kind
    item["skuId"] = sku["id"] if sku else 0
    item["skuName"] = sku.get("code") if sku else body.get("skuName")
    item["displayName"] = sku.get("displayName") if sku else None
    item["taxable"] = bool(sku.get("taxable")) if sku else False
    item["inventory"] = kind == "Material"


def _item_amount(
    body: Mapping[str, Any],
    key: str,
    item: Record,
    field: str,
    sku: Record | None,
    creating: bool,
) -> float:
    """A price or cost: as sent, else the item's own (an update), else the SKU's (a new line)."""
    if body.get(key) is not None:
        return float(body[key])
    if not creating:
        return float(item.get(field) or 0)
    return float((sku or {}).get(field) or 0.0)


def add_invoice_item(store: Store, invoice_id: int, body: Mapping[str, Any]) -> Record:
    payload = dict(body)
    payload.pop("id", None)
    payload.setdefault("description", "Added by office staff")
    payload.setdefault("quantity", 1)
    return upsert_invoice_item(store, invoice_id, payload)


def delete_invoice_item(store: Store, invoice_id: int, item_id: int) -> None:
    item = store.editable("invoice-items", item_id)
    if item is None or item.get("invoiceId") != invoice_id:
        raise not_found("Invoice item", item_id)
    store.delete("invoice-items", item)
    retotal_invoice(store, invoice_id)


# --- estimates --------------------------------------------------------------------------------


def sell_estimate(store: Store, estimate_id: int, sold_by: int | None) -> Record:
    estimate = store.editable("estimates", estimate_id)
    if estimate is None:
        raise not_found("Estimate", estimate_id)
    if (
        sold_by is not None
        and store.get("technicians", sold_by) is None
        and store.get("employees", sold_by) is None
    ):
        raise validation_error({"SoldBy": [f"Technician {sold_by} does not exist."]})
    now = store.clock.now()
    estimate["status"] = status_model("Sold")
    estimate["soldOn"] = iso(now)
    estimate["soldBy"] = sold_by
    saved = store.save("estimates", estimate)
    job_id = saved.get("jobId")
    if job_id is not None and store.get("jobs", job_id) is not None and sold_by is not None:
        job = job_of(store, job_id)
        if store.get("technicians", sold_by) is not None:
            job["soldById"] = sold_by
        store.save("jobs", job)
    return saved


def set_estimate_status(store: Store, estimate_id: int, status: str) -> Record:
    estimate = store.editable("estimates", estimate_id)
    if estimate is None:
        raise not_found("Estimate", estimate_id)
    estimate["status"] = status_model(status)
    if status != "Sold":
        estimate["soldOn"] = None
        estimate["soldBy"] = None
    return store.save("estimates", estimate)


# --- customers ----------------------------------------------------------------------------------

_CUSTOMER_FIELDS = ("name", "type", "doNotMail", "doNotService", "active", "taxExempt")
_ADDRESS_FIELDS = ("street", "unit", "city", "state", "zip", "country", "latitude", "longitude")


def edit_customer(store: Store, customer_id: int, changes: Mapping[str, Any]) -> Record:
    """What office staff do in ServiceTitan: rename, move, fix an e-mail or phone."""
    customer = store.editable("customers", customer_id)
    if customer is None:
        raise not_found("Customer", customer_id)
    for key in _CUSTOMER_FIELDS:
        if key in changes:
            customer[key] = changes[key]
    address = dict(customer.get("address") or {})
    given = changes.get("address")
    nested: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    for key in _ADDRESS_FIELDS:
        if key in nested:
            address[key] = nested[key]
        elif key in changes:
            address[key] = changes[key]
    customer["address"] = address
    saved = store.save("customers", customer)
    t = store.tenant
    base = _base_children(store, "customers", t.customer_contacts, customer_id)
    contacts = children(store, "customer-contacts", "customerId", customer_id, base)
    for kind, key in (("Email", "email"), ("Phone", "phone"), ("MobilePhone", "mobilePhone")):
        if key not in changes:
            continue
        value = str(changes[key] or "")
        existing = next((c for c in contacts if c.get("type") == kind), None)
        if existing is not None:
            contact = store.editable("customer-contacts", existing["id"])
            assert contact is not None
            contact["value"] = value
            if kind != "Email":
                contact["phoneSettings"] = {"phoneNumber": value, "doNotText": False}
            store.save("customer-contacts", contact)
        else:
            store.create(
                "customer-contacts",
                {
                    "type": kind,
                    "value": value,
                    "memo": None,
                    "phoneSettings": {
                        "phoneNumber": "" if kind == "Email" else value,
                        "doNotText": False,
                    },
                    "preferences": None,
                    "customerId": customer_id,
                    "active": True,
                },
            )
    return saved
