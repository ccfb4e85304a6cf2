"""Sales records: estimates (good / better / best options) and their items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from integrations.servicetitan.simulator.data import catalog
from integrations.servicetitan.simulator.data.accounting import line_description, sku_id, sku_name
from integrations.servicetitan.simulator.data.collections import CREATED, MODIFIED, Record
from integrations.servicetitan.simulator.data.ids import ID_BASES
from integrations.servicetitan.simulator.data.jobs import job_number
from integrations.servicetitan.simulator.data.plans import EQUIPMENT, SERVICE, EstimateOption, Line
from integrations.servicetitan.simulator.data.templates import (
    ArrayTemplate,
    Described,
    Hole,
    JsonTemplate,
    RowSpec,
    json_text,
)
from integrations.servicetitan.simulator.times import iso, iso_or_none, iso_series

if TYPE_CHECKING:
    from integrations.servicetitan.simulator.data.tenant import Tenant

ESTIMATE_STATUS = {"Open": 0, "Sold": 1, "Dismissed": 2}

#: ``EstimateItemResponse`` keys; ``PUT …/items`` answers these plus ``estimateId``.
ESTIMATE_ITEM_KEYS = (
    "id", "sku", "skuAccount", "description", "membershipTypeId", "qty", "unitRate", "total",
    "unitCost", "totalCost", "itemGroupName", "itemGroupRootId", "createdOn", "modifiedOn",
    "chargeable", "invoiceItemId", "budgetCodeId",
)  # fmt: skip


def status_model(name: str) -> dict[str, Any]:
    return {"value": ESTIMATE_STATUS.get(name, 0), "name": name}


def sku_model(t: Tenant, line: Line, modified: str) -> dict[str, Any]:
    code, name = sku_name(line)
    return {
        "id": sku_id(t, line),
        "name": code,
        "displayName": name,
        "type": line.type,
        "soldHours": catalog.SERVICES[line.sku][3] if line.type == SERVICE else 0.0,
        "generalLedgerAccountId": 4200 if line.type == EQUIPMENT else 4100,
        "generalLedgerAccountName": "Revenue - Equipment" if line.type == EQUIPMENT else "Revenue",
        "modifiedOn": modified,
    }


def _estimate_item_static(t: Tenant, line: Line, group: str) -> dict[str, Any]:
    key = ("estimate-item", line, group)
    found: dict[str, Any] | None = t.memo.get(key)
    if found is None:
        resource = {"Service": "services", "Equipment": "equipment", "Material": "materials"}.get(
            line.type, "discounts-and-fees"
        )
        sku = t.collections[resource].record(t.collections[resource].index_of(sku_id(t, line)) or 0)
        found = {
            "id": 0,
            "sku": sku_model(t, line, str(sku.get("modifiedOn"))),
            "skuAccount": "Revenue",
            "description": line_description(line),
            "membershipTypeId": None,
            "qty": line.quantity,
            "unitRate": line.unit_price,
            "total": line.total,
            "unitCost": line.unit_cost,
            "totalCost": round(line.unit_cost * line.quantity, 2),
            "itemGroupName": group,
            "itemGroupRootId": None,
            "createdOn": "",
            "modifiedOn": "",
            "chargeable": True,
            "invoiceItemId": None,
            "budgetCodeId": None,
        }
        t.memo[key] = found
    return found


def estimate_item_fields(
    t: Tenant, estimate_index: int, k: int, created: str | None = None
) -> dict[str, Any]:
    job_index, e = t.job_estimates.parent_of(estimate_index)
    option = t.plan(job_index).estimates[e]
    item_index = t.estimate_lines.range_of(estimate_index).start + k
    item = dict(_estimate_item_static(t, option.lines[k], option.name))
    item["id"] = ID_BASES["estimate-items"] + item_index + 1
    item["createdOn"] = created if created is not None else iso(option.created)
    item["modifiedOn"] = iso(t.modified("estimate-items", item_index))
    return item


def estimate_item(t: Tenant, index: int) -> Record:
    estimate_index, k = t.estimate_lines.parent_of(index)
    record: Record = estimate_item_fields(t, estimate_index, k)
    job_index, e = t.job_estimates.parent_of(estimate_index)
    option = t.plan(job_index).estimates[e]
    record["active"] = True
    record["_estimateId"] = t.id_of("estimates", estimate_index)
    record[CREATED] = option.created
    record[MODIFIED] = t.modified("estimate-items", index)
    return record


def estimate(t: Tenant, index: int) -> Record:
    job_index, e = t.job_estimates.parent_of(index)
    plan = t.plan(job_index)
    option = plan.estimates[e]
    created = iso(option.created)
    items = [estimate_item_fields(t, index, k, created) for k in range(len(option.lines))]
    subtotal = round(sum(line.total for line in option.lines), 2)
    taxable = sum(line.total for line in option.lines if line.type == EQUIPMENT)
    units = [catalog.EQUIPMENT[line.sku] for line in option.lines if line.type == EQUIPMENT]
    title = units[0].name if units else catalog.JOB_TYPES[plan.job_type][0]
    modified = t.modified("estimates", index)
    record: Record = {
        "id": t.id_of("estimates", index),
        "jobId": t.id_of("jobs", job_index),
        "projectId": None,
        "locationId": t.id_of("locations", plan.location),
        "customerId": t.id_of("customers", plan.customer),
        "name": f"{option.name}: {title}",
        "jobNumber": job_number(job_index),
        "status": status_model(option.status),
        "reviewStatus": "None",
        "summary": f"{option.name} option - {title}",
        "soldOn": iso_or_none(option.sold_on),
        "soldBy": None
        if plan.sold_by is None or option.status != "Sold"
        else t.id_of("technicians", plan.sold_by),
        "active": True,
        "items": items,
        "externalLinks": [],
        "subtotal": subtotal,
        "tax": round(max(taxable, 0.0) * plan.tax_rate, 2),
        "businessUnitId": t.id_of("business-units", plan.business_unit),
        "businessUnitName": catalog.BUSINESS_UNITS[plan.business_unit].name,
        "isRecommended": option.name == "Better",
        "budgetCodeId": None,
        "isChangeOrder": False,
        "proposalTagName": None,
        "depositAmount": None,
        "depositPercent": None,
        "requireDepositOnSignature": False,
    }
    blemish = t.imperfect("estimates", index)
    if blemish is not None:
        record["reviewStatus"] = 0  # enum as integer
    record[CREATED] = option.created
    record[MODIFIED] = modified
    record["createdOn"] = iso(option.created)
    record["modifiedOn"] = iso(modified)
    return record


# --- export rows from templates (see templates.py) --------------------------------------------

_ITEMS = ID_BASES["estimate-items"] + 1
_ESTIMATES = ID_BASES["estimates"] + 1
_JOBS = ID_BASES["jobs"] + 1
_CUSTOMERS = ID_BASES["customers"] + 1
_LOCATIONS = ID_BASES["locations"] + 1
_TECHNICIANS = ID_BASES["technicians"] + 1


def _item_template(t: Tenant, line: Line, group: str) -> JsonTemplate:
    key = ("estimate-item-template", line, group)
    found: JsonTemplate | None = t.memo.get(key)
    if found is None:
        sample: dict[str, Any] = dict(_estimate_item_static(t, line, group))
        sample["id"] = Hole("id")
        sample["createdOn"] = Hole("createdOn", text=True)
        sample["modifiedOn"] = Hole("modifiedOn", text=True)
        found = t.memo[key] = JsonTemplate(sample)
    return found


def _option_parts(t: Tenant, option: EstimateOption) -> tuple[Any, ...]:
    """What an option's lines decide: its items' :class:`ArrayTemplate`, ``subtotal`` as
    JSON text, the taxable amount and the first unit's name (the title), shared by every
    estimate offering the same package option (plans share their packages' tuples)."""
    lines = option.lines

    def make() -> tuple[Any, ...]:
        units = [catalog.EQUIPMENT[line.sku] for line in lines if line.type == EQUIPMENT]
        return (
            ArrayTemplate([_item_template(t, line, option.name) for line in lines]),
            json_text(round(sum(line.total for line in lines), 2)),
            sum(line.total for line in lines if line.type == EQUIPMENT),
            units[0].name if units else None,
        )

    return t.shared("estimate-option", lines, option.name, make)


def estimate_rows(t: Tenant) -> RowSpec:
    """Estimates rendered from templates, one per (status, option name, business unit)."""

    def describe(index: int) -> Described | None:
        if t.imperfect("estimates", index) is not None:
            return None
        job_index, e = t.job_estimates.parent_of(index)
        plan = t.plan(job_index)
        option = plan.estimates[e]
        items_template, subtotal, taxable, unit_name = _option_parts(t, option)
        title = unit_name or catalog.JOB_TYPES[plan.job_type][0]
        created = iso(option.created)
        first = _ITEMS + t.estimate_lines.range_of(index).start
        # Same layout as the estimate-items collection (tenant.estimate_item_time).
        stamps = iso_series(
            t.job_time(job_index, "estimate-items") + e * 60_000, len(option.lines), 1_000
        )
        count = len(option.lines)
        items = items_template.render(
            (list(map(str, range(first, first + count))), [created] * count, stamps)
        )
        sold = option.status == "Sold" and plan.sold_by is not None
        number = str(20_000 + job_index)
        return (
            (option.status, option.name, plan.business_unit),
            (
                _ESTIMATES + index,
                _JOBS + job_index,
                _LOCATIONS + plan.location,
                _CUSTOMERS + plan.customer,
                json_text(f"{option.name}: {title}"),
                number,
                json_text(f"{option.name} option - {title}"),
                created,
                iso(t.modified("estimates", index)),
                "null" if option.sold_on is None else f'"{iso(option.sold_on)}"',
                _TECHNICIANS + plan.sold_by if sold and plan.sold_by is not None else "null",
                items,
                subtotal,
                json_text(round(max(taxable, 0.0) * plan.tax_rate, 2)),
            ),
        )

    return RowSpec(
        holes=(
            "id",
            "jobId",
            "locationId",
            "customerId",
            "name",
            "jobNumber",
            "summary",
            "createdOn",
            "modifiedOn",
            "soldOn",
            "soldBy",
            "items",
            "subtotal",
            "tax",
        ),
        text=frozenset({"jobNumber", "createdOn", "modifiedOn"}),
        describe=describe,
    )
