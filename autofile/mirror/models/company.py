"""The contractor's own setup: tag types, business units, people, roles and campaigns.

ServiceTitan's `settings` module (tag types, business units, employees, technicians,
user roles) and `marketing` campaigns.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from autofile.mirror.models.base import MirrorRecord


class TagType(MirrorRecord):
    name = models.CharField(max_length=200)
    color = models.CharField(max_length=20, blank=True)
    code = models.CharField(max_length=100, blank=True)
    importance = models.CharField(max_length=20, blank=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BusinessUnit(MirrorRecord):
    name = models.CharField(max_length=200)
    official_name = models.CharField(max_length=300, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone_number = models.CharField(max_length=50, blank=True)
    trade = models.CharField(max_length=100, blank=True)
    division = models.CharField(max_length=100, blank=True)
    street = models.CharField(max_length=300, blank=True)
    unit = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    zip = models.CharField(max_length=20, blank=True)
    tag_type_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta(MirrorRecord.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserRole(MirrorRecord):
    name = models.CharField(max_length=200)
    employee_type = models.CharField(max_length=30, blank=True)
    created_on = models.DateTimeField(null=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Employee(MirrorRecord):
    user_st_id = models.BigIntegerField(null=True)
    name = models.CharField(max_length=200)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone_number = models.CharField(max_length=50, blank=True)
    role = models.CharField(max_length=50, blank=True)
    role_ids = ArrayField(models.BigIntegerField(), default=list)
    business_unit_st_id = models.BigIntegerField(null=True)
    business_unit = models.ForeignKey(
        BusinessUnit,
        null=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    class Meta(MirrorRecord.Meta):
        ordering = ["name"]
        indexes = [models.Index(fields=["connection", "business_unit_st_id"])]

    def __str__(self) -> str:
        return self.name


class Technician(MirrorRecord):
    user_st_id = models.BigIntegerField(null=True)
    name = models.CharField(max_length=200)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone_number = models.CharField(max_length=50, blank=True)
    mobile_phone = models.CharField(max_length=50, blank=True)
    team = models.CharField(max_length=100, blank=True)
    positions = ArrayField(models.CharField(max_length=50), default=list)
    role_ids = ArrayField(models.BigIntegerField(), default=list)
    business_unit_st_id = models.BigIntegerField(null=True)
    business_unit = models.ForeignKey(
        BusinessUnit,
        null=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    class Meta(MirrorRecord.Meta):
        ordering = ["name"]
        indexes = [models.Index(fields=["connection", "business_unit_st_id"])]

    def __str__(self) -> str:
        return self.name


class Campaign(MirrorRecord):
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=100, blank=True)
    medium = models.CharField(max_length=100, blank=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
