"""API tokens: an organization's keys to the REST API, each with a read or write scope."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models

from autofile.core.models import OrganizationOwned


def api_token_hash(raw: str) -> str:
    """What a token stores of its key, and is looked up by (the key itself is shown once)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(OrganizationOwned):
    """One key to the API. Only a hash of the key is kept; `prefix` (its first characters)
    lets an admin tell keys apart. A revoked token stops working at once."""

    class Scope(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Read and write"

    name = models.CharField(max_length=100, help_text="What uses it, e.g. “Filing robot”")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE
