"""Sales models generated from ServiceTitan's ``salestech-v2`` document.

Do not edit by hand: run ``python -m integrations.servicetitan.models._codegen``. Response
models (``STModel``) are lenient, request models (``STRequest``, ``…Input`` for nested parts)
are strict; see :mod:`integrations.servicetitan.models.base`.
"""

from __future__ import annotations

from .base import LooseStr, Money, STModel, UTCDateTime

__all__ = [
    "Estimate",
    "EstimateItem",
    "EstimateStatusModel",
    "ExternalLink",
    "SkuModel",
]


class EstimateStatusModel(STModel):
    """``Estimates.V2.EstimateStatusModel``."""

    value: int | None = None
    name: LooseStr = None


class SkuModel(STModel):
    """``Estimates.V2.SkuModel``."""

    id: int
    name: LooseStr = None
    display_name: LooseStr = None
    type: LooseStr = None
    sold_hours: Money = None
    general_ledger_account_id: int | None = None
    general_ledger_account_name: LooseStr = None
    modified_on: UTCDateTime = None


class EstimateItem(STModel):
    """``Estimates.V2.EstimateItemResponse``."""

    id: int
    sku: SkuModel | None = None
    sku_account: LooseStr = None
    description: LooseStr = None
    membership_type_id: int | None = None
    qty: Money = None
    unit_rate: Money = None
    total: Money = None
    unit_cost: Money = None
    total_cost: Money = None
    item_group_name: LooseStr = None
    item_group_root_id: int | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None
    chargeable: bool | None = None
    invoice_item_id: int | None = None
    budget_code_id: int | None = None


class ExternalLink(STModel):
    """``Estimates.V2.ExternalLinkResponse``."""

    name: LooseStr = None
    url: LooseStr = None


class Estimate(STModel):
    """``Estimates.V2.EstimateResponse``."""

    id: int
    job_id: int | None = None
    project_id: int | None = None
    location_id: int | None = None
    customer_id: int | None = None
    name: LooseStr = None
    job_number: LooseStr = None
    status: EstimateStatusModel | None = None
    review_status: LooseStr = None
    summary: LooseStr = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None
    sold_on: UTCDateTime = None
    sold_by: int | None = None
    active: bool | None = None
    items: list[EstimateItem] | None = None
    external_links: list[ExternalLink] | None = None
    subtotal: Money = None
    tax: Money = None
    business_unit_id: int | None = None
    business_unit_name: LooseStr = None
    is_recommended: bool | None = None
    budget_code_id: int | None = None
    is_change_order: bool | None = None
    proposal_tag_name: LooseStr = None
    deposit_amount: Money = None
    deposit_percent: Money = None
    require_deposit_on_signature: bool | None = None
