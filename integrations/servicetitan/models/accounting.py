"""Accounting models generated from ServiceTitan's ``accounting-v2`` document.

Do not edit by hand: run ``python -m integrations.servicetitan.models._codegen``. Response
models (``STModel``) are lenient, request models (``STRequest``, ``…Input`` for nested parts)
are strict; see :mod:`integrations.servicetitan.models.base`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from .base import LooseStr, Money, STModel, STRequest, UTCDateTime

__all__ = [
    "AccountingCustomFieldType",
    "Address",
    "AdjustmentInvoiceCreate",
    "Batch",
    "CustomField",
    "CustomFieldModel",
    "CustomFieldOperationInput",
    "CustomFieldPairInput",
    "CustomFieldUpdate",
    "EmployeeInfo",
    "ExportedInvoiceItem",
    "GLAccount",
    "Invoice",
    "InvoiceItem",
    "InvoiceItemUpdate",
    "InvoiceJob",
    "InvoiceUpdate",
    "ItemGroup",
    "NamedField",
    "Payment",
    "PaymentApplied",
    "PaymentCreate",
    "PaymentResult",
    "PaymentSettlementUpdateInput",
    "PaymentSplitApiModel",
    "PaymentSplitApiModelInput",
    "PaymentUpdate",
    "Royalty",
    "SalesTax",
]


InvoiceReviewStatus = Literal[
    "NeedsReview",
    "OnHold",
    "Reviewed",
    "PendingApproval",
    "Rejected",
    "ReadyForBilling",
    "Invoiced",
]
PaymentStatus = Literal[
    "Pending",
    "Posted",
    "Exported",
]
RoyaltyStatus = Literal[
    "Pending",
    "Sent",
    "Failed",
]
SettlementStatus = Literal[
    "NotSettled",
    "Settled",
]


class SalesTax(STModel):
    """``Accounting.V2.SalesTaxResponse``."""

    id: int
    name: LooseStr = None
    tax_rate: Money = None


class NamedField(STModel):
    """``Accounting.V2.NamedFieldResponse``."""

    id: int
    name: LooseStr = None


class Address(STModel):
    """``Accounting.V2.AddressResponse``."""

    street: LooseStr = None
    unit: LooseStr = None
    city: LooseStr = None
    state: LooseStr = None
    zip: LooseStr = None
    country: LooseStr = None


class Batch(STModel):
    """``Accounting.V2.BatchResponse``."""

    id: int
    number: LooseStr = None
    name: LooseStr = None


class InvoiceJob(STModel):
    """``Accounting.V2.JobResponse``."""

    id: int
    number: LooseStr = None
    type: LooseStr = None


class Royalty(STModel):
    """``Accounting.V2.RoyaltyResponse``."""

    status: LooseStr = None
    date: UTCDateTime = None
    sent_on: UTCDateTime = None
    memo: LooseStr = None


class EmployeeInfo(STModel):
    """``Accounting.V2.EmployeeInfoResponse``."""

    id: int
    name: LooseStr = None
    modified_on: UTCDateTime = None


class GLAccount(STModel):
    """``Accounting.V2.GLAccountResponse``."""

    id: int
    name: LooseStr = None
    number: LooseStr = None
    type: LooseStr = None
    detail_type: LooseStr = None


class ItemGroup(STModel):
    """``Accounting.V2.ItemGroupResponse``."""

    root_id: int | None = None
    name: LooseStr = None


class InvoiceItem(STModel):
    """``Accounting.V2.InvoiceItemResponse``."""

    id: int
    description: LooseStr = None
    quantity: Money = None
    cost: Money = None
    total_cost: Money = None
    budget_code_id: int | None = None
    inventory_location_id: int | None = None
    inventory_location: LooseStr = None
    price: Money = None
    type: LooseStr = None
    sku_name: LooseStr = None
    sku_id: int | None = None
    total: Money = None
    inventory: bool | None = None
    taxable: bool | None = None
    is_chargeable: bool | None = None
    general_ledger_account: GLAccount | None = None
    cost_of_sale_account: GLAccount | None = None
    asset_account: GLAccount | None = None
    membership_type_id: int | None = None
    item_group: ItemGroup | None = None
    display_name: LooseStr = None
    sold_hours: Money = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None
    service_date: UTCDateTime = None
    order: int | None = None
    business_unit: NamedField | None = None
    created_by_id: int | None = None
    display_in_amount: bool | None = None
    import_id: LooseStr = None
    export_id: LooseStr = None
    inventory_status: LooseStr = None
    add_on: bool | None = None
    member_price: Money = None
    technician_id: int | None = None
    installed_equipment_id: int | None = None
    estimate_item_id: int | None = None


class CustomField(STModel):
    """``Accounting.V2.CustomFieldResponse``."""

    name: LooseStr = None
    value: LooseStr = None


class Invoice(STModel):
    """``Accounting.V2.InvoiceResponse``."""

    id: int
    sync_status: LooseStr = None
    budget_code_id: int | None = None
    reference_number: LooseStr = None
    invoice_date: UTCDateTime = None
    due_date: UTCDateTime = None
    sub_total: Money = None
    sales_tax: Money = None
    sales_tax_code: SalesTax | None = None
    tax_zone_id: int | None = None
    total: Money = None
    balance: Money = None
    invoice_type: NamedField | None = None
    customer: NamedField | None = None
    customer_address: Address | None = None
    location: NamedField | None = None
    location_address: Address | None = None
    business_unit: NamedField | None = None
    term_name: LooseStr = None
    created_by: LooseStr = None
    batch: Batch | None = None
    deposited_on: UTCDateTime = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None
    adjustment_to_id: int | None = None
    job: InvoiceJob | None = None
    project_id: int | None = None
    royalty: Royalty | None = None
    employee_info: EmployeeInfo | None = None
    commission_eligibility_date: LooseStr = None
    sent_status: LooseStr = None
    review_status: LooseStr = None
    assigned_to: NamedField | None = None
    summary: LooseStr = None
    items: list[InvoiceItem] | None = None
    custom_fields: list[CustomField] | None = None
    active: bool | None = None
    discount_total: Money = None
    import_id: LooseStr = None
    export_id: LooseStr = None
    material_sku_id: int | None = None
    membership_id: int | None = None
    paid_on: UTCDateTime = None
    invoice_configuration: LooseStr = None


class ExportedInvoiceItem(STModel):
    """``Accounting.V2.ExportInvoiceItemResponse``."""

    id: int
    description: LooseStr = None
    quantity: Money = None
    cost: Money = None
    total_cost: Money = None
    budget_code_id: int | None = None
    inventory_location_id: int | None = None
    inventory_location: LooseStr = None
    price: Money = None
    type: LooseStr = None
    sku_name: LooseStr = None
    sku_id: int | None = None
    total: Money = None
    inventory: bool | None = None
    taxable: bool | None = None
    is_chargeable: bool | None = None
    general_ledger_account: GLAccount | None = None
    cost_of_sale_account: GLAccount | None = None
    asset_account: GLAccount | None = None
    membership_type_id: int | None = None
    item_group: ItemGroup | None = None
    display_name: LooseStr = None
    sold_hours: Money = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None
    service_date: UTCDateTime = None
    order: int | None = None
    business_unit: NamedField | None = None
    created_by_id: int | None = None
    display_in_amount: bool | None = None
    import_id: LooseStr = None
    export_id: LooseStr = None
    inventory_status: LooseStr = None
    add_on: bool | None = None
    member_price: Money = None
    technician_id: int | None = None
    installed_equipment_id: int | None = None
    estimate_item_id: int | None = None
    active: bool | None = None
    invoice_id: int | None = None


class PaymentApplied(STModel):
    """``Accounting.V2.PaymentAppliedResponse``."""

    applied_amount: Money = None
    applied_by: LooseStr = None
    applied_id: int | None = None
    applied_on: UTCDateTime = None
    applied_to: int | None = None
    applied_to_reference_number: LooseStr = None


class CustomFieldModel(STModel):
    """``Accounting.CustomFieldModel``."""

    name: LooseStr = None
    value: LooseStr = None


class Payment(STModel):
    """``Accounting.V2.DetailedPaymentResponse``."""

    active: bool | None = None
    applied_to: list[PaymentApplied] | None = None
    auth_code: LooseStr = None
    batch: Batch | None = None
    business_unit: NamedField | None = None
    check_number: LooseStr = None
    created_by: LooseStr = None
    created_on: UTCDateTime = None
    customer: NamedField | None = None
    custom_fields: list[CustomFieldModel] | None = None
    date: UTCDateTime = None
    deposit: NamedField | None = None
    general_ledger_account: GLAccount | None = None
    id: int
    memo: LooseStr = None
    modified_on: UTCDateTime = None
    reference_number: LooseStr = None
    refunded_payment_id: int | None = None
    sync_status: LooseStr = None
    total: Money = None
    type: LooseStr = None
    type_id: LooseStr = None
    unapplied_amount: Money = None


class PaymentSplitApiModel(STModel):
    """``Accounting.V2.PaymentSplitApiModel``."""

    amount: Money = None
    invoice_id: int | None = None
    invoice_number: LooseStr = None


class PaymentResult(STModel):
    """``Accounting.V2.PaymentResponse``."""

    active: bool | None = None
    auth_code: LooseStr = None
    check_number: LooseStr = None
    customer_id: int | None = None
    export_id: LooseStr = None
    id: int
    memo: LooseStr = None
    paid_on: UTCDateTime = None
    splits: list[PaymentSplitApiModel] | None = None
    status: LooseStr = None
    transaction_status: LooseStr = None
    type_id: int | None = None


class AccountingCustomFieldType(STModel):
    """``Accounting.V2.CustomFieldTypeResponse``."""

    id: int
    name: LooseStr = None
    data_type: LooseStr = None
    data_type_options: list[str] | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None


class InvoiceItemUpdate(STRequest):
    """``Accounting.V2.InvoiceItemUpdateRequest``."""

    sku_id: int | None = None
    sku_name: str | None = None
    technician_id: int | None = None
    description: str
    quantity: Decimal
    unit_price: Decimal | None = None
    cost: Decimal | None = None
    is_add_on: bool | None = None
    signature: str | None = None
    technician_acknowledgement_signature: str | None = None
    installed_on: datetime | None = None
    inventory_warehouse_name: str | None = None
    skip_updating_membership_prices: bool | None = None
    item_group_name: str | None = None
    item_group_root_id: int | None = None
    inventory_location_id: int | None = None
    duration_billing_id: int | None = None
    budget_code_id: int | None = None
    id: int | None = None


class AdjustmentInvoiceCreate(STRequest):
    """``Accounting.V2.AdjustmentInvoiceCreateRequest``."""

    number: str | None = None
    type_id: int | None = None
    invoiced_on: datetime | None = None
    subtotal: Decimal | None = None
    tax: Decimal | None = None
    tax_zone_id: int | None = None
    summary: str | None = None
    royalty_status: RoyaltyStatus | None = None
    royalty_date: datetime | None = None
    royalty_sent_on: datetime | None = None
    royalty_memo: str | None = None
    export_id: str | None = None
    review_status: InvoiceReviewStatus | None = None
    assigned_to_id: int | None = None
    budget_code_id: int | None = None
    items: list[InvoiceItemUpdate] | None = None
    adjustment_to_id: int


class PaymentSettlementUpdateInput(STRequest):
    """``Accounting.V2.PaymentSettlementUpdateRequest``."""

    id: int
    settlement_status: SettlementStatus | None = None
    settlement_date: datetime | None = None


class InvoiceUpdate(STRequest):
    """``Accounting.V2.InvoiceUpdateRequest``."""

    number: str | None = None
    type_id: int | None = None
    invoiced_on: datetime | None = None
    subtotal: Decimal | None = None
    tax: Decimal | None = None
    tax_zone_id: int | None = None
    summary: str | None = None
    royalty_status: RoyaltyStatus | None = None
    royalty_date: datetime | None = None
    royalty_sent_on: datetime | None = None
    royalty_memo: str | None = None
    export_id: str | None = None
    review_status: InvoiceReviewStatus | None = None
    assigned_to_id: int | None = None
    budget_code_id: int | None = None
    items: list[InvoiceItemUpdate] | None = None
    due_date: date | None = None
    payments: list[PaymentSettlementUpdateInput] | None = None


class CustomFieldPairInput(STRequest):
    """``Accounting.V2.CustomFieldPairRequest``."""

    name: str
    value: str | None = None


class CustomFieldOperationInput(STRequest):
    """``Accounting.V2.CustomFieldOperationRequest``."""

    object_id: int
    custom_fields: list[CustomFieldPairInput]


class CustomFieldUpdate(STRequest):
    """``Accounting.V2.CustomFieldUpdateRequest``."""

    operations: list[CustomFieldOperationInput]


class PaymentSplitApiModelInput(STRequest):
    """``Accounting.V2.PaymentSplitApiModel``."""

    amount: Decimal | None = None
    invoice_id: int | None = None
    invoice_number: str | None = None


class PaymentCreate(STRequest):
    """``Accounting.V2.PaymentCreateRequest``."""

    amount: Decimal | None = None
    auth_code: str | None = None
    check_number: str | None = None
    customer_id: int | None = None
    export_id: str | None = None
    memo: str | None = None
    paid_on: datetime | None = None
    splits: list[PaymentSplitApiModelInput] | None = None
    status: PaymentStatus | None = None
    type_id: int


class PaymentUpdate(STRequest):
    """``Accounting.V2.PaymentUpdateRequest``."""

    active: bool | None = None
    auth_code: str | None = None
    check_number: str | None = None
    export_id: str | None = None
    memo: str | None = None
    paid_on: datetime | None = None
    splits: list[PaymentSplitApiModelInput]
    status: PaymentStatus | None = None
    type_id: int
