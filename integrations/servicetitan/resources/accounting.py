"""Accounting: invoices (and their items), payments, inventory bills feed.

Money on accounting *responses* is string-typed ("125.00"); the models parse it to Decimal,
and request bodies send Decimal as exact JSON numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from integrations.servicetitan.endpoints import CREATED, EXPORT, IDS, MODIFIED, PAGED, SORT, define
from integrations.servicetitan.models.accounting import (
    AccountingCustomFieldType,
    AdjustmentInvoiceCreate,
    CustomFieldUpdate,
    Invoice,
    InvoiceItemUpdate,
    InvoiceUpdate,
    Payment,
    PaymentCreate,
    PaymentResult,
    PaymentUpdate,
)
from integrations.servicetitan.paging import Page

from .base import Exportable, ExportFeed, Listable, Resource

__all__ = ["InventoryBills", "Invoices", "Payments"]

_STD = (*PAGED, *IDS, *CREATED, *MODIFIED, *SORT)
_CUSTOM_FIELD_FILTER = ("customField.Fields", "customField.Operator")

INVOICES_LIST = define(
    "invoices.list",
    "accounting",
    "GET",
    "/invoices",
    "Invoices_GetList",
    query=(
        *_STD,
        *_CUSTOM_FIELD_FILTER,
        "activeState",
        "statuses",
        "batchId",
        "batchNumber",
        "jobId",
        "jobNumber",
        "businessUnitId",
        "customerId",
        "invoicedOnOrAfter",
        "invoicedOnBefore",
        "adjustmentToId",
        "number",
        "totalGreater",
        "totalLess",
        "balanceFilter.Balance",
        "balanceFilter.Comparer",
        "dueDateBefore",
        "dueDateOnOrAfter",
        "orderBy",
        "orderByDirection",
        "reviewStatuses",
        "assignedToIds",
        "invoiceConfigurations",
    ),
)
INVOICES_CREATE_ADJUSTMENT = define(
    "invoices.create_adjustment",
    "accounting",
    "POST",
    "/invoices",
    "Invoices_CreateAdjustmentInvoice",
)
INVOICES_UPDATE = define(
    "invoices.update", "accounting", "PATCH", "/invoices/{id}", "Invoices_UpdateInvoice"
)
INVOICES_UPDATE_ITEMS = define(
    "invoices.update_items",
    "accounting",
    "PATCH",
    "/invoices/{invoiceId}/items",
    "Invoices_UpdateInvoiceItems",
    # Without an item id the PATCH *appends* an item: repeating it would add a second one.
    idempotent=False,
)
INVOICES_DELETE_ITEM = define(
    "invoices.delete_item",
    "accounting",
    "DELETE",
    "/invoices/{invoiceId}/items/{itemId}",
    "Invoices_DeleteInvoiceItem",
)
INVOICES_UPDATE_CUSTOM_FIELDS = define(
    "invoices.update_custom_fields",
    "accounting",
    "PATCH",
    "/invoices/custom-fields",
    "Invoices_UpdateCustomFields",
)
INVOICES_CUSTOM_FIELD_TYPES = define(
    "invoices.custom_field_types",
    "accounting",
    "GET",
    "/invoices/custom-fields",
    "Invoices_GetCustomFieldTypes",
    query=(*PAGED, *CREATED, *MODIFIED, *SORT),
)
INVOICES_EXPORT = define(
    "invoices.export", "accounting", "GET", "/export/invoices", "Export_Invoices", query=EXPORT
)
INVOICE_ITEMS_EXPORT = define(
    "invoices.items.export",
    "accounting",
    "GET",
    "/export/invoice-items",
    "Export_InvoiceItems",
    query=EXPORT,
)

PAYMENTS_LIST = define(
    "payments.list",
    "accounting",
    "GET",
    "/payments",
    "Payments_GetList",
    query=(
        *_STD,
        *_CUSTOM_FIELD_FILTER,
        "activeState",
        "appliedToInvoiceIds",
        "appliedToReferenceNumber",
        "batchId",
        "batchNumber",
        "businessUnitIds",
        "customerId",
        "depositIds",
        "paidOnAfter",
        "paidOnBefore",
        "statuses",
        "totalGreater",
        "totalLess",
        "transactionType",
    ),
)
PAYMENTS_CREATE = define(
    "payments.create", "accounting", "POST", "/payments", "Payments_Create", archived=True
)
PAYMENTS_UPDATE = define(
    "payments.update", "accounting", "PATCH", "/payments/{id}", "Payments_Update"
)
PAYMENTS_UPDATE_CUSTOM_FIELDS = define(
    "payments.update_custom_fields",
    "accounting",
    "PATCH",
    "/payments/custom-fields",
    "Payments_UpdateCustomFields",
)
PAYMENTS_EXPORT = define(
    "payments.export", "accounting", "GET", "/export/payments", "Export_Payments", query=EXPORT
)
INVENTORY_BILLS_EXPORT = define(
    "inventory_bills.export",
    "accounting",
    "GET",
    "/export/inventory-bills",
    "Export_InventoryBills",
    query=EXPORT,
)


def _custom_fields_body(
    updates: CustomFieldUpdate | Mapping[int, Mapping[str, str | None]],
) -> CustomFieldUpdate | dict[str, Any]:
    """``{invoice_id: {"PO Ref": "123"}}`` → ServiceTitan's name-keyed bulk operations."""
    if isinstance(updates, CustomFieldUpdate):
        return updates
    return {
        "operations": [
            {
                "objectId": object_id,
                "customFields": [{"name": name, "value": value} for name, value in fields.items()],
            }
            for object_id, fields in updates.items()
        ]
    }


class Invoices(Listable[Invoice], Exportable):
    """``client.invoices`` (no get-by-id in the API: use ``list(ids=[...])``)."""

    model = Invoice
    list_endpoint = INVOICES_LIST
    export_endpoint = INVOICES_EXPORT

    def create_adjustment(self, body: AdjustmentInvoiceCreate | Mapping[str, Any]) -> int:
        """Create an adjustment invoice (``adjustmentToId`` required); returns the new id."""
        return int(self._request(INVOICES_CREATE_ADJUSTMENT, json=body))

    def update(self, invoice_id: int, body: InvoiceUpdate | Mapping[str, Any]) -> None:
        self._request(INVOICES_UPDATE, path={"id": invoice_id}, json=body)

    def update_items(self, invoice_id: int, item: InvoiceItemUpdate | Mapping[str, Any]) -> None:
        """Update one item (with ``id``) or append one (without). ServiceTitan takes ONE item
        per call; the price field is ``unitPrice`` (``price`` is silently ignored).

        Appending is not idempotent, so the client never re-sends it once it may have
        arrived; updating an existing item (``id`` set) is retried like any PATCH.
        """
        has_id = (
            item.id is not None
            if isinstance(item, InvoiceItemUpdate)
            else item.get("id") is not None
        )
        endpoint = INVOICES_UPDATE_ITEMS
        path = {"invoiceId": invoice_id}
        call = self._api.call(endpoint, path=path, json=item)
        call.idempotent = has_id
        self._api.send_json(call)

    def delete_item(self, invoice_id: int, item_id: int) -> None:
        self._request(INVOICES_DELETE_ITEM, path={"invoiceId": invoice_id, "itemId": item_id})

    def update_custom_fields(
        self, updates: CustomFieldUpdate | Mapping[int, Mapping[str, str | None]]
    ) -> None:
        """Set custom fields by *name* on many invoices: ``{invoice_id: {name: value}}``."""
        self._request(INVOICES_UPDATE_CUSTOM_FIELDS, json=_custom_fields_body(updates))

    def custom_field_types(
        self, *, page: int = 1, page_size: int = 50
    ) -> Page[AccountingCustomFieldType]:
        return self._page(
            INVOICES_CUSTOM_FIELD_TYPES,
            AccountingCustomFieldType,
            page=page,
            page_size=page_size,
            filters={},
        )

    @property
    def items_feed(self) -> ExportFeed:
        """``/export/invoice-items``: flat item rows carrying ``invoiceId``."""
        return self._feed(INVOICE_ITEMS_EXPORT)


class Payments(Listable[Payment], Exportable):
    """``client.payments``."""

    model = Payment
    list_endpoint = PAYMENTS_LIST
    export_endpoint = PAYMENTS_EXPORT

    def create(self, body: PaymentCreate | Mapping[str, Any]) -> PaymentResult:
        """Create a payment. Only in ServiceTitan's Mar-2026 documents (dropped from the
        May-2026 ones, still served); non-idempotent."""
        return PaymentResult.from_raw(self._request(PAYMENTS_CREATE, json=body))

    def update(self, payment_id: int, body: PaymentUpdate | Mapping[str, Any]) -> PaymentResult:
        payload = self._request(PAYMENTS_UPDATE, path={"id": payment_id}, json=body)
        return PaymentResult.from_raw(payload)

    def update_custom_fields(
        self, updates: CustomFieldUpdate | Mapping[int, Mapping[str, str | None]]
    ) -> None:
        """Set custom fields by name on many payments: ``{payment_id: {name: value}}``."""
        self._request(PAYMENTS_UPDATE_CUSTOM_FIELDS, json=_custom_fields_body(updates))


class InventoryBills(Exportable, Resource):
    """``client.inventory_bills``: export feed only (bills are created in ServiceTitan)."""

    export_endpoint = INVENTORY_BILLS_EXPORT
