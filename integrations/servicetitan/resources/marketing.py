"""Marketing: campaigns (every job references one)."""

from __future__ import annotations

from integrations.servicetitan.endpoints import ACTIVE, CREATED, IDS, MODIFIED, PAGED, SORT, define
from integrations.servicetitan.models.marketing import Campaign

from .base import Gettable, Listable

__all__ = ["Campaigns"]

CAMPAIGNS_LIST = define(
    "campaigns.list",
    "marketing",
    "GET",
    "/campaigns",
    "Campaigns_GetList",
    query=(*PAGED, *IDS, *ACTIVE, *CREATED, *MODIFIED, *SORT, "name", "campaignPhoneNumber"),
)
CAMPAIGNS_GET = define("campaigns.get", "marketing", "GET", "/campaigns/{id}", "Campaigns_Get")


class Campaigns(Listable[Campaign], Gettable[Campaign]):
    """``client.campaigns`` (no export feed: list by modified date)."""

    model = Campaign
    list_endpoint = CAMPAIGNS_LIST
    get_endpoint = CAMPAIGNS_GET
