"""The base of every mirror table.

Mirror tables are keyed by (connection, ServiceTitan id). Each row keeps the typed
columns the product filters, joins and shows, the raw JSON as ServiceTitan sent it, and
ServiceTitan's `modifiedOn`, which decides whether an incoming copy is newer.
"""

from __future__ import annotations

from django.db import models

from autofile.core.models import OrganizationOwned
from autofile.mirror.models.connection import Connection


class MirrorRecord(OrganizationOwned):
    # Indexed by the unique (connection, st_id) below: no index of its own to maintain.
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    st_id = models.BigIntegerField("ServiceTitan id")
    st_modified_on = models.DateTimeField(null=True)
    active = models.BooleanField(default=True)
    raw = models.JSONField()
    synced_at = models.DateTimeField()

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["connection", "st_id"], name="%(class)s_unique_st_id")
        ]


class GuidMirrorRecord(MirrorRecord):
    """A mirror table whose ServiceTitan ids are GUIDs (the CRM contacts model).

    Same column name and unique (connection, st_id) constraint as MirrorRecord, so the
    generic upsert and link resolution work unchanged.
    """

    st_id = models.UUIDField("ServiceTitan id")  # type: ignore[assignment]

    class Meta(MirrorRecord.Meta):
        abstract = True
