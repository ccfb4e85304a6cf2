"""Settings, pricebook and marketing writes: technicians, employees, tag types, business
units (external data only), pricebook SKUs and categories (201 / 204), campaigns."""

from __future__ import annotations

from typing import Any

from integrations.servicetitan.simulator.data.collections import Record
from integrations.servicetitan.simulator.handlers.base import (
    Call,
    apply_external_create,
    apply_external_update,
    external_data_view,
    handler,
)
from integrations.servicetitan.simulator.handlers.common import patch, require_ref, unique_ints
from integrations.servicetitan.simulator.http import Response, empty, json_response

# --- settings ------------------------------------------------------------------------------------

_PERSON_FIELDS = ("name", "email", "phoneNumber", "businessUnitId", "aadUserId")


def _person_common(call: Call, body: dict[str, Any], record: Record) -> None:
    patch(record, body, _PERSON_FIELDS)
    if body.get("businessUnitId") is not None:
        require_ref(call, "business-units", body["businessUnitId"], "BusinessUnitId")
    if body.get("roleId") is not None:
        require_ref(call, "user-roles", body["roleId"], "RoleId")
        record["roleIds"] = [body["roleId"]]
    if body.get("name"):
        first, _, last = str(body["name"]).partition(" ")
        record["firstName"], record["lastName"] = first, last or None
    if body.get("customFields") is not None:
        record["customFields"] = [
            {"typeId": f["typeId"], "name": None, "value": f.get("value")}
            for f in body["customFields"]
        ]
    if body.get("accountLocked") is not None:
        record["accountLocked"] = bool(body["accountLocked"])
    if body.get("login") is not None:
        record["loginName"] = body["login"]


@handler("settings", "Technicians_Create")
def technicians_create(call: Call) -> Response:
    body = call.body_dict()
    record: Record = {
        "userId": 0,
        "roleIds": [],
        "businessUnitId": None,
        "mainZoneId": None,
        "zoneIds": [],
        "dailyGoal": float(body.get("dailyGoal") or 0.0),
        "isManagedTech": body.get("licenseType") != "NonManagedTech",
        "licenseType": body.get("licenseType"),
        "customFields": [],
        "active": True,
        "burdenRate": float(body.get("burdenRate") or 0.0),
        "team": body.get("team"),
        "jobFilter": body.get("jobFilter"),
        "permissions": [],
        "accountLocked": False,
        "commissionRate": 0.0,
        "hourlyRate": 0.0,
        "soldByRate": 0.0,
        "status": "Idle",
        "skills": [],
        "positions": list(body.get("positions") or []),
        "bio": body.get("bio"),
        "memo": body.get("memo"),
        "home": None,
    }
    _person_common(call, body, record)
    created = call.store.create("technicians", record)
    created["userId"] = 90_000 + int(created["id"]) % 100_000
    return json_response({"id": created["id"]})


@handler("settings", "Technicians_Update")
def technicians_update(call: Call) -> Response:
    body = call.body_dict()
    record = call.editable("technicians", call.int_param("id"), "Technician")
    _person_common(call, body, record)
    patch(
        record,
        body,
        ("team", "dailyGoal", "burdenRate", "bio", "memo", "jobFilter", "licenseType", "positions"),
    )
    return json_response({"id": call.store.save("technicians", record)["id"]})


@handler("settings", "Employees_Create")
def employees_create(call: Call) -> Response:
    body = call.body_dict()
    record: Record = {
        "userId": 0,
        "role": "GeneralOffice",
        "roleIds": [],
        "businessUnitId": None,
        "active": True,
        "accountLocked": False,
        "agentId": 0,
        "hourlyRate": 0.0,
        "customFields": [],
        "permissions": [],
        "home": None,
    }
    _person_common(call, body, record)
    created = call.store.create("employees", record)
    created["userId"] = 80_000 + int(created["id"]) % 100_000
    return json_response({"id": created["id"]})


@handler("settings", "Employees_Update")
def employees_update(call: Call) -> Response:
    record = call.editable("employees", call.int_param("id"), "Employee")
    _person_common(call, call.body_dict(), record)
    return json_response({"id": call.store.save("employees", record)["id"]})


@handler("settings", "Employees_AccountActions", "Technicians_AccountActions")
def account_actions(call: Call) -> Response:
    resource = "employees" if call.operation.operation_id.startswith("Employees") else "technicians"
    record = call.editable(resource, call.int_param("id"), resource[:-1].title())
    action = call.body_dict().get("action")
    if action in ("Activate", "Deactivate"):
        record["active"] = action == "Activate"
        call.store.save(resource, record)
    return json_response({"status": "Success"})


@handler("settings", "TagTypes_Create")
def tag_types_create(call: Call) -> Response:
    body = call.body_dict()
    record: Record = {
        "name": body["name"],
        "color": body["color"],
        "code": body.get("code") or body["name"][:3].upper(),
        "importance": body.get("importance"),
        "isConversionOpportunity": bool(body.get("isConversionOpportunity") or False),
        "allowToUseOnTimesheetActivity": bool(body.get("allowToUseOnTimesheetActivity") or False),
        "isVisibleOnDispatchBoard": bool(body.get("isVisibleOnDispatchBoard") or False),
        "active": True,
    }
    return json_response({"id": call.store.create("tag-types", record)["id"]})


@handler("settings", "TagTypes_Update")
def tag_types_update(call: Call) -> Response:
    record = call.editable("tag-types", call.int_param("id"), "Tag type")
    patch(
        record,
        {k: v for k, v in call.body_dict().items() if v is not None},
        (
            "name",
            "color",
            "code",
            "importance",
            "isConversionOpportunity",
            "allowToUseOnTimesheetActivity",
            "isVisibleOnDispatchBoard",
        ),
    )
    return json_response({"id": call.store.save("tag-types", record)["id"]})


@handler("settings", "BusinessUnits_Update")
def business_units_update(call: Call) -> Response:
    record = call.editable("business-units", call.int_param("id"), "Business unit")
    apply_external_update(record, call.body_dict().get("externalData"))
    return json_response({"id": call.store.save("business-units", record)["id"]})


# --- pricebook -----------------------------------------------------------------------------------

_SKUS = {
    "Services": ("services", "Service"),
    "Equipment": ("equipment", "Equipment"),
    "Materials": ("materials", "Material"),
    "DiscountAndFees": ("discounts-and-fees", "Discount or fee"),
}
_SKU_DEFAULTS: dict[str, Any] = {
    "active": True,
    "price": 0.0,
    "memberPrice": 0.0,
    "addOnPrice": 0.0,
    "addOnMemberPrice": 0.0,
    "cost": 0.0,
    "hours": 0.0,
    "bonus": 0.0,
    "commissionBonus": 0.0,
    "taxable": False,
    "paysCommission": False,
    "assets": [],
    "externalData": [],
}
_SKU_FIELDS = (
    "code", "displayName", "description", "price", "memberPrice", "addOnPrice", "addOnMemberPrice",
    "cost", "active", "taxable", "account", "hours", "bonus", "commissionBonus", "paysCommission",
    "crossSaleGroup", "manufacturer", "model", "unitOfMeasure", "isInventory", "isLabor",
    "type", "amountType", "amount", "limit", "excludeFromPayroll", "recommendations", "upgrades",
    "budgetCostCode", "budgetCostType", "isPriceLocked", "isCostLocked", "costOfSaleAccount",
    "assetAccount", "chargeableByDefault", "deductAsJobCost", "isOtherDirectCost",
)  # fmt: skip


def _sku_categories(call: Call, resource: str, values: list[int]) -> list[Any]:
    ids = unique_ints(values)
    if resource != "services":
        return ids
    categories = []
    for category_id in ids:
        category = require_ref(call, "categories", category_id, "Categories")
        categories.append(
            {"id": category["id"], "name": category["name"], "active": category["active"]}
        )
    return categories


def _sku_write(call: Call, creating: bool) -> Response:
    group = call.operation.operation_id.split("_")[0]
    resource, what = _SKUS[group]
    body = call.body_dict()
    if creating:
        record: Record = dict(_SKU_DEFAULTS)
        apply_external_create(record, body.get("externalData"))
    else:
        record = call.editable(resource, call.int_param("id"), what)
        apply_external_update(record, body.get("externalData"))
    patch(record, {k: v for k, v in body.items() if v is not None}, _SKU_FIELDS)
    if body.get("categories") is not None:
        record["categories"] = _sku_categories(call, resource, body["categories"])
    for key in ("warranty", "manufacturerWarranty", "serviceProviderWarranty"):
        if body.get(key) is not None:
            record[key] = {
                "duration": body[key].get("duration", 0),
                "description": body[key].get("description"),
            }
    saved = call.store.create(resource, record) if creating else call.store.save(resource, record)
    return call.respond(saved, decorate=external_data_view)


@handler(
    "pricebook",
    "Services_Create",
    "Equipment_Create",
    "Materials_Create",
    "DiscountAndFees_Create",
)
def sku_create(call: Call) -> Response:
    return _sku_write(call, creating=True)


@handler(
    "pricebook",
    "Services_Update",
    "Equipment_Update",
    "Materials_Update",
    "DiscountAndFees_Update",
)
def sku_update(call: Call) -> Response:
    return _sku_write(call, creating=False)


@handler(
    "pricebook",
    "Services_Delete",
    "Equipment_Delete",
    "Materials_Delete",
    "DiscountAndFees_Delete",
    "Categories_Delete",
)
def sku_delete(call: Call) -> Response:
    group = call.operation.operation_id.split("_")[0]
    resource, what = _SKUS.get(group, ("categories", "Category"))
    record = call.editable(resource, call.int_param("id"), what)
    call.store.delete(resource, record)
    return empty(call.operation.success_status)


@handler("pricebook", "Categories_Create", "Categories_Update")
def categories_write(call: Call) -> Response:
    body = call.body_dict()
    creating = call.operation.method == "POST"
    if creating:
        record: Record = {
            "active": True,
            "description": None,
            "image": None,
            "parentId": None,
            "position": 0,
            "subcategories": [],
            "businessUnitIds": [],
            "skuImages": [],
            "skuVideos": [],
            "source": None,
            "externalId": None,
            "hideInMobile": False,
        }
    else:
        record = call.editable("categories", call.int_param("id"), "Category")
    if body.get("parentId") is not None:
        require_ref(call, "categories", body["parentId"], "ParentId")
    patch(
        record,
        {k: v for k, v in body.items() if v is not None or k == "parentId"},
        (
            "name",
            "active",
            "description",
            "parentId",
            "position",
            "image",
            "categoryType",
            "businessUnitIds",
            "skuImages",
            "skuVideos",
        ),
    )
    saved = (
        call.store.create("categories", record)
        if creating
        else call.store.save("categories", record)
    )
    return call.respond(saved)


# --- marketing -----------------------------------------------------------------------------------


@handler("marketing", "Campaigns_Create", "Campaigns_Update")
def campaigns_write(call: Call) -> Response:
    body = call.body_dict()
    category = require_ref(call, "campaign-categories", body.get("categoryId"), "CategoryId")
    unit = require_ref(call, "business-units", body.get("businessUnitId"), "BusinessUnitId")
    creating = call.operation.method == "POST"
    record: Record = (
        {} if creating else call.editable("campaigns", call.int_param("id"), "Campaign")
    )
    record.update(
        {
            "name": body["name"],
            "active": bool(body["active"]),
            "isDefaultCampaign": bool(body.get("isDefaultCampaign") or False),
            "category": {
                "id": category["id"],
                "name": category["name"],
                "active": category["active"],
            },
            "source": body.get("source"),
            "otherSource": body.get("otherSource"),
            "businessUnit": unit["name"],
            "medium": body.get("medium"),
            "otherMedium": body.get("otherMedium"),
            "campaignPhoneNumbers": [body["dnis"]]
            if body.get("dnis")
            else record.get("campaignPhoneNumbers", []),
        }
    )
    saved = (
        call.store.create("campaigns", record) if creating else call.store.save("campaigns", record)
    )
    return call.respond(saved)
