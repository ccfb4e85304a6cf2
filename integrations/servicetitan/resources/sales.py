"""Sales: estimates and their items (which SKUs were sold decides rebate eligibility)."""

from __future__ import annotations

from integrations.servicetitan.endpoints import (
    ACTIVE,
    CREATED,
    EXPORT,
    IDS,
    MODIFIED,
    PAGED,
    SORT,
    QueryValue,
    define,
)
from integrations.servicetitan.models.sales import Estimate, EstimateItem
from integrations.servicetitan.paging import Page

from .base import Exportable, Gettable, Listable

__all__ = ["Estimates"]

ESTIMATES_LIST = define(
    "estimates.list",
    "sales",
    "GET",
    "/estimates",
    "Estimates_GetList",
    query=(
        *PAGED,
        *IDS,
        *ACTIVE,
        *CREATED,
        *MODIFIED,
        *SORT,
        "jobId",
        "projectId",
        "jobNumber",
        "totalGreater",
        "totalLess",
        "soldById",
        "soldByEmployeeId",
        "soldAfter",
        "soldBefore",
        "status",
        "orderBy",
        "orderByDirection",
        "locationId",
    ),
)
ESTIMATES_GET = define("estimates.get", "sales", "GET", "/estimates/{id}", "Estimates_Get")
ESTIMATE_ITEMS_LIST = define(
    "estimates.items.list",
    "sales",
    "GET",
    "/estimates/items",
    "Estimates_GetItems",
    query=(*PAGED, *IDS, *ACTIVE, *CREATED, *MODIFIED, *SORT, "estimateId"),
)
ESTIMATES_EXPORT = define(
    "estimates.export",
    "sales",
    "GET",
    "/export/estimates",
    "EstimatesExport_Estimates",
    query=EXPORT,
)


class Estimates(Listable[Estimate], Gettable[Estimate], Exportable):
    """``client.estimates`` (response ``status`` is ``{value, name}``; filter is a name)."""

    model = Estimate
    list_endpoint = ESTIMATES_LIST
    get_endpoint = ESTIMATES_GET
    export_endpoint = ESTIMATES_EXPORT

    def list_items(
        self,
        *,
        page: int = 1,
        page_size: int = 50,
        include_total: bool = False,
        sort: str | None = None,
        **filters: QueryValue,
    ) -> Page[EstimateItem]:
        return self._page(
            ESTIMATE_ITEMS_LIST,
            EstimateItem,
            page=page,
            page_size=page_size,
            include_total=include_total,
            sort=sort,
            filters=filters,
        )
