"""Marketing models generated from ServiceTitan's ``marketing-v2`` document.

Do not edit by hand: run ``python -m integrations.servicetitan.models._codegen``. Response
models (``STModel``) are lenient, request models (``STRequest``, ``…Input`` for nested parts)
are strict; see :mod:`integrations.servicetitan.models.base`.
"""

from __future__ import annotations

from .base import LooseStr, STModel, UTCDateTime

__all__ = [
    "Campaign",
    "CampaignResponseCategory",
]


class CampaignResponseCategory(STModel):
    """``Marketing.V2.CampaignResponseCategory``."""

    id: int
    name: LooseStr = None
    active: bool | None = None


class Campaign(STModel):
    """``Marketing.V2.CampaignResponse``."""

    id: int
    name: LooseStr = None
    modified_on: UTCDateTime = None
    created_on: UTCDateTime = None
    active: bool | None = None
    is_default_campaign: bool | None = None
    category: CampaignResponseCategory | None = None
    source: LooseStr = None
    other_source: LooseStr = None
    business_unit: LooseStr = None
    medium: LooseStr = None
    other_medium: LooseStr = None
    campaign_phone_numbers: list[str] | None = None
