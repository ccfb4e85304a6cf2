from __future__ import annotations

from django.db import models


class OrganizationOwned(models.Model):
    """A row of business data: it belongs to exactly one organization.

    Every selector that reads such rows filters on `organization`; the tenancy test walks
    every URL with another organization's ids to keep it so.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", editable=False
    )

    class Meta:
        abstract = True
