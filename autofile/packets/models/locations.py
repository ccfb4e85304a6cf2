"""What AutoFile records about an install location beside ServiceTitan's copy of it.

The mirror's Location row is overwritten by every sync upsert, so a value AutoFile owns
(the utility account number a reviewer or homeowner entered) lives here, keyed by the
location row, and survives syncs. When the connection names a location custom field for
it, the number is also written back to ServiceTitan through the outbox.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from autofile.core.models import OrganizationOwned


class UtilityAccount(OrganizationOwned):
    """The utility account number (ESI ID, account or premise number) of a location."""

    location = models.OneToOneField(
        "mirror.Location", on_delete=models.CASCADE, related_name="utility_account"
    )
    number = models.CharField(max_length=50)
    #: Who entered it, for people: "entered by Quinn Reviewer", "the homeowner via request #12".
    origin = models.CharField(max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "location"])]

    def __str__(self) -> str:
        return self.number
