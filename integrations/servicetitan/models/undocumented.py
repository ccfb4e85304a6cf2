"""Models for responses ServiceTitan's documents leave without a schema.

``GET /forms/v2/tenant/{tenant}/jobs/{jobId}/attachments`` is documented with an empty 200; the
item shape below is what tap-service-titan observed in production (API.md "Jobs"), inside the
usual page envelope.
"""

from __future__ import annotations

from .base import LooseStr, STModel, UTCDateTime

__all__ = ["JobAttachment"]


class JobAttachment(STModel):
    """One file attached to a job (photos, signed forms, AHRI certificates…)."""

    id: int
    file_name: LooseStr = None
    created_by_id: int | None = None
    created_on: UTCDateTime = None
