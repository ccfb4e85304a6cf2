"""Equipment models generated from ServiceTitan's ``equipment-systems-v2`` document.

Do not edit by hand: run ``python -m integrations.servicetitan.models._codegen``. Response
models (``STModel``) are lenient, request models (``STRequest``, ``…Input`` for nested parts)
are strict; see :mod:`integrations.servicetitan.models.base`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from .base import LenientDate, LooseStr, Money, STModel, STRequest, UTCDateTime

__all__ = [
    "AttachmentApiModel",
    "AttachmentApiModelInput",
    "AttachmentUpload",
    "CustomFieldRequestModelInput",
    "CustomFieldResponseModel",
    "EquipmentType",
    "InstalledEquipment",
    "InstalledEquipmentCreate",
    "InstalledEquipmentTypeModel",
    "InstalledEquipmentUpdate",
    "TagResponseModel",
]


AttachmentAssetType = Literal[
    "Other",
    "Image",
    "VideoFile",
    "VideoLink",
    "Document",
]
InstalledEquipmentStatus = Literal[
    "Installed",
    "Replaced",
]


class InstalledEquipmentTypeModel(STModel):
    """``EquipmentSystems.V2.InstalledEquipmentTypeModel``."""

    id: int
    name: LooseStr = None


class TagResponseModel(STModel):
    """``EquipmentSystems.V2.TagResponseModel``."""

    id: int
    owner_id: int | None = None
    type_id: int | None = None
    type_name: LooseStr = None
    memo: LooseStr = None
    color: LooseStr = None
    text_color: LooseStr = None
    code: LooseStr = None


class CustomFieldResponseModel(STModel):
    """``EquipmentSystems.V2.CustomFieldResponseModel``."""

    id: int
    type_id: int | None = None
    name: LooseStr = None
    value: LooseStr = None


class AttachmentApiModel(STModel):
    """``EquipmentSystems.V2.AttachmentApiModel``."""

    alias: LooseStr = None
    file_name: LooseStr = None
    type: LooseStr = None
    url: LooseStr = None


class InstalledEquipment(STModel):
    """``EquipmentSystems.V2.InstalledEquipmentDetailedResponse``."""

    id: int
    active: bool | None = None
    equipment_id: int | None = None
    location_id: int | None = None
    customer_id: int | None = None
    invoice_item_id: int | None = None
    name: LooseStr = None
    type: InstalledEquipmentTypeModel | None = None
    installed_on: UTCDateTime = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None
    serial_number: LooseStr = None
    barcode_id: LooseStr = None
    memo: LooseStr = None
    manufacturer: LooseStr = None
    model: LooseStr = None
    cost: Money = None
    status: LooseStr = None
    manufacturer_warranty_start: UTCDateTime = None
    manufacturer_warranty_end: UTCDateTime = None
    service_provider_warranty_start: UTCDateTime = None
    service_provider_warranty_end: UTCDateTime = None
    tags: list[TagResponseModel] | None = None
    actual_replacement_date: LenientDate = None
    manufactured_on: LenientDate = None
    predicted_replacement_months: int | None = None
    predicted_replacement_date: LenientDate = None
    custom_fields: list[CustomFieldResponseModel] | None = None
    attachments: list[AttachmentApiModel] | None = None


class AttachmentUpload(STModel):
    """``EquipmentSystems.V2.AttachmentUploadResponse``."""

    path: LooseStr = None


class EquipmentType(STModel):
    """``EquipmentSystems.V2.EquipmentTypeResponse``."""

    id: int
    name: LooseStr = None
    active: bool | None = None
    created_on: UTCDateTime = None
    modified_on: UTCDateTime = None


class CustomFieldRequestModelInput(STRequest):
    """``EquipmentSystems.V2.CustomFieldRequestModel``."""

    id: int | None = None
    type_id: int | None = None
    value: str | None = None


class AttachmentApiModelInput(STRequest):
    """``EquipmentSystems.V2.AttachmentApiModel``."""

    alias: str | None = None
    file_name: str | None = None
    type: AttachmentAssetType | None
    url: str


class InstalledEquipmentCreate(STRequest):
    """``EquipmentSystems.V2.InstalledEquipmentCreateRequest``."""

    location_id: int
    name: str | None = None
    equipment_type_id: int | None = None
    status: InstalledEquipmentStatus | None = None
    installed_on: datetime | None = None
    actual_replacement_date: date | None = None
    manufactured_on: date | None = None
    serial_number: str | None = None
    barcode_id: str | None = None
    memo: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    cost: Decimal | None = None
    manufacturer_warranty_start: datetime | None = None
    manufacturer_warranty_end: datetime | None = None
    service_provider_warranty_start: datetime | None = None
    service_provider_warranty_end: datetime | None = None
    custom_fields: list[CustomFieldRequestModelInput] | None = None
    attachments: list[AttachmentApiModelInput] | None = None
    tag_type_ids: list[int] | None = None


class InstalledEquipmentUpdate(STRequest):
    """``EquipmentSystems.V2.InstalledEquipmentUpdateRequest``."""

    name: str | None = None
    equipment_type_id: int | None = None
    status: InstalledEquipmentStatus | None = None
    installed_on: datetime | None = None
    actual_replacement_date: date | None = None
    manufactured_on: date | None = None
    serial_number: str | None = None
    barcode_id: str | None = None
    memo: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    cost: Decimal | None = None
    manufacturer_warranty_start: datetime | None = None
    manufacturer_warranty_end: datetime | None = None
    service_provider_warranty_start: datetime | None = None
    service_provider_warranty_end: datetime | None = None
    custom_fields: list[CustomFieldRequestModelInput | None] | None = None
    attachments: list[AttachmentApiModelInput | None] | None = None
    tag_type_ids: list[int] | None = None
    active: bool | None = None
