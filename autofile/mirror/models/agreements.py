"""Maintenance plans: ServiceTitan's `service-agreements` (read-only in the public API)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from autofile.mirror.models.base import MirrorRecord
from autofile.mirror.models.crm import Customer


class ServiceAgreement(MirrorRecord):
    name = models.CharField(max_length=300, blank=True)
    customer_st_id = models.BigIntegerField(null=True)
    customer = models.ForeignKey(
        Customer,
        null=True,
        on_delete=models.SET_NULL,
        related_name="service_agreements",
        db_constraint=False,
    )
    business_unit_st_id = models.BigIntegerField(null=True)
    business_unit = models.ForeignKey(
        "mirror.BusinessUnit",
        null=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    location_ids = ArrayField(models.BigIntegerField(), default=list)
    status = models.CharField(max_length=20, blank=True)
    start_date = models.DateField(null=True)
    end_date = models.DateField(null=True)
    duration_months = models.IntegerField(null=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["-start_date", "-st_id"]
        indexes = [
            models.Index(fields=["connection", "customer_st_id"]),
            models.Index(fields=["connection", "business_unit_st_id"]),
            # one filing per address per period: agreements covering a location
            GinIndex(fields=["location_ids"], name="agreement_location_ids_gin"),
        ]

    def __str__(self) -> str:
        return self.name or f"Service agreement {self.st_id}"
