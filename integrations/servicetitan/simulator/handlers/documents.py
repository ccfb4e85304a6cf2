"""Sales, equipment and forms writes: estimates (sell, items), installed equipment with its
attachments (upload and download), job attachments (upload, list, download real bytes)."""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
from typing import Any

from integrations.servicetitan.simulator import operations as ops
from integrations.servicetitan.simulator.data.collections import Record
from integrations.servicetitan.simulator.data.documents import attachment_text, nameplate_unit
from integrations.servicetitan.simulator.data.files import content_type, nameplate_jpeg, render
from integrations.servicetitan.simulator.data.sales import ESTIMATE_ITEM_KEYS, status_model
from integrations.servicetitan.simulator.handlers.base import Call, handler
from integrations.servicetitan.simulator.handlers.common import patch, require_ref, unique_ints
from integrations.servicetitan.simulator.http import ApiError, Response, json_response, not_found
from integrations.servicetitan.simulator.times import date_only, parse

# --- estimates -----------------------------------------------------------------------------------


@handler("sales", "Estimates_Sell")
def estimates_sell(call: Call) -> Response:
    estimate = ops.sell_estimate(call.store, call.int_param("id"), call.body_dict().get("soldBy"))
    return call.respond(estimate)


@handler("sales", "Estimates_Unsell", "Estimates_Dismiss")
def estimates_status(call: Call) -> Response:
    status = "Open" if call.operation.operation_id.endswith("Unsell") else "Dismissed"
    ops.set_estimate_status(call.store, call.int_param("id"), status)
    return call.success()


def _number(*candidates: Any) -> float:
    """The first candidate that is set (a sent value, then the stored one, then a default)."""
    for candidate in candidates:
        if candidate is not None:
            return float(candidate)
    return 0.0


def _estimate_item(call: Call, estimate: Record, body: dict[str, Any]) -> Record:
    sku, kind = ops.find_sku(call.store, body.get("skuId"), body.get("skuName"))
    if sku is None and (body.get("skuId") is not None or body.get("skuName")):
        raise ApiError(
            400, "One or more validation errors occurred.", {"SkuId": ["The SKU does not exist."]}
        )
    item_id = body.get("id")
    if item_id is not None:
        item = call.store.editable("estimate-items", item_id)
        if item is None or item.get("_estimateId") != estimate["id"]:
            raise not_found("Estimate item", item_id)
    else:
        item = {
            "_estimateId": estimate["id"],
            "active": True,
            "itemGroupRootId": None,
            "invoiceItemId": None,
            "budgetCodeId": None,
            "membershipTypeId": None,
            "itemGroupName": None,
            "skuAccount": "Revenue",
        }
    if sku is not None:
        item["sku"] = {
            "id": sku["id"],
            "name": sku.get("code", ""),
            "displayName": sku.get("displayName") or "",
            "type": kind,
            "soldHours": float(sku.get("hours") or 0.0),
            "generalLedgerAccountId": 4100,
            "generalLedgerAccountName": "Revenue",
            "modifiedOn": sku.get("modifiedOn"),
        }
    quantity = _number(body.get("quantity"), item.get("qty"), 1.0)
    unit_rate = _number(body.get("unitPrice"), item.get("unitRate"), (sku or {}).get("price"))
    unit_cost = _number(body.get("unitCost"), item.get("unitCost"), 0.0)
    item.update(
        {
            "description": body.get("description")
            or item.get("description")
            or (sku or {}).get("description")
            or "",
            "qty": quantity,
            "unitRate": unit_rate,
            "total": round(quantity * unit_rate, 2),
            "unitCost": unit_cost,
            "totalCost": round(quantity * unit_cost, 2),
            "chargeable": body.get("chargeable", item.get("chargeable", True)),
        }
    )
    if body.get("itemGroupName") is not None:
        item["itemGroupName"] = body["itemGroupName"]
    if "sku" not in item:
        raise ApiError(
            400,
            "One or more validation errors occurred.",
            {"SkuId": ["A SKU is required for a new item."]},
        )
    saved = (
        call.store.save("estimate-items", item)
        if item_id is not None
        else call.store.create("estimate-items", item)
    )
    _retotal_estimate(call, estimate["id"])
    return saved


def _retotal_estimate(call: Call, estimate_id: int) -> Record:
    estimate = call.editable("estimates", estimate_id, "Estimate")
    items = list(ops.estimate_items(call.store, estimate_id))
    estimate["items"] = [{key: item.get(key) for key in ESTIMATE_ITEM_KEYS} for item in items]
    estimate["subtotal"] = round(sum(float(i.get("total") or 0) for i in items), 2)
    return call.store.save("estimates", estimate)


@handler("sales", "Estimates_PutItem")
def estimates_put_item(call: Call) -> Response:
    estimate = call.record("estimates", call.int_param("id"), "Estimate")
    item = _estimate_item(call, estimate, call.body_dict())
    row = {key: item.get(key) for key in ESTIMATE_ITEM_KEYS} | {"estimateId": estimate["id"]}
    return json_response(row)


@handler("sales", "Estimates_DeleteItem")
def estimates_delete_item(call: Call) -> Response:
    estimate = call.record("estimates", call.int_param("id"), "Estimate")
    item = call.editable("estimate-items", call.int_param("itemId"), "Estimate item")
    if item.get("_estimateId") != estimate["id"]:
        raise not_found("Estimate item", item["id"])
    call.store.delete("estimate-items", item)
    _retotal_estimate(call, estimate["id"])
    return call.success()


_ESTIMATE_FIELDS = (
    "name",
    "summary",
    "tax",
    "isRecommended",
    "budgetCodeId",
    "depositAmount",
    "depositPercent",
    "requireDepositOnSignature",
    "reviewStatus",
)


@handler("sales", "Estimates_Create")
def estimates_create(call: Call) -> Response:
    body = call.body_dict()
    job = call.store.get("jobs", body["jobId"]) if body.get("jobId") is not None else None
    if body.get("jobId") is not None and job is None:
        raise ApiError(
            400, "One or more validation errors occurred.", {"JobId": ["The job does not exist."]}
        )
    location_id = body.get("locationId") or (job or {}).get("locationId")
    record: Record = {
        "jobId": body.get("jobId"),
        "projectId": body.get("projectId"),
        "locationId": location_id,
        "customerId": (job or {}).get("customerId"),
        "jobNumber": (job or {}).get("jobNumber"),
        "status": status_model(body.get("status") or "Open"),
        "reviewStatus": "None",
        "soldOn": None,
        "soldBy": body.get("soldBy"),
        "active": True,
        "items": [],
        "externalLinks": [
            {"name": link.get("name"), "url": link.get("url")}
            for link in body.get("externalLinks") or []
        ],
        "subtotal": 0.0,
        "tax": 0.0,
        "businessUnitId": (job or {}).get("businessUnitId"),
        "businessUnitName": None,
        "isRecommended": False,
        "isChangeOrder": False,
        "proposalTagName": None,
    }
    patch(record, {k: v for k, v in body.items() if v is not None}, _ESTIMATE_FIELDS)
    estimate = call.store.create("estimates", record)
    if job is not None:
        updated = ops.job_of(call.store, job["id"])
        updated["estimateIds"] = [*updated.get("estimateIds", []), estimate["id"]]
        call.store.save("jobs", updated)
    for item in body.get("items") or []:
        _estimate_item(call, estimate, {k: v for k, v in item.items() if k != "id"})
    if (body.get("status") or "Open") == "Sold":
        ops.sell_estimate(call.store, estimate["id"], body.get("soldBy"))
    return call.respond(call.record("estimates", estimate["id"], "Estimate"))


@handler("sales", "Estimates_Update")
def estimates_update(call: Call) -> Response:
    body = call.body_dict()
    estimate = call.editable("estimates", call.int_param("id"), "Estimate")
    patch(estimate, {k: v for k, v in body.items() if v is not None}, _ESTIMATE_FIELDS)
    if body.get("status") is not None:
        estimate["status"] = status_model(body["status"])
    call.store.save("estimates", estimate)
    for item in body.get("items") or []:
        _estimate_item(call, estimate, item)
    return call.respond(call.record("estimates", estimate["id"], "Estimate"))


# --- installed equipment -------------------------------------------------------------------------

_EQUIPMENT_FIELDS = (
    "name", "status", "installedOn", "actualReplacementDate", "manufacturedOn", "serialNumber",
    "barcodeId", "memo", "manufacturer", "model", "cost", "manufacturerWarrantyStart",
    "manufacturerWarrantyEnd", "serviceProviderWarrantyStart", "serviceProviderWarrantyEnd",
    "active",
)  # fmt: skip


#: Declared ``format: date``: a date-time sent for them (the body binder accepts one) is kept as
#: its day.
_EQUIPMENT_DATES = ("manufacturedOn", "actualReplacementDate")


def _equipment_extras(call: Call, record: Record, body: dict[str, Any]) -> None:
    for key in _EQUIPMENT_DATES:
        if isinstance(record.get(key), str):
            record[key] = date_only(parse(record[key]))
    if body.get("equipmentTypeId") is not None:
        kind = require_ref(call, "equipment-types", body["equipmentTypeId"], "EquipmentTypeId")
        record["type"] = {"id": kind["id"], "name": kind["name"]}
    if body.get("tagTypeIds") is not None:
        tags = []
        for tag_id in unique_ints(body["tagTypeIds"]):
            tag = require_ref(call, "tag-types", tag_id, "TagTypeIds")
            tags.append(
                {
                    "id": tag_id,
                    "ownerId": record.get("id") or 0,
                    "typeId": tag_id,
                    "typeName": tag["name"],
                    "memo": None,
                    "color": tag.get("color"),
                    "textColor": None,
                    "code": tag.get("code"),
                }
            )
        record["tags"] = tags
    if body.get("customFields") is not None:
        record["customFields"] = [
            {"id": n + 1, "typeId": f.get("typeId") or 0, "name": None, "value": f.get("value")}
            for n, f in enumerate(body["customFields"])
            if f is not None
        ]
    if body.get("attachments") is not None:
        record["attachments"] = [
            {
                "alias": a.get("alias"),
                "fileName": a.get("fileName"),
                "type": a.get("type") or "Other",
                "url": a.get("url") or "",
            }
            for a in body["attachments"]
            if a is not None
        ]


@handler("equipmentsystems", "InstalledEquipment_Create")
def installed_equipment_create(call: Call) -> Response:
    body = call.body_dict()
    location = require_ref(call, "locations", body.get("locationId"), "LocationId")
    record: Record = {
        "active": True,
        "equipmentId": None,
        "locationId": location["id"],
        "customerId": location["customerId"],
        "invoiceItemId": None,
        "name": body.get("name") or "",
        "type": None,
        "serialNumber": "",
        "barcodeId": None,
        "memo": "",
        "manufacturer": "",
        "model": "",
        "cost": 0.0,
        "status": "Installed",
        "tags": [],
        "attachments": [],
        "customFields": [],
        "predictedReplacementMonths": None,
        "predictedReplacementDate": None,
    }
    patch(record, {k: v for k, v in body.items() if v is not None}, _EQUIPMENT_FIELDS)
    _equipment_extras(call, record, body)
    created = call.store.create("installed-equipment", record)
    if created.get("installedOn") is None:
        created["installedOn"] = created["createdOn"]
    return call.respond(created)


@handler("equipmentsystems", "InstalledEquipment_Update")
def installed_equipment_update(call: Call) -> Response:
    body = call.body_dict()
    record = call.editable("installed-equipment", call.int_param("id"), "Installed equipment")
    patch(record, body, _EQUIPMENT_FIELDS)
    for key in ("serialNumber", "memo", "manufacturer", "model", "name"):
        if record.get(key) is None and key in body:
            record[key] = ""
    _equipment_extras(call, record, body)
    return call.respond(call.store.save("installed-equipment", record))


def _upload(call: Call) -> tuple[bytes, str, str]:
    """``(bytes, file name, content type)`` of a multipart ``file`` field (or a raw body)."""
    ctype = call.request.headers.get("content-type", "")
    if ctype.lower().startswith("multipart/"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + call.request.body
        )
        for part in message.walk():
            if part.is_multipart():
                continue
            name = part.get_param("name", header="content-disposition")
            if name in ("file", None):
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
                return data, part.get_filename() or "upload.bin", part.get_content_type()
        raise ApiError(
            400, "One or more validation errors occurred.", {"file": ["A file is required."]}
        )
    if not call.request.body:
        raise ApiError(
            400, "One or more validation errors occurred.", {"file": ["A file is required."]}
        )
    name = call.arg("fileName") or "upload.bin"
    return call.request.body, name, ctype or content_type(name)


@handler("equipmentsystems", "InstalledEquipment_PostAttachment")
def installed_equipment_upload(call: Call) -> Response:
    data, name, ctype = _upload(call)
    digest = hashlib.sha256(data).hexdigest()[:16]
    path = f"installed-equipment/attachments/{digest}/{name}"
    call.ctx.uploads.put(path, data, ctype, name)
    return json_response({"path": path}, call.operation.success_status)


@handler("equipmentsystems", "InstalledEquipment_Get2")
def installed_equipment_download(call: Call) -> Response:
    path = call.arg("path") or ""
    found = call.ctx.uploads.get(path)
    if found is None:
        raise not_found("Attachment", path)
    data, ctype, name = found
    return Response(200, data, ctype, [("Content-Disposition", f'attachment; filename="{name}"')])


# --- job attachments -----------------------------------------------------------------------------


@handler("forms", "Jobs_CreateAttachment")
def job_attachment_upload(call: Call) -> Response:
    job = call.record("jobs", call.int_param("id"), "Job")
    data, name, ctype = _upload(call)
    record = call.store.create(
        "job-attachments",
        {"fileName": name, "createdById": 0, "active": True, "_jobId": job["id"], "_key": 0},
    )
    call.ctx.uploads.put(f"job-attachment/{record['id']}", data, ctype, name)
    return json_response({"fileName": name})


@handler("forms", "Jobs_Get")
def job_attachment_download(call: Call) -> Response:
    """The real bytes with the right content type (generated PNG/JPEG/PDF for seeded files)."""
    record = call.record("job-attachments", call.int_param("id"), "Attachment")
    uploaded = call.ctx.uploads.get(f"job-attachment/{record['id']}")
    if uploaded is not None:
        data, ctype, name = uploaded
    else:
        name = str(record["fileName"])
        key = int(record.get("_key") or record["id"])
        unit = nameplate_unit(call.tenant, record)
        if unit is not None:
            model, serial = unit
            data = nameplate_jpeg(model.manufacturer, model.model, serial, model.rating_text, key)
        else:
            data = render(name, key, attachment_text(call.tenant, record))
        ctype = content_type(name)
    return Response(200, data, ctype, [("Content-Disposition", f'inline; filename="{name}"')])
