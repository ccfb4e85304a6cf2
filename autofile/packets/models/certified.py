"""Certified equipment: ENERGY STAR's public product lists, imported from their CSV exports.

Global reference data (not owned by an organization): every tenant's validation reads the
same table. One row per certified product or matched system: a heat pump's outdoor unit
with one indoor unit and the AHRI reference number of that pair, a furnace, a water heater.
Model numbers are matched by normalised prefix (`model_key`): listings carry base models
and manufacturers append suffixes.
"""

from __future__ import annotations

import re

from django.db import models


def model_key(value: str) -> str:
    """A model number as matching compares it: upper case, letters and digits only; a
    listing's wildcard ("25VNA036A**3") ends the key at the first `*` or `?`."""
    head = re.split(r"[*?]", value or "", maxsplit=1)[0]
    return re.sub(r"[^0-9A-Z]", "", head.upper())


class CertifiedProduct(models.Model):
    class Category(models.TextChoices):
        AIR_SOURCE_HEAT_PUMP = "air_source_heat_pump", "Air-source heat pump"
        DUCTED_HEAT_PUMP = "ducted_heat_pump", "Ducted heat pump"
        MINI_SPLIT = "mini_split", "Ductless mini-split heat pump"
        CENTRAL_AC = "central_ac", "Central air conditioner"
        FURNACE = "furnace", "Furnace"
        HEAT_PUMP_WATER_HEATER = "heat_pump_water_heater", "Heat pump water heater"

    category = models.CharField(max_length=30, choices=Category.choices)
    brand = models.CharField(max_length=200)
    #: The product's (outdoor unit's) model number as listed, and its matching key.
    outdoor_model = models.CharField(max_length=200)
    outdoor_key = models.CharField(max_length=200, db_index=True)
    indoor_model = models.CharField(max_length=200, blank=True)
    indoor_key = models.CharField(max_length=200, blank=True)
    ahri_reference_number = models.CharField(max_length=30, blank=True, db_index=True)
    seer2 = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    eer2 = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    hspf2 = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    uef = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    afue = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    cooling_capacity_btu_h = models.PositiveIntegerField(null=True, blank=True)
    heating_capacity_47f_btu_h = models.PositiveIntegerField(null=True, blank=True)
    heating_capacity_17f_btu_h = models.PositiveIntegerField(null=True, blank=True)
    heating_capacity_5f_btu_h = models.PositiveIntegerField(null=True, blank=True)
    cop_at_5f = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    cold_climate = models.BooleanField(default=False)
    compressor_staging = models.CharField(max_length=50, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "brand", "outdoor_model", "indoor_model"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "outdoor_key", "indoor_key", "ahri_reference_number"],
                name="unique_certified_product",
            )
        ]

    def __str__(self) -> str:
        pair = f" + {self.indoor_model}" if self.indoor_model else ""
        return f"{self.brand} {self.outdoor_model}{pair}"

    @property
    def ratings(self) -> dict[str, object]:
        """The certified ratings by the names programs use (SEER2, HSPF2, ...), set ones only."""
        named = {
            "SEER2": self.seer2,
            "EER2": self.eer2,
            "HSPF2": self.hspf2,
            "UEF": self.uef,
            "AFUE": self.afue,
            "COP5": self.cop_at_5f,
        }
        if self.heating_capacity_5f_btu_h and self.heating_capacity_47f_btu_h:
            from decimal import Decimal

            named["CAP5_47"] = (
                Decimal(self.heating_capacity_5f_btu_h * 100) / self.heating_capacity_47f_btu_h
            ).quantize(Decimal("0.1"))
        return {name: value for name, value in named.items() if value is not None}
