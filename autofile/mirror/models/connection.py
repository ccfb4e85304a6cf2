"""A connection: an organization's ServiceTitan tenant and its credentials."""

from __future__ import annotations

from django.db import models

from autofile.core.fields import EncryptedTextField
from autofile.core.models import OrganizationOwned


class Connection(OrganizationOwned):
    """An organization's ServiceTitan tenant and the credentials to reach it."""

    class Environment(models.TextChoices):
        PRODUCTION = "production", "Production"
        INTEGRATION = "integration", "Integration (sandbox)"
        CUSTOM = "custom", "Custom base URL (simulator)"

    name = models.CharField(max_length=200)
    environment = models.CharField(
        max_length=20, choices=Environment.choices, default=Environment.PRODUCTION
    )
    base_url = models.URLField(blank=True, help_text="API base URL, for a custom environment")
    auth_url = models.URLField(
        blank=True, help_text="Token URL; defaults to base URL + /connect/token"
    )
    tenant_id = models.BigIntegerField()
    app_key = models.CharField(max_length=200)
    client_id = models.CharField(max_length=200)
    client_secret = EncryptedTextField()
    autofile_tag_type_id = models.BigIntegerField(
        null=True, blank=True, help_text="Tag type AutoFile adds to every record it writes back"
    )
    utility_account_field = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "Name of the location custom field in ServiceTitan that holds the utility account "
            "number; AutoFile writes the numbers it records there (empty: kept in AutoFile only)"
        ),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "environment", "tenant_id"],
                name="one_connection_per_tenant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (tenant {self.tenant_id})"

    def __repr__(self) -> str:  # never show credentials
        return f"<Connection {self.pk} tenant={self.tenant_id} env={self.environment}>"
