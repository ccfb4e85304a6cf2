"""What is installed at a location: ServiceTitan's `equipmentsystems` installed equipment."""

from __future__ import annotations

from django.db import models

from autofile.mirror.models.accounting import InvoiceItem
from autofile.mirror.models.base import MirrorRecord
from autofile.mirror.models.crm import Customer, Location
from autofile.mirror.models.pricebook import PricebookEquipment


class InstalledEquipment(MirrorRecord):
    """A unit at a location: the manufacturer, model and serial number a rebate asks for."""

    name = models.CharField(max_length=300, blank=True)
    location_st_id = models.BigIntegerField(null=True)
    location = models.ForeignKey(
        Location,
        null=True,
        on_delete=models.SET_NULL,
        related_name="installed_equipment",
        db_constraint=False,
    )
    customer_st_id = models.BigIntegerField(null=True)
    customer = models.ForeignKey(
        Customer, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    equipment_st_id = models.BigIntegerField(null=True)  # the pricebook equipment SKU
    equipment = models.ForeignKey(
        PricebookEquipment,
        null=True,
        on_delete=models.SET_NULL,
        related_name="installations",
        db_constraint=False,
    )
    invoice_item_st_id = models.BigIntegerField(null=True)
    invoice_item = models.ForeignKey(
        InvoiceItem,
        null=True,
        on_delete=models.SET_NULL,
        related_name="installed_equipment",
        db_constraint=False,
    )
    equipment_type_st_id = models.BigIntegerField(null=True)
    equipment_type = models.CharField(max_length=200, blank=True)
    manufacturer = models.CharField(max_length=200, blank=True)
    model = models.CharField(max_length=200, blank=True)
    serial_number = models.CharField(max_length=200, blank=True)
    installed_on = models.DateTimeField(null=True)
    manufactured_on = models.DateField(null=True)
    status = models.CharField(max_length=20, blank=True)  # Installed, Replaced
    cost = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    memo = models.TextField(blank=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["-installed_on", "-st_id"]
        verbose_name_plural = "installed equipment"
        indexes = [
            models.Index(fields=["connection", "location_st_id"]),
            models.Index(fields=["connection", "customer_st_id"]),
            models.Index(fields=["connection", "equipment_st_id"]),
            models.Index(fields=["connection", "invoice_item_st_id"]),
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.manufacturer, self.model) if part) or self.name
