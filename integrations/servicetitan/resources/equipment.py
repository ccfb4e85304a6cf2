"""Equipment systems: installed equipment (the serial/model numbers rebates need) + files."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
from integrations.servicetitan.models.equipment import (
    AttachmentApiModel,
    AttachmentUpload,
    InstalledEquipment,
    InstalledEquipmentCreate,
    InstalledEquipmentUpdate,
)
from integrations.servicetitan.session import FileContent

from .base import Exportable, Gettable, Listable

__all__ = ["InstalledEquipmentResource"]

INSTALLED_LIST = define(
    "installed_equipment.list",
    "equipmentsystems",
    "GET",
    "/installed-equipment",
    "InstalledEquipment_GetList",
    query=(*PAGED, *IDS, *ACTIVE, *CREATED, *MODIFIED, *SORT, "locationIds"),
)
INSTALLED_GET = define(
    "installed_equipment.get",
    "equipmentsystems",
    "GET",
    "/installed-equipment/{id}",
    "InstalledEquipment_Get",
)
INSTALLED_CREATE = define(
    "installed_equipment.create",
    "equipmentsystems",
    "POST",
    "/installed-equipment",
    "InstalledEquipment_Create",
)
INSTALLED_UPDATE = define(
    "installed_equipment.update",
    "equipmentsystems",
    "PATCH",
    "/installed-equipment/{id}",
    "InstalledEquipment_Update",
)
INSTALLED_ATTACHMENT_DOWNLOAD = define(
    "installed_equipment.attachments.download",
    "equipmentsystems",
    "GET",
    "/installed-equipment/attachments",
    "InstalledEquipment_Get2",
    query=("path",),
)
INSTALLED_ATTACHMENT_UPLOAD = define(
    "installed_equipment.attachments.upload",
    "equipmentsystems",
    "POST",
    "/installed-equipment/attachments",
    "InstalledEquipment_PostAttachment",
)
INSTALLED_EXPORT = define(
    "installed_equipment.export",
    "equipmentsystems",
    "GET",
    "/export/installed-equipment",
    "Export_ExportInstalledEquipment",
    query=EXPORT,
)


class InstalledEquipmentResource(
    Listable[InstalledEquipment], Gettable[InstalledEquipment], Exportable
):
    """``client.installed_equipment`` (URL module ``equipmentsystems``, no hyphen)."""

    model = InstalledEquipment
    list_endpoint = INSTALLED_LIST
    get_endpoint = INSTALLED_GET
    export_endpoint = INSTALLED_EXPORT

    def create(self, body: InstalledEquipmentCreate | Mapping[str, Any]) -> InstalledEquipment:
        return InstalledEquipment.from_raw(self._request(INSTALLED_CREATE, json=body))

    def update(
        self, equipment_id: int, body: InstalledEquipmentUpdate | Mapping[str, Any]
    ) -> InstalledEquipment:
        payload = self._request(INSTALLED_UPDATE, path={"id": equipment_id}, json=body)
        return InstalledEquipment.from_raw(payload)

    def attachments(self, equipment_id: int) -> list[AttachmentApiModel]:
        """The equipment's attachments (carried by the detailed record; no list endpoint)."""
        return self.get(equipment_id).attachments or []

    def download_attachment(self, path: str) -> bytes:
        """The file behind an attachment ``url``/upload ``path`` (redirects followed)."""
        return self._download(INSTALLED_ATTACHMENT_DOWNLOAD, filters={"path": path})

    def upload_attachment(
        self, content: FileContent, *, filename: str, content_type: str = "application/octet-stream"
    ) -> str:
        """Upload a file; returns the storage ``path`` to reference in ``attachments[].url``
        on :meth:`create`/:meth:`update`. Non-idempotent: never re-sent after it may have
        arrived (an orphan upload is harmless, a duplicate reference is not created)."""
        payload = self._request(
            INSTALLED_ATTACHMENT_UPLOAD, files={"file": (filename, content, content_type)}
        )
        return str(AttachmentUpload.from_raw(payload).path or "")
