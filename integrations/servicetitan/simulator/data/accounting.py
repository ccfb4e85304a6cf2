"""Accounting records: invoices (with their items), invoice items, payments.

Accounting renders money as strings (``"125.00"``), unlike every other module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from integrations.servicetitan.simulator.data import catalog
from integrations.servicetitan.simulator.data.collections import CREATED, MODIFIED, Record
from integrations.servicetitan.simulator.data.crm import customer_name, location_address
from integrations.servicetitan.simulator.data.ids import ID_BASES
from integrations.servicetitan.simulator.data.jobs import job_number
from integrations.servicetitan.simulator.data.plans import (
    EQUIPMENT,
    MATERIAL,
    MODIFIER,
    SERVICE,
    Line,
)
from integrations.servicetitan.simulator.data.templates import (
    ArrayTemplate,
    Described,
    Hole,
    JsonTemplate,
    RowSpec,
    json_text,
)
from integrations.servicetitan.simulator.times import US_PER_DAY, US_PER_HOUR, iso, iso_series

if TYPE_CHECKING:
    from integrations.servicetitan.simulator.data.plans import JobPlan
    from integrations.servicetitan.simulator.data.tenant import Tenant

#: Invoice item keys (``InvoiceItemResponse``); export items add ``active`` and ``invoiceId``.
INVOICE_ITEM_KEYS = (
    "id", "description", "quantity", "cost", "totalCost", "budgetCodeId", "inventoryLocationId",
    "inventoryLocation", "price", "type", "skuName", "skuId", "total", "inventory", "taxable",
    "isChargeable", "generalLedgerAccount", "costOfSaleAccount", "assetAccount",
    "membershipTypeId", "itemGroup", "displayName", "soldHours", "createdOn", "modifiedOn",
    "serviceDate", "order", "businessUnit", "createdById", "displayInAmount", "importId",
    "exportId", "inventoryStatus", "addOn", "memberPrice", "technicianId",
    "installedEquipmentId", "estimateItemId",
)  # fmt: skip

_SKU_RESOURCE = {
    SERVICE: "services",
    EQUIPMENT: "equipment",
    MATERIAL: "materials",
    MODIFIER: "discounts-and-fees",
}
_GL = {
    SERVICE: (4100, "Revenue - Labor", "4100"),
    EQUIPMENT: (4200, "Revenue - Equipment", "4200"),
    MATERIAL: (4300, "Revenue - Materials", "4300"),
    MODIFIER: (4900, "Discounts and Fees", "4900"),
}


def money(value: float) -> str:
    return f"{value:.2f}"


def sku_name(line: Line) -> tuple[str, str]:
    """``(code, display name)`` of the line's pricebook SKU."""
    if line.type == SERVICE:
        code, name, *_ = catalog.SERVICES[line.sku]
        return code, name
    if line.type == EQUIPMENT:
        model = catalog.EQUIPMENT[line.sku]
        return model.code, model.name
    if line.type == MATERIAL:
        code, name, *_ = catalog.MATERIALS[line.sku]
        return code, name
    _kind, code, name, *_ = catalog.DISCOUNTS_AND_FEES[line.sku]
    return code, name


def sku_id(t: Tenant, line: Line) -> int:
    return t.id_of(_SKU_RESOURCE[line.type], line.sku)


def mistyped(model: str) -> str:
    """The model number as someone typed it wrong: one character off (the last digit moved
    by one, else the last letter swapped), e.g. 25VNA036A003 → 25VNA036A004."""
    chars = list(model)
    for k in range(len(chars) - 1, -1, -1):
        if chars[k].isdigit():
            chars[k] = str((int(chars[k]) + 1) % 10)
            return "".join(chars)
    for k in range(len(chars) - 1, -1, -1):
        if chars[k].isalpha():
            chars[k] = "X" if chars[k].upper() != "X" else "Y"
            return "".join(chars)
    return model + "1"


def line_description(line: Line) -> str:
    if line.type == EQUIPMENT:
        model = catalog.EQUIPMENT[line.sku]
        number = mistyped(model.model) if line.typo else model.model
        return f"<p>{model.name}<br/>Model {number}. {model.rating_text}</p>"
    return f"<p>{sku_name(line)[1]}</p>"


def installed_equipment_id(t: Tenant, plan: JobPlan, line: Line) -> int | None:
    if line.type != EQUIPMENT:
        return None
    for k, unit in enumerate(plan.equipment):
        if unit == line.sku:
            return t.id_of("installed-equipment", t.job_equipment.range_of(plan.job).start + k)
    return None


def _item_static(t: Tenant, line: Line, unit_index: int) -> dict[str, Any]:
    """The fields of an invoice item that only depend on its line and business unit."""
    key = ("invoice-item", line, unit_index)
    found: dict[str, Any] | None = t.memo.get(key)
    if found is None:
        code, name = sku_name(line)
        gl_id, gl_name, gl_number = _GL[line.type]
        found = {
            "id": 0,
            "description": line_description(line),
            "quantity": money(line.quantity),
            "cost": money(line.unit_cost),
            "totalCost": money(line.unit_cost * line.quantity),
            "budgetCodeId": None,
            "inventoryLocationId": None,
            "inventoryLocation": None,
            "price": money(line.unit_price),
            "type": line.type,
            "skuName": code,
            "skuId": sku_id(t, line),
            "total": money(line.total),
            "inventory": line.type == MATERIAL,
            "taxable": line.type in (EQUIPMENT, MATERIAL),
            "isChargeable": True,
            "generalLedgerAccount": {
                "id": gl_id,
                "name": gl_name,
                "number": gl_number,
                "type": "Income",
                "detailType": "Sales",
            },
            "costOfSaleAccount": None,
            "assetAccount": None,
            "membershipTypeId": 0,
            "itemGroup": None,
            "displayName": name,
            "soldHours": catalog.SERVICES[line.sku][3] if line.type == SERVICE else 0.0,
            "createdOn": "",
            "modifiedOn": "",
            "serviceDate": None,
            "order": 0,
            "businessUnit": {
                "id": t.id_of("business-units", unit_index),
                "name": catalog.BUSINESS_UNITS[unit_index].name,
            },
            "createdById": 0,
            "displayInAmount": True,
            "importId": None,
            "exportId": None,
            "inventoryStatus": None,
            "addOn": False,
            "memberPrice": money(line.unit_price * 0.9 if line.unit_price > 0 else line.unit_price),
            "technicianId": None,
            "installedEquipmentId": None,
            "estimateItemId": None,
        }
        t.memo[key] = found
    return found


def invoice_item_fields(
    t: Tenant, job_index: int, k: int, created: str | None = None
) -> dict[str, Any]:
    """The ``InvoiceItemResponse`` of line ``k`` of job ``job_index``'s invoice.

    ``created`` is the items' shared creation stamp (the invoice passes it once for all lines:
    formatting timestamps is a visible share of an export page's cost)."""
    plan = t.plan(job_index)
    line = plan.lines[k]
    item_index = t.invoice_lines.range_of(job_index).start + k
    item = dict(_item_static(t, line, plan.business_unit))
    stamp = created if created is not None else iso(plan.completed or plan.created)
    item["id"] = _ITEMS + item_index
    item["createdOn"] = stamp
    # Same layout as the invoice-items collection (tenant.by_job): job time + offset + k ms.
    item["modifiedOn"] = iso(t.job_time(job_index, "invoice-items") + k * 1_000)
    item["serviceDate"] = stamp
    item["order"] = k + 1
    item["createdById"] = _EMPLOYEES + item_index % 6
    item["technicianId"] = _TECHNICIANS + plan.technicians[0] if plan.technicians else None
    if line.type == EQUIPMENT:
        item["installedEquipmentId"] = installed_equipment_id(t, plan, line)
    return item


_ITEMS = ID_BASES["invoice-items"] + 1
_EMPLOYEES = ID_BASES["employees"] + 1
_TECHNICIANS = ID_BASES["technicians"] + 1


def invoice_item(t: Tenant, index: int) -> Record:
    job_index, k = t.invoice_lines.parent_of(index)
    record: Record = invoice_item_fields(t, job_index, k)
    plan = t.plan(job_index)
    record["active"] = True
    record["invoiceId"] = t.id_of("invoices", job_index)
    record[CREATED] = plan.completed or plan.created
    record[MODIFIED] = t.modified("invoice-items", index)
    return record


def sales_tax_code(plan: JobPlan) -> dict[str, Any]:
    return {
        "id": 300 + ["oncor", "masssave", "pge", "xcel", "coned"].index(plan.territory.key),
        "name": f"{plan.territory.state} Sales Tax",
        "taxRate": plan.tax_rate,
    }


def invoice(t: Tenant, index: int) -> Record:
    plan = t.plan(index)
    rng = t.rng("invoices", index)
    created = iso(plan.completed or plan.created)
    items = [invoice_item_fields(t, index, k, created) for k in range(len(plan.lines))]
    subtotal, tax, total = plan.totals() if plan.lines else (0.0, 0.0, 0.0)
    invoiced = plan.completed or plan.created
    modified = t.modified("invoices", index)
    customer = plan.customer
    address = location_address(t, plan.location)
    address_view = {k: address[k] for k in ("street", "unit", "city", "state", "zip", "country")}
    unit_name = catalog.BUSINESS_UNITS[plan.business_unit].name
    record: Record = {
        "id": t.id_of("invoices", index),
        "syncStatus": "Posted" if plan.paid else "Pending",
        "budgetCodeId": None,
        "referenceNumber": job_number(index),
        "invoiceDate": iso(invoiced),
        "dueDate": iso(invoiced + 30 * US_PER_DAY),
        "subTotal": money(subtotal),
        "salesTax": money(tax),
        "salesTaxCode": sales_tax_code(plan),
        "taxZoneId": None,
        "total": money(total),
        "balance": money(0.0 if plan.paid else total),
        "invoiceType": None,
        "customer": {"id": t.id_of("customers", customer), "name": customer_name(t, customer)},
        "customerAddress": address_view,
        "location": {"id": t.id_of("locations", plan.location), "name": "Primary Residence"},
        "locationAddress": address_view,
        "businessUnit": {"id": t.id_of("business-units", plan.business_unit), "name": unit_name},
        "termName": "Due Upon Receipt",
        "createdBy": "System",
        "batch": None,
        "depositedOn": None,
        "adjustmentToId": None,
        "job": {
            "id": t.id_of("jobs", index),
            "number": job_number(index),
            "type": catalog.JOB_TYPES[plan.job_type][0],
        },
        "projectId": None,
        "royalty": None,
        "employeeInfo": None,
        "commissionEligibilityDate": None,
        "sentStatus": "Sent" if plan.status == "Completed" else "NotSent",
        "reviewStatus": "Reviewed" if plan.paid else "NeedsReview",
        "assignedTo": None,
        "summary": f"<p>{catalog.JOB_TYPES[plan.job_type][0]}</p>",
        "items": items,
        "customFields": [],
        "active": True,
        "discountTotal": money(
            -sum(line.total for line in plan.lines if line.type == MODIFIER and line.total < 0)
        ),
        "importId": None,
        "exportId": None,
        "materialSkuId": None,
        "membershipId": None,
        "paidOn": iso(min(invoiced + rng.below(4 * US_PER_HOUR), modified)) if plan.paid else None,
        "invoiceConfiguration": "JobInvoice",
        "_jobId": t.id_of("jobs", index),
        "_customerId": t.id_of("customers", customer),
        "_businessUnitId": t.id_of("business-units", plan.business_unit),
    }
    blemish = t.imperfect("invoices", index)
    if blemish is not None:
        if blemish.chance(0.6) and plan.lines:
            # The classic: a total that no longer matches its items (edited after the fact).
            record["total"] = money(total + blemish.between(1, 40) * 25.0)
        else:
            record["sentStatus"] = 1  # enum as integer
    record[CREATED] = plan.created
    record[MODIFIED] = modified
    record["createdOn"] = iso(plan.created)
    record["modifiedOn"] = iso(modified)
    return record


# --- export rows from templates (see templates.py) --------------------------------------------

_ITEM_HOLES = (
    "id", "createdOn", "modifiedOn", "serviceDate", "order", "createdById", "technicianId",
    "installedEquipmentId",
)  # fmt: skip
_ITEM_TEXT_HOLES = frozenset({"createdOn", "modifiedOn", "serviceDate"})
_INSTALLED = ID_BASES["installed-equipment"] + 1
_INVOICES = ID_BASES["invoices"] + 1
_JOBS = ID_BASES["jobs"] + 1
_CUSTOMERS = ID_BASES["customers"] + 1
_LOCATIONS = ID_BASES["locations"] + 1
_ADDRESS_VIEW = ("street", "unit", "city", "state", "zip", "country")


def _item_template(t: Tenant, line: Line, unit_index: int) -> JsonTemplate:
    key = ("invoice-item-template", line, unit_index)
    found: JsonTemplate | None = t.memo.get(key)
    if found is None:
        sample: dict[str, Any] = dict(_item_static(t, line, unit_index))
        for name in _ITEM_HOLES:
            sample[name] = Hole(name, text=name in _ITEM_TEXT_HOLES)
        found = t.memo[key] = JsonTemplate(sample)
    return found


def _items_template(t: Tenant, plan: JobPlan) -> tuple[ArrayTemplate, tuple[int | None, ...]]:
    """The invoice's items as one :class:`ArrayTemplate`, and each line's position among the
    job's installed units (for ``installedEquipmentId``). Built per (lines, business unit),
    shared by every job invoicing the same package lines (plans share their package's tuples);
    the per-line templates below are shared further, per (line, business unit)."""
    lines = plan.lines

    def make() -> tuple[ArrayTemplate, tuple[int | None, ...]]:
        equipment = plan.equipment
        template = ArrayTemplate([_item_template(t, line, plan.business_unit) for line in lines])
        positions = tuple(
            equipment.index(line.sku) if line.type == EQUIPMENT and line.sku in equipment else None
            for line in lines
        )
        return template, positions

    return t.shared("invoice-items-template", lines, plan.business_unit, make)


#: ``order`` values, and ``createdById`` by item index modulo 6 (items rotate six employees).
_ORDERS = tuple(str(k + 1) for k in range(1_000))
_EMPLOYEE_TURNS = tuple(
    tuple(str(_EMPLOYEES + (turn + k) % 6) for k in range(1_000)) for turn in range(6)
)


def invoice_items_text(t: Tenant, index: int, plan: JobPlan, created: str) -> str:
    """The ``items`` of job ``index``'s invoice as JSON text (the dicts of
    :func:`invoice_item_fields`, rendered column by column)."""
    count = len(plan.lines)
    if not count:
        return "[]"
    template, positions = _items_template(t, plan)
    start = t.invoice_lines.range_of(index).start
    units = _INSTALLED + t.job_equipment.range_of(index).start
    technician = str(_TECHNICIANS + plan.technicians[0]) if plan.technicians else "null"
    return template.render(
        (
            list(map(str, range(_ITEMS + start, _ITEMS + start + count))),
            [created] * count,
            iso_series(t.job_time(index, "invoice-items"), count, 1_000),
            [created] * count,
            _ORDERS[:count],
            _EMPLOYEE_TURNS[start % 6][:count],
            [technician] * count,
            ["null" if p is None else str(units + p) for p in positions],
        )
    )


def invoice_item_rows(t: Tenant) -> RowSpec:
    """Invoice items (export rows: item fields + ``active`` + ``invoiceId``) rendered from one
    template per (line, business unit)."""

    def describe(index: int) -> Described:
        job_index, k = t.invoice_lines.parent_of(index)
        plan = t.plan(job_index)
        created = iso(plan.completed or plan.created)
        position = _items_template(t, plan)[1][k]
        return (
            (plan.lines[k], plan.business_unit),
            (
                _ITEMS + index,
                created,
                iso(t.job_time(job_index, "invoice-items") + k * 1_000),
                created,
                k + 1,
                _EMPLOYEES + index % 6,
                _TECHNICIANS + plan.technicians[0] if plan.technicians else "null",
                "null"
                if position is None
                else _INSTALLED + t.job_equipment.range_of(job_index).start + position,
                _INVOICES + job_index,
            ),
        )

    return RowSpec(
        holes=(*_ITEM_HOLES, "invoiceId"),
        text=_ITEM_TEXT_HOLES,
        describe=describe,
    )


def _invoice_money(t: Tenant, plan: JobPlan) -> tuple[str, str, str, str]:
    """``(subTotal, salesTax, total, discountTotal)`` of a plan's invoice, per lines."""
    lines = plan.lines

    def make() -> tuple[str, str, str, str]:
        subtotal, tax, total = plan.totals() if lines else (0.0, 0.0, 0.0)
        discount = -sum(line.total for line in lines if line.type == MODIFIER and line.total < 0)
        return money(subtotal), money(tax), money(total), money(discount)

    return t.shared("invoice-money", lines, plan.territory.key, make)


def _address_view(t: Tenant, location: int) -> dict[str, Any]:
    address = location_address(t, location)
    return {key: address[key] for key in _ADDRESS_VIEW}


def invoice_rows(t: Tenant) -> RowSpec:
    """Invoices rendered from templates, one per (completed, paid); everything else in
    :func:`invoice` is a hole, the nested parts shared by many rows as memoised JSON text."""
    texts: dict[tuple[str, object], str] = {}

    def text(kind: str, key: object, make: Callable[[], Any]) -> str:
        found = texts.get((kind, key))
        if found is None:
            found = texts[(kind, key)] = json_text(make())
        return found

    def describe(index: int) -> Described | None:
        if t.imperfect("invoices", index) is not None:
            return None
        plan = t.plan(index)
        invoiced = plan.completed or plan.created
        modified = t.job_time(index, "invoices")
        invoiced_iso = iso(invoiced)
        subtotal, tax, total_text, discount = _invoice_money(t, plan)
        address_text = text("address", plan.location, lambda: _address_view(t, plan.location))
        name = text("name", plan.customer, lambda: customer_name(t, plan.customer))
        job_type = catalog.JOB_TYPES[plan.job_type][0]
        unit = plan.business_unit
        number = str(20_000 + index)
        paid_on = "null"
        if plan.paid:
            rng = t.rng("invoices", index)
            paid_on = f'"{iso(min(invoiced + rng.below(4 * US_PER_HOUR), modified))}"'
        return (
            (plan.status == "Completed", plan.paid),
            (
                text("summary", job_type, lambda: f"<p>{job_type}</p>"),
                invoice_items_text(t, index, plan, invoiced_iso),
                discount,
                paid_on,
                _INVOICES + index,
                number,
                invoiced_iso,
                iso(invoiced + 30 * US_PER_DAY),
                subtotal,
                tax,
                text("tax-code", plan.territory.key, lambda: sales_tax_code(plan)),
                total_text,
                money(0.0) if plan.paid else total_text,
                _CUSTOMERS + plan.customer,
                name,
                address_text,
                _LOCATIONS + plan.location,
                address_text,
                text(
                    "unit",
                    unit,
                    lambda: {"id": t.id_of("business-units", unit), "name": _UNITS[unit]},
                ),
                iso(plan.created),
                iso(modified),
                _JOBS + index,
                number,
                text("job-type", job_type, lambda: job_type),
            ),
        )

    return RowSpec(
        holes=(
            "summary",
            "items",
            "discountTotal",
            "paidOn",
            "id",
            "referenceNumber",
            "invoiceDate",
            "dueDate",
            "subTotal",
            "salesTax",
            "salesTaxCode",
            "total",
            "balance",
            "customer.id",
            "customer.name",
            "customerAddress",
            "location.id",
            "locationAddress",
            "businessUnit",
            "createdOn",
            "modifiedOn",
            "job.id",
            "job.number",
            "job.type",
        ),
        text=frozenset(
            {
                "referenceNumber",
                "invoiceDate",
                "dueDate",
                "subTotal",
                "salesTax",
                "total",
                "balance",
                "discountTotal",
                "createdOn",
                "modifiedOn",
                "job.number",
            }
        ),
        describe=describe,
    )


_UNITS = tuple(unit.name for unit in catalog.BUSINESS_UNITS)


def payment(t: Tenant, index: int) -> Record:
    job_index, _ = t.job_payments.parent_of(index)
    plan = t.plan(job_index)
    rng = t.rng("payments", index)
    _subtotal, _tax, total = plan.totals()
    modified = t.modified("payments", index)
    paid_on = min((plan.completed or plan.created) + rng.below(4 * US_PER_HOUR), modified)
    kind = catalog.PAYMENT_TYPES[plan.payment_type]
    record: Record = {
        "id": t.id_of("payments", index),
        "active": True,
        "appliedTo": [
            {
                "appliedAmount": money(total),
                "appliedBy": "System",
                "appliedId": 900_000 + index,
                "appliedOn": iso(paid_on),
                "appliedTo": t.id_of("invoices", job_index),
                "appliedToReferenceNumber": job_number(job_index),
            }
        ],
        "authCode": rng.digits(6) if kind == "Credit Card" else None,
        "batch": None,
        "businessUnit": {
            "id": t.id_of("business-units", plan.business_unit),
            "name": catalog.BUSINESS_UNITS[plan.business_unit].name,
        },
        "checkNumber": rng.digits(4) if kind == "Check" else None,
        "createdBy": "System",
        "customer": {
            "id": t.id_of("customers", plan.customer),
            "name": customer_name(t, plan.customer),
        },
        "customFields": [],
        "date": iso(paid_on),
        "deposit": None,
        "generalLedgerAccount": None,
        "memo": None,
        "referenceNumber": f"PMT-{100_000 + index}",
        "refundedPaymentId": None,
        "syncStatus": "Posted",
        "total": money(total),
        "type": kind,
        "typeId": str(t.id_of("payment-types", plan.payment_type)),
        "unappliedAmount": "0.00",
        "_customerId": t.id_of("customers", plan.customer),
        "_invoiceIds": [t.id_of("invoices", job_index)],
        "_splits": [
            {
                "amount": total,
                "invoiceId": t.id_of("invoices", job_index),
                "invoiceNumber": job_number(job_index),
            }
        ],
        "_status": "Posted",
    }
    record[CREATED] = paid_on
    record[MODIFIED] = modified
    record["createdOn"] = iso(paid_on)
    record["modifiedOn"] = iso(modified)
    return record
