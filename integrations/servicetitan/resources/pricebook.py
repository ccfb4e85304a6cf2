"""Pricebook: categories, services, equipment, materials, discounts and fees (read side)."""

from __future__ import annotations

from integrations.servicetitan.endpoints import (
    ACTIVE,
    CREATED,
    EXPORT,
    IDS,
    MODIFIED,
    PAGED,
    SORT,
    define,
)
from integrations.servicetitan.models.pricebook import (
    DiscountFee,
    Material,
    PricebookCategory,
    PricebookEquipment,
    Service,
)

from .base import Exportable, Gettable, Listable

__all__ = ["Categories", "DiscountsAndFees", "Equipment", "Materials", "Services"]

_SKU = (
    *PAGED,
    *IDS,
    *ACTIVE,
    *CREATED,
    *MODIFIED,
    *SORT,
    "externalDataApplicationGuid",
    "externalDataKey",
    "externalDataValues",
    "searchText",
)
_GUID = ("externalDataApplicationGuid",)

CATEGORIES_LIST = define(
    "pricebook.categories.list",
    "pricebook",
    "GET",
    "/categories",
    "Categories_GetList",
    query=(*PAGED, *ACTIVE, *CREATED, *MODIFIED, *SORT, "categoryType"),
)
CATEGORIES_GET = define(
    "pricebook.categories.get", "pricebook", "GET", "/categories/{id}", "Categories_Get"
)
CATEGORIES_EXPORT = define(
    "pricebook.categories.export",
    "pricebook",
    "GET",
    "/export/categories",
    "Export_Categories",
    query=EXPORT,
)
SERVICES_LIST = define(
    "pricebook.services.list",
    "pricebook",
    "GET",
    "/services",
    "Services_GetList",
    query=(*_SKU, "calculatePrices"),
)
SERVICES_GET = define(
    "pricebook.services.get",
    "pricebook",
    "GET",
    "/services/{id}",
    "Services_Get",
    query=(*_GUID, "calculatePrices"),
)
SERVICES_EXPORT = define(
    "pricebook.services.export",
    "pricebook",
    "GET",
    "/export/services",
    "Export_Services",
    query=EXPORT,
)
EQUIPMENT_LIST = define(
    "pricebook.equipment.list", "pricebook", "GET", "/equipment", "Equipment_GetList", query=_SKU
)
EQUIPMENT_GET = define(
    "pricebook.equipment.get", "pricebook", "GET", "/equipment/{id}", "Equipment_Get", query=_GUID
)
EQUIPMENT_EXPORT = define(
    "pricebook.equipment.export",
    "pricebook",
    "GET",
    "/export/equipment",
    "Export_Equipment",
    query=EXPORT,
)
MATERIALS_LIST = define(
    "pricebook.materials.list",
    "pricebook",
    "GET",
    "/materials",
    "Materials_GetList",
    query=(*_SKU, "isOtherDirectCost", "costTypeIds"),
)
MATERIALS_GET = define(
    "pricebook.materials.get", "pricebook", "GET", "/materials/{id}", "Materials_Get", query=_GUID
)
MATERIALS_EXPORT = define(
    "pricebook.materials.export",
    "pricebook",
    "GET",
    "/export/materials",
    "Export_Materials",
    query=EXPORT,
)
DISCOUNTS_LIST = define(
    "pricebook.discounts_and_fees.list",
    "pricebook",
    "GET",
    "/discounts-and-fees",
    "DiscountAndFees_GetList",
    query=_SKU,
)
DISCOUNTS_GET = define(
    "pricebook.discounts_and_fees.get",
    "pricebook",
    "GET",
    "/discounts-and-fees/{id}",
    "DiscountAndFees_Get",
    query=_GUID,
)


class Categories(Listable[PricebookCategory], Gettable[PricebookCategory], Exportable):
    """``client.pricebook.categories`` (sort only by ``Id``/``Name``)."""

    model = PricebookCategory
    list_endpoint = CATEGORIES_LIST
    get_endpoint = CATEGORIES_GET
    export_endpoint = CATEGORIES_EXPORT


class Services(Listable[Service], Gettable[Service], Exportable):
    """``client.pricebook.services``."""

    model = Service
    list_endpoint = SERVICES_LIST
    get_endpoint = SERVICES_GET
    export_endpoint = SERVICES_EXPORT


class Equipment(Listable[PricebookEquipment], Gettable[PricebookEquipment], Exportable):
    """``client.pricebook.equipment`` (SKUs, not installed equipment)."""

    model = PricebookEquipment
    list_endpoint = EQUIPMENT_LIST
    get_endpoint = EQUIPMENT_GET
    export_endpoint = EQUIPMENT_EXPORT


class Materials(Listable[Material], Gettable[Material], Exportable):
    """``client.pricebook.materials``."""

    model = Material
    list_endpoint = MATERIALS_LIST
    get_endpoint = MATERIALS_GET
    export_endpoint = MATERIALS_EXPORT


class DiscountsAndFees(Listable[DiscountFee], Gettable[DiscountFee]):
    """``client.pricebook.discounts_and_fees`` (no export feed: list by modified date)."""

    model = DiscountFee
    list_endpoint = DISCOUNTS_LIST
    get_endpoint = DISCOUNTS_GET
