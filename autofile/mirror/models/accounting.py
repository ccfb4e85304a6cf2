"""What was billed and paid: ServiceTitan's `accounting` module (invoices, items, payments)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from autofile.mirror.models.base import MirrorRecord
from autofile.mirror.models.crm import Customer, Location
from autofile.mirror.models.jpm import Job


class Invoice(MirrorRecord):
    reference_number = models.CharField(max_length=50, blank=True)
    job_st_id = models.BigIntegerField(null=True)
    job = models.ForeignKey(
        Job, null=True, on_delete=models.SET_NULL, related_name="invoices", db_constraint=False
    )
    customer_st_id = models.BigIntegerField(null=True)
    customer = models.ForeignKey(
        Customer, null=True, on_delete=models.SET_NULL, related_name="invoices", db_constraint=False
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
    adjustment_to_st_id = models.BigIntegerField(null=True)
    invoice_date = models.DateTimeField(null=True)
    due_date = models.DateTimeField(null=True)
    paid_on = models.DateTimeField(null=True)
    sub_total = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    sales_tax = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    total = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    balance = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    sync_status = models.CharField(max_length=30, blank=True)
    review_status = models.CharField(max_length=30, blank=True)
    summary = models.TextField(blank=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["-invoice_date", "-st_id"]
        indexes = [
            models.Index(fields=["connection", "job_st_id"]),
            models.Index(fields=["connection", "customer_st_id"]),
            models.Index(fields=["connection", "location_st_id"]),
            models.Index(fields=["connection", "business_unit_st_id"]),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.reference_number or self.st_id}"


class InvoiceItem(MirrorRecord):
    """A line of an invoice; `sku_st_id` is a pricebook service, equipment or material."""

    invoice_st_id = models.BigIntegerField(null=True)
    invoice = models.ForeignKey(
        Invoice, null=True, on_delete=models.SET_NULL, related_name="items", db_constraint=False
    )
    sku_st_id = models.BigIntegerField(null=True)
    sku_name = models.CharField(max_length=200, blank=True)
    item_type = models.CharField(max_length=30, blank=True)  # Service, Material, Equipment, …
    display_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    quantity = models.DecimalField(max_digits=12, decimal_places=4, null=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    total = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    cost = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    total_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    order = models.IntegerField(null=True)
    technician_st_id = models.BigIntegerField(null=True)
    installed_equipment_st_id = models.BigIntegerField(null=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["invoice_st_id", "order", "st_id"]
        indexes = [
            models.Index(fields=["connection", "invoice_st_id"]),
            # import rules: which invoices carry one of these SKUs
            models.Index(fields=["connection", "sku_st_id"]),
        ]

    def __str__(self) -> str:
        return self.display_name or self.sku_name or f"Invoice item {self.st_id}"


class Payment(MirrorRecord):
    customer_st_id = models.BigIntegerField(null=True)
    customer = models.ForeignKey(
        Customer, null=True, on_delete=models.SET_NULL, related_name="payments", db_constraint=False
    )
    invoice_ids = ArrayField(models.BigIntegerField(), default=list)  # invoices it applies to
    paid_on = models.DateTimeField(null=True)
    total = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    unapplied_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    payment_type = models.CharField(max_length=100, blank=True)
    reference_number = models.CharField(max_length=100, blank=True)
    sync_status = models.CharField(max_length=30, blank=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["-paid_on", "-st_id"]
        indexes = [
            models.Index(fields=["connection", "customer_st_id"]),
            GinIndex(fields=["invoice_ids"], name="payment_invoice_ids_gin"),
        ]

    def __str__(self) -> str:
        return f"Payment {self.reference_number or self.st_id}"
