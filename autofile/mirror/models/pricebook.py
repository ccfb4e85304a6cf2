"""What can be sold: ServiceTitan's `pricebook` (categories, services, equipment, materials,
discounts and fees). Invoice and estimate items reference these SKUs by id."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from autofile.mirror.models.base import MirrorRecord


class PricebookCategory(MirrorRecord):
    name = models.CharField(max_length=200)
    category_type = models.CharField(max_length=20, blank=True)  # Services, Materials
    position = models.IntegerField(null=True)
    parent_st_id = models.BigIntegerField(null=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        on_delete=models.SET_NULL,
        related_name="subcategories",
        db_constraint=False,
    )

    class Meta(MirrorRecord.Meta):
        ordering = ["position", "name"]
        indexes = [models.Index(fields=["connection", "parent_st_id"])]

    def __str__(self) -> str:
        return self.name


class PricebookSku(MirrorRecord):
    """What every pricebook SKU has."""

    code = models.CharField(max_length=100)
    display_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    category_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta(MirrorRecord.Meta):
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name or self.code


class PricebookService(PricebookSku):
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    member_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    cost = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    hours = models.DecimalField(max_digits=8, decimal_places=2, null=True)

    class Meta(PricebookSku.Meta):
        pass


class PricebookEquipment(PricebookSku):
    """An equipment SKU. `efficiency_ratings` is what the description states, e.g.
    {"SEER2": "20.5", "HSPF2": "9.3", "ENERGY STAR": "Certified"}."""

    manufacturer = models.CharField(max_length=200, blank=True)
    model = models.CharField(max_length=200, blank=True)
    equipment_type_st_id = models.BigIntegerField(null=True)
    efficiency_ratings = models.JSONField(default=dict, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    member_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    cost = models.DecimalField(max_digits=12, decimal_places=2, null=True)

    class Meta(PricebookSku.Meta):
        indexes = [models.Index(fields=["connection", "manufacturer", "model"])]

    def __str__(self) -> str:
        return self.display_name or self.code


class PricebookMaterial(PricebookSku):
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    member_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    cost = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    unit_of_measure = models.CharField(max_length=50, blank=True)

    class Meta(PricebookSku.Meta):
        pass


class PricebookDiscountFee(PricebookSku):
    fee_type = models.CharField(max_length=20, blank=True)  # Discount, Fee
    amount_type = models.CharField(max_length=20, blank=True)  # Percentage, Fixed
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True)

    class Meta(PricebookSku.Meta):
        pass
