"""Service agreements (read-only in the public API)."""

from __future__ import annotations

from integrations.servicetitan.endpoints import CREATED, EXPORT, IDS, MODIFIED, PAGED, SORT, define
from integrations.servicetitan.models.service_agreements import ServiceAgreement

from .base import Exportable, Gettable, Listable

__all__ = ["ServiceAgreements"]

AGREEMENTS_LIST = define(
    "service_agreements.list",
    "service-agreements",
    "GET",
    "/service-agreements",
    "ServiceAgreements_GetList",
    query=(*PAGED, *IDS, *CREATED, *MODIFIED, *SORT, "customerIds", "businessUnitIds", "status"),
)
AGREEMENTS_GET = define(
    "service_agreements.get",
    "service-agreements",
    "GET",
    "/service-agreements/{id}",
    "ServiceAgreements_Get",
)
AGREEMENTS_EXPORT = define(
    "service_agreements.export",
    "service-agreements",
    "GET",
    "/export/service-agreements",
    "Export_ServiceAgreements",
    query=EXPORT,
)


class ServiceAgreements(Listable[ServiceAgreement], Gettable[ServiceAgreement], Exportable):
    """``client.service_agreements`` (``startDate``/``endDate`` tolerate ``T00:00:00``)."""

    model = ServiceAgreement
    list_endpoint = AGREEMENTS_LIST
    get_endpoint = AGREEMENTS_GET
    export_endpoint = AGREEMENTS_EXPORT
