"""Forms models generated from ServiceTitan's ``forms-v2`` document.

Do not edit by hand: run ``python -m integrations.servicetitan.models._codegen``. Response
models (``STModel``) are lenient, request models (``STRequest``, ``…Input`` for nested parts)
are strict; see :mod:`integrations.servicetitan.models.base`.
"""

from __future__ import annotations

from typing import Any

from .base import LooseStr, STModel, UTCDateTime

__all__ = [
    "Form",
    "FormOwner",
    "FormSubmission",
    "JobAttachmentUpload",
]


class Form(STModel):
    """``Forms.V2.FormResponse``."""

    id: int
    active: bool | None = None
    name: LooseStr = None
    published: bool | None = None
    has_conditional_logic: bool | None = None
    has_triggers: bool | None = None
    created_by_id: int | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None


class FormOwner(STModel):
    """``Forms.Contracts.FormSubmissions.FormOwner``."""

    type: LooseStr = None
    id: int


class FormSubmission(STModel):
    """``Forms.V2.FormSubmissionResponse``."""

    id: int
    form_id: int | None = None
    form_name: LooseStr = None
    submitted_on: UTCDateTime = None
    created_by_id: int | None = None
    status: LooseStr = None
    owners: list[FormOwner] | None = None
    units: list[Any] | None = None


class JobAttachmentUpload(STModel):
    """``Forms.V2.AttachmentResponse``."""

    file_name: LooseStr = None
