"""What was proposed and sold: ServiceTitan's `sales` module (estimates and their items)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from autofile.mirror.models.base import MirrorRecord
from autofile.mirror.models.crm import Customer, Location
from autofile.mirror.models.jpm import Job


class Estimate(MirrorRecord):
    """An estimate; `item_ids` and `sku_ids` come from the items it embeds.

    ServiceTitan's estimate-item list does not say which estimate an item belongs to, so
    `item_ids` is the way from an estimate to its EstimateItem rows, and `sku_ids` lets the
    import rules find SOLD estimates holding a SKU without a join.
    """

    name = models.CharField(max_length=300, blank=True)
    job_number = models.CharField(max_length=50, blank=True)
    job_st_id = models.BigIntegerField(null=True)
    job = models.ForeignKey(
        Job, null=True, on_delete=models.SET_NULL, related_name="estimates", db_constraint=False
    )
    customer_st_id = models.BigIntegerField(null=True)
    customer = models.ForeignKey(
        Customer, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    location_st_id = models.BigIntegerField(null=True)
    location = models.ForeignKey(
        Location, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
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
    status = models.CharField(max_length=20, blank=True)  # Open, Sold, Dismissed
    review_status = models.CharField(max_length=30, blank=True)
    created_on = models.DateTimeField(null=True)
    sold_on = models.DateTimeField(null=True)
    sold_by_st_id = models.BigIntegerField(null=True)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    tax = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    item_ids = ArrayField(models.BigIntegerField(), default=list)
    sku_ids = ArrayField(models.BigIntegerField(), default=list)
    summary = models.TextField(blank=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["-created_on", "-st_id"]
        indexes = [
            models.Index(fields=["connection", "job_st_id"]),
            models.Index(fields=["connection", "customer_st_id"]),
            models.Index(fields=["connection", "location_st_id"]),
            models.Index(fields=["connection", "business_unit_st_id"]),
            # import rules: SOLD estimates holding one of these SKUs
            GinIndex(fields=["sku_ids"], name="estimate_sku_ids_gin"),
        ]

    def __str__(self) -> str:
        return self.name or f"Estimate {self.st_id}"


class EstimateItem(MirrorRecord):
    """A line of an estimate. `estimate_st_id` is known only when ServiceTitan sends it."""

    estimate_st_id = models.BigIntegerField(null=True)
    estimate = models.ForeignKey(
        Estimate, null=True, on_delete=models.SET_NULL, related_name="items", db_constraint=False
    )
    sku_st_id = models.BigIntegerField(null=True)
    sku_name = models.CharField(max_length=200, blank=True)
    sku_type = models.CharField(max_length=30, blank=True)
    display_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    quantity = models.DecimalField(max_digits=12, decimal_places=4, null=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    total = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    unit_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    total_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    item_group_name = models.CharField(max_length=200, blank=True)
    invoice_item_st_id = models.BigIntegerField(null=True)
    chargeable = models.BooleanField(null=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["estimate_st_id", "st_id"]
        indexes = [
            models.Index(fields=["connection", "estimate_st_id"]),
            models.Index(fields=["connection", "sku_st_id"]),
        ]

    def __str__(self) -> str:
        return self.display_name or self.sku_name or f"Estimate item {self.st_id}"
