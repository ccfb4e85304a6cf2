"""Accounting writes: invoice header updates, invoice items (one per call), name-keyed custom
fields in bulk, adjustment invoices (answered with a bare id), payments."""

from __future__ import annotations

from typing import Any

from integrations.servicetitan.simulator import operations as ops
from integrations.servicetitan.simulator.data.accounting import money
from integrations.servicetitan.simulator.data.collections import Record
from integrations.servicetitan.simulator.handlers.base import Call, handler
from integrations.servicetitan.simulator.handlers.common import require_ref
from integrations.servicetitan.simulator.http import (
    ApiError,
    Response,
    json_response,
    validation_error,
)
from integrations.servicetitan.simulator.times import iso, parse


@handler("accounting", "Invoices_UpdateInvoice")
def invoice_update(call: Call) -> Response:
    """Partial header update; ``items`` in the body are applied one by one like the items
    endpoint. Answers 200 with an empty body, as documented."""
    body = call.body_dict()
    invoice_id = call.int_param("id")
    invoice = call.editable("invoices", invoice_id, "Invoice")
    if body.get("number") is not None:
        invoice["referenceNumber"] = body["number"]
    if body.get("invoicedOn") is not None:
        invoice["invoiceDate"] = iso(parse(body["invoicedOn"]))
    if body.get("dueDate") is not None:
        invoice["dueDate"] = iso(parse(body["dueDate"]))
    for source, target in (
        ("summary", "summary"),
        ("exportId", "exportId"),
        ("reviewStatus", "reviewStatus"),
        ("taxZoneId", "taxZoneId"),
        ("budgetCodeId", "budgetCodeId"),
    ):
        if source in body:
            invoice[target] = body[source]
    if body.get("assignedToId") is not None:
        employee = call.store.get("employees", body["assignedToId"])
        invoice["assignedTo"] = {"id": body["assignedToId"], "name": (employee or {}).get("name")}
    if body.get("royaltyStatus") is not None:
        invoice["royalty"] = {
            "status": body["royaltyStatus"],
            "date": body.get("royaltyDate"),
            "sentOn": body.get("royaltySentOn"),
            "memo": body.get("royaltyMemo"),
        }
    call.store.save("invoices", invoice)
    for item in body.get("items") or []:
        ops.upsert_invoice_item(call.store, invoice_id, item)
    return call.success()


@handler("accounting", "Invoices_UpdateInvoiceItems")
def invoice_items_update(call: Call) -> Response:
    ops.upsert_invoice_item(call.store, call.int_param("invoiceId"), call.body_dict())
    return call.success()


@handler("accounting", "Invoices_DeleteInvoiceItem")
def invoice_item_delete(call: Call) -> Response:
    ops.delete_invoice_item(call.store, call.int_param("invoiceId"), call.int_param("itemId"))
    return call.success()


def _apply_custom_fields(call: Call, resource: str, what: str) -> Response:
    """Bulk, name-keyed: ``{"operations": [{"objectId", "customFields": [{name, value}]}]}``."""
    operations = call.body_dict().get("operations") or []
    for operation in operations:
        record = call.editable(resource, operation["objectId"], what)
        fields = {f["name"]: f for f in record.get("customFields") or []}
        for pair in operation.get("customFields") or []:
            if pair.get("value") is None:
                fields.pop(pair["name"], None)
            else:
                fields[pair["name"]] = {"name": pair["name"], "value": pair["value"]}
        record["customFields"] = list(fields.values())
        call.store.save(resource, record)
    return call.success()


@handler("accounting", "Invoices_UpdateCustomFields")
def invoice_custom_fields(call: Call) -> Response:
    return _apply_custom_fields(call, "invoices", "Invoice")


@handler("accounting", "Payments_UpdateCustomFields")
def payment_custom_fields(call: Call) -> Response:
    return _apply_custom_fields(call, "payments", "Payment")


@handler("accounting", "Invoices_CreateAdjustmentInvoice")
def adjustment_invoice_create(call: Call) -> Response:
    """Only adjustment invoices can be created; the answer is the new id as a bare integer."""
    body = call.body_dict()
    original = require_ref(call, "invoices", body.get("adjustmentToId"), "AdjustmentToId")
    record: Record = {key: value for key, value in original.items() if not key.startswith("_")}
    record.update(
        {
            "id": None,
            "referenceNumber": body.get("number") or f"{original.get('referenceNumber')}-ADJ",
            "invoiceDate": iso(parse(body["invoicedOn"])) if body.get("invoicedOn") else None,
            "adjustmentToId": original["id"],
            "items": [],
            "subTotal": "0.00",
            "salesTax": "0.00",
            "total": "0.00",
            "balance": "0.00",
            "summary": body.get("summary"),
            "customFields": [],
            "active": True,
            "syncStatus": "Pending",
            "paidOn": None,
            "exportId": body.get("exportId"),
            "_jobId": original.get("_jobId"),
            "_customerId": original.get("_customerId"),
            "_businessUnitId": original.get("_businessUnitId"),
        }
    )
    created = call.store.create("invoices", record)
    if record["invoiceDate"] is None:
        created["invoiceDate"] = created["createdOn"]
    for item in body.get("items") or []:
        ops.upsert_invoice_item(
            call.store, created["id"], {k: v for k, v in item.items() if k != "id"}
        )
    return json_response(created["id"], call.operation.success_status)


@handler("accounting", "Invoices_MarkAsExported")
def invoices_mark_exported(call: Call) -> Response:
    results = []
    for entry in call.body if isinstance(call.body, list) else []:
        invoice = call.store.editable("invoices", entry.get("invoiceId"))
        if invoice is None:
            results.append(
                {
                    "invoiceId": entry.get("invoiceId"),
                    "success": False,
                    "errorMessage": "Invoice not found",
                }
            )
            continue
        invoice["syncStatus"] = "Exported"
        invoice["exportId"] = entry.get("externalId")
        call.store.save("invoices", invoice)
        results.append({"invoiceId": invoice["id"], "success": True, "errorMessage": None})
    return json_response(results)


# --- payments ------------------------------------------------------------------------------------


def _splits(call: Call, splits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    resolved = []
    for split in splits:
        invoice_id = split.get("invoiceId")
        invoice = call.store.get("invoices", invoice_id) if invoice_id is not None else None
        if invoice_id is not None and invoice is None:
            raise validation_error({"Splits": [f"Invoice {invoice_id} does not exist."]})
        resolved.append(
            {
                "amount": split.get("amount"),
                "invoiceId": invoice_id,
                "invoiceNumber": split.get("invoiceNumber")
                or (invoice or {}).get("referenceNumber"),
            }
        )
    return resolved


def _payment_view(record: Record) -> dict[str, Any]:
    """``PaymentResponse`` (what create/update answer) from a stored detailed payment."""
    return {
        "active": record.get("active", True),
        "authCode": record.get("authCode"),
        "checkNumber": record.get("checkNumber"),
        "customerId": record.get("_customerId"),
        "exportId": record.get("exportId"),
        "id": record["id"],
        "memo": record.get("memo"),
        "paidOn": record.get("date"),
        "splits": record.get("_splits") or [],
        "status": record.get("_status"),
        "transactionStatus": "Success",
        "typeId": int(record.get("typeId") or 0),
    }


def _apply_payment(call: Call, record: Record, body: dict[str, Any]) -> None:
    payment_type = require_ref(
        call, "payment-types", body.get("typeId", record.get("typeId")), "TypeId"
    )
    record["typeId"] = str(payment_type["id"])
    record["type"] = payment_type["name"]
    for key in ("authCode", "checkNumber", "memo", "exportId"):
        if key in body:
            record[key] = body[key]
    if body.get("paidOn") is not None:
        record["date"] = iso(parse(body["paidOn"]))
    if "status" in body and body["status"] is not None:
        record["_status"] = body["status"]
        record["syncStatus"] = body["status"]
    if "active" in body and body["active"] is not None:
        record["active"] = bool(body["active"])
    if body.get("splits") is not None:
        splits = _splits(call, body["splits"])
        record["_splits"] = splits
        record["_invoiceIds"] = [s["invoiceId"] for s in splits if s["invoiceId"] is not None]
        record["appliedTo"] = [
            {
                "appliedAmount": money(float(s["amount"] or 0)),
                "appliedBy": "API",
                "appliedId": record["id"] * 10 + n if isinstance(record.get("id"), int) else n,
                "appliedOn": record.get("date"),
                "appliedTo": s["invoiceId"],
                "appliedToReferenceNumber": s["invoiceNumber"],
            }
            for n, s in enumerate(splits)
            if s["invoiceId"] is not None
        ]
        total = sum(float(s["amount"] or 0) for s in splits)
        record["total"] = money(float(body.get("amount") or total))
        record["unappliedAmount"] = money(max(float(body.get("amount") or total) - total, 0.0))


@handler("accounting", "Payments_Create")
def payment_create(call: Call) -> Response:
    """Removed from the May-2026 public documents but still served (see spec.py)."""
    body = call.body_dict()
    customer_id = body.get("customerId")
    customer = (
        require_ref(call, "customers", customer_id, "CustomerId")
        if customer_id is not None
        else None
    )
    record: Record = {
        "id": call.store.allocate_id("payments"),
        "active": True,
        "appliedTo": [],
        "batch": None,
        "businessUnit": None,
        "createdBy": "API",
        "customer": None
        if customer is None
        else {"id": customer["id"], "name": customer.get("name")},
        "customFields": [],
        "date": None,
        "deposit": None,
        "generalLedgerAccount": None,
        "referenceNumber": None,
        "refundedPaymentId": None,
        "syncStatus": body.get("status") or "Pending",
        "total": money(float(body.get("amount") or 0)),
        "unappliedAmount": money(float(body.get("amount") or 0)),
        "_customerId": customer_id,
        "_invoiceIds": [],
        "_splits": [],
        "_status": body.get("status") or "Pending",
    }
    _apply_payment(call, record, body)
    created = call.store.create("payments", record)
    if created.get("date") is None:
        created["date"] = created["createdOn"]
    return json_response(_payment_view(created), call.operation.success_status)


@handler("accounting", "Payments_Update")
def payment_update(call: Call) -> Response:
    record = call.editable("payments", call.int_param("id"), "Payment")
    _apply_payment(call, record, call.body_dict())
    return json_response(_payment_view(call.store.save("payments", record)))


@handler("accounting", "Payments_UpdateStatus")
def payment_status(call: Call) -> Response:
    body = call.body_dict()
    for payment_id in body.get("paymentIds") or []:
        record = call.editable("payments", payment_id, "Payment")
        record["_status"] = body["status"]
        record["syncStatus"] = body["status"]
        call.store.save("payments", record)
    if not body.get("paymentIds"):
        raise ApiError(
            400,
            "One or more validation errors occurred.",
            {"PaymentIds": ["At least one payment id is required."]},
        )
    return call.success()
