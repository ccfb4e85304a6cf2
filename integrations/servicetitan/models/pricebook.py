"""Pricebook models generated from ServiceTitan's ``pricebook-v2`` document.

Do not edit by hand: run ``python -m integrations.servicetitan.models._codegen``. Response
models (``STModel``) are lenient, request models (``STRequest``, ``…Input`` for nested parts)
are strict; see :mod:`integrations.servicetitan.models.base`.
"""

from __future__ import annotations

from .base import LooseStr, Money, STModel, UTCDateTime

__all__ = [
    "Dimensions",
    "DiscountFee",
    "EquipmentRecommendation",
    "ExternalDataModel",
    "Material",
    "PricebookCategory",
    "PricebookEquipment",
    "Service",
    "SkuAsset",
    "SkuCategory",
    "SkuLink",
    "SkuVendor",
    "SkuVendorSubAccount",
    "SkuWarranty",
]


class PricebookCategory(STModel):
    """``Pricebook.V2.CategoryResponse``."""

    id: int
    name: LooseStr = None
    active: bool | None = None
    description: LooseStr = None
    image: LooseStr = None
    parent_id: int | None = None
    position: int | None = None
    category_type: LooseStr = None
    subcategories: list[PricebookCategory] | None = None
    business_unit_ids: list[int] | None = None
    sku_images: list[str] | None = None
    sku_videos: list[str] | None = None
    source: LooseStr = None
    external_id: LooseStr = None
    hide_in_mobile: bool | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None


class SkuWarranty(STModel):
    """``Pricebook.V2.SkuWarrantyResponse``."""

    duration: int | None = None
    description: LooseStr = None


class SkuCategory(STModel):
    """``Pricebook.V2.SkuCategoryResponse``."""

    id: int
    name: LooseStr = None
    active: bool | None = None


class SkuAsset(STModel):
    """``Pricebook.V2.SkuAssetResponse``."""

    alias: LooseStr = None
    file_name: LooseStr = None
    is_default: bool | None = None
    type: LooseStr = None
    url: LooseStr = None


class SkuLink(STModel):
    """``Pricebook.V2.SkuLinkResponse``."""

    sku_id: int | None = None
    quantity: Money = None


class ExternalDataModel(STModel):
    """``Pricebook.V2.ExternalDataModel``."""

    key: LooseStr = None
    value: LooseStr = None


class Service(STModel):
    """``Pricebook.V2.ServiceGetResponse``."""

    id: int
    code: LooseStr = None
    display_name: LooseStr = None
    description: LooseStr = None
    warranty: SkuWarranty | None = None
    categories: list[SkuCategory] | None = None
    price: Money = None
    member_price: Money = None
    add_on_price: Money = None
    add_on_member_price: Money = None
    taxable: bool | None = None
    account: LooseStr = None
    hours: Money = None
    is_labor: bool | None = None
    recommendations: list[int] | None = None
    upgrades: list[int] | None = None
    assets: list[SkuAsset] | None = None
    service_materials: list[SkuLink] | None = None
    service_equipment: list[SkuLink] | None = None
    active: bool | None = None
    cross_sale_group: LooseStr = None
    pays_commission: bool | None = None
    bonus: Money = None
    commission_bonus: Money = None
    modified_on: UTCDateTime = None
    source: LooseStr = None
    external_id: LooseStr = None
    external_data: list[ExternalDataModel] | None = None
    business_unit_id: int | None = None
    cost: Money = None
    created_on: UTCDateTime = None
    sold_by_commission: Money = None
    default_asset_url: LooseStr = None
    budget_cost_code: LooseStr = None
    budget_cost_type: LooseStr = None
    is_price_locked: bool | None = None
    calculated_price: Money = None
    use_static_prices: bool | None = None


class EquipmentRecommendation(STModel):
    """``Pricebook.V2.EquipmentRecommendationResponse``."""

    sku_id: int | None = None
    type: LooseStr = None


class SkuVendorSubAccount(STModel):
    """``Pricebook.V2.SkuVendorSubAccountResponse``."""

    id: int
    cost: Money = None
    account_name: LooseStr = None


class SkuVendor(STModel):
    """``Pricebook.V2.SkuVendorResponse``."""

    id: int
    vendor_name: LooseStr = None
    vendor_id: int | None = None
    memo: LooseStr = None
    vendor_part: LooseStr = None
    cost: Money = None
    active: bool | None = None
    primary_sub_account: SkuVendorSubAccount | None = None
    other_sub_accounts: list[SkuVendorSubAccount] | None = None


class Dimensions(STModel):
    """``Pricebook.V2.DimensionsResponse``."""

    height: Money = None
    width: Money = None
    depth: Money = None


class PricebookEquipment(STModel):
    """``Pricebook.V2.EquipmentResponse``."""

    id: int
    code: LooseStr = None
    display_name: LooseStr = None
    description: LooseStr = None
    active: bool | None = None
    price: Money = None
    member_price: Money = None
    add_on_price: Money = None
    add_on_member_price: Money = None
    manufacturer: LooseStr = None
    model: LooseStr = None
    manufacturer_warranty: SkuWarranty | None = None
    service_provider_warranty: SkuWarranty | None = None
    categories: list[int] | None = None
    assets: list[SkuAsset] | None = None
    recommendations: list[EquipmentRecommendation] | None = None
    upgrades: list[int] | None = None
    equipment_materials: list[SkuLink] | None = None
    primary_vendor: SkuVendor | None = None
    other_vendors: list[SkuVendor] | None = None
    account: LooseStr = None
    cost_of_sale_account: LooseStr = None
    asset_account: LooseStr = None
    cross_sale_group: LooseStr = None
    pays_commission: bool | None = None
    bonus: Money = None
    commission_bonus: Money = None
    hours: Money = None
    taxable: bool | None = None
    cost: Money = None
    unit_of_measure: LooseStr = None
    is_inventory: bool | None = None
    modified_on: UTCDateTime = None
    source: LooseStr = None
    external_id: LooseStr = None
    external_data: list[ExternalDataModel] | None = None
    is_configurable_equipment: bool | None = None
    variations_or_configurable_equipment: list[int] | None = None
    type_id: int | None = None
    display_in_amount: bool | None = None
    general_ledger_account_id: int | None = None
    created_on: UTCDateTime = None
    default_asset_url: LooseStr = None
    dimensions: Dimensions | None = None
    budget_cost_code: LooseStr = None
    budget_cost_type: LooseStr = None
    is_cost_locked: bool | None = None
    is_price_locked: bool | None = None


class Material(STModel):
    """``Pricebook.V2.MaterialResponse``."""

    id: int
    code: LooseStr = None
    display_name: LooseStr = None
    description: LooseStr = None
    cost: Money = None
    active: bool | None = None
    price: Money = None
    member_price: Money = None
    add_on_price: Money = None
    add_on_member_price: Money = None
    hours: Money = None
    bonus: Money = None
    commission_bonus: Money = None
    pays_commission: bool | None = None
    deduct_as_job_cost: bool | None = None
    unit_of_measure: LooseStr = None
    is_inventory: bool | None = None
    account: LooseStr = None
    cost_of_sale_account: LooseStr = None
    asset_account: LooseStr = None
    taxable: bool | None = None
    primary_vendor: SkuVendor | None = None
    other_vendors: list[SkuVendor] | None = None
    categories: list[int] | None = None
    assets: list[SkuAsset] | None = None
    modified_on: UTCDateTime = None
    source: LooseStr = None
    external_id: LooseStr = None
    external_data: list[ExternalDataModel] | None = None
    is_configurable_material: bool | None = None
    chargeable_by_default: bool | None = None
    variations_or_configurable_materials: list[int] | None = None
    business_unit_id: int | None = None
    created_by_id: int | None = None
    created_on: UTCDateTime = None
    display_in_amount: bool | None = None
    general_ledger_account_id: int | None = None
    is_other_direct_cost: bool | None = None
    cost_type_id: int | None = None
    default_asset_url: LooseStr = None
    budget_cost_code: LooseStr = None
    budget_cost_type: LooseStr = None
    is_cost_locked: bool | None = None
    is_price_locked: bool | None = None
    is_chemical: bool | None = None
    epa_number: LooseStr = None
    active_ingredients: LooseStr = None


class DiscountFee(STModel):
    """``Pricebook.V2.DiscountAndFeesResponse``."""

    id: int
    type: LooseStr = None
    code: LooseStr = None
    display_name: LooseStr = None
    description: LooseStr = None
    amount_type: LooseStr = None
    amount: Money = None
    limit: Money = None
    taxable: bool | None = None
    categories: list[int] | None = None
    hours: Money = None
    assets: list[SkuAsset] | None = None
    account: LooseStr = None
    cross_sale_group: LooseStr = None
    active: bool | None = None
    bonus: Money = None
    commission_bonus: Money = None
    pays_commission: bool | None = None
    exclude_from_payroll: bool | None = None
    external_data: list[ExternalDataModel] | None = None
    budget_cost_code: LooseStr = None
    budget_cost_type: LooseStr = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None
