"""Service Agreements models generated from ServiceTitan's ``service-agreements-v2`` document.

Do not edit by hand: run ``python -m integrations.servicetitan.models._codegen``. Response
models (``STModel``) are lenient, request models (``STRequest``, ``…Input`` for nested parts)
are strict; see :mod:`integrations.servicetitan.models.base`.
"""

from __future__ import annotations

from .base import LenientDate, LooseStr, Money, STModel, UTCDateTime

__all__ = [
    "CustomField",
    "ServiceAgreement",
    "ServiceAgreementTemplateFields",
]


class ServiceAgreementTemplateFields(STModel):
    """``ServiceAgreements.V2.ServiceAgreementTemplateFieldsResponse``."""

    original_template_id: int | None = None
    revenue_recognition_mode: LooseStr = None
    general_ledger_account_id: int | None = None
    invoice_cancellation_mode: LooseStr = None
    billing_service_id: int | None = None
    billing_schedule_type: LooseStr = None
    negative_liability_service_id: int | None = None
    positive_income_service_id: int | None = None
    default_labor_cost_per_hour: Money = None
    default_extra_travel_cost_per_hour: Money = None
    default_pricing_strategy: LooseStr = None
    default_target_margin_value: Money = None
    default_target_margin_value_type: LooseStr = None
    default_flat_price: Money = None
    default_markup_percentage: Money = None
    default_surcharge: Money = None
    default_labor_markup_percentage: Money = None
    default_material_markup_percentage: Money = None
    default_labor_surcharge: Money = None
    default_material_surcharge: Money = None
    default_rate_sheet_id: int | None = None
    default_campaign_id: int | None = None
    default_document_template_id: int | None = None
    default_auto_renew: bool | None = None


class CustomField(STModel):
    """``ServiceAgreements.V2.CustomFieldResponse``."""

    type_id: int | None = None
    name: LooseStr = None
    value: LooseStr = None


class ServiceAgreement(STModel):
    """``ServiceAgreements.V2.ServiceAgreementResponse``."""

    id: int
    name: LooseStr = None
    created_on: UTCDateTime = None
    created_by_id: int | None = None
    modified_on: UTCDateTime = None
    modified_by_id: int | None = None
    template_fields: ServiceAgreementTemplateFields | None = None
    customer_id: int | None = None
    business_unit_id: int | None = None
    status: LooseStr = None
    location_ids: list[int] | None = None
    origin: LooseStr = None
    summary: LooseStr = None
    import_id: LooseStr = None
    imported_deferred_amount: Money = None
    imported_recognized_amount: Money = None
    duration_months: int | None = None
    auto_renew: bool | None = None
    renewal_agreement_id: int | None = None
    start_date: LenientDate = None
    end_date: LenientDate = None
    billing_schedule: LooseStr = None
    payment_term_id: int | None = None
    payment_method_id: int | None = None
    estimated_travel_cost: Money = None
    estimated_labor_cost: Money = None
    estimated_material_cost: Money = None
    labor_markup_percentage: Money = None
    material_markup_percentage: Money = None
    labor_surcharge: Money = None
    material_surcharge: Money = None
    total_agreement_price: Money = None
    estimated_gross_margin_amount: Money = None
    estimated_gross_margin_percentage: Money = None
    rate_sheet_id: int | None = None
    account_manager_id: int | None = None
    sold_by_id: int | None = None
    tag_type_ids: list[int] | None = None
    custom_fields: list[CustomField] | None = None
