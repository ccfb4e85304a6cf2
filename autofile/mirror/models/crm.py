"""Customers and where they live: ServiceTitan's `crm` module.

Customers, their locations (install addresses), the legacy per-customer and per-location
contact rows (phone / email, what QA corrects through `customers/{id}/contacts`), the
newer GUID-keyed contacts and their contact methods, leads, bookings and booking
provider tags.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper

from autofile.mirror.models.base import GuidMirrorRecord, MirrorRecord


class Customer(MirrorRecord):
    name = models.CharField(max_length=300)
    customer_type = models.CharField(max_length=30, blank=True)
    street = models.CharField(max_length=300, blank=True)
    unit = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    zip = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=50, blank=True)
    tag_type_ids = ArrayField(models.BigIntegerField(), default=list)
    balance = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    do_not_service = models.BooleanField(default=False)
    created_on = models.DateTimeField(null=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["name"]
        indexes = [
            models.Index(fields=["organization", "name"]),
            # the QA queue's search: `icontains` is UPPER(col) LIKE UPPER('%q%')
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="customer_name_trgm"),
            GinIndex(OpClass(Upper("street"), name="gin_trgm_ops"), name="customer_street_trgm"),
        ]

    def __str__(self) -> str:
        return self.name


class Location(MirrorRecord):
    """A service address: where the equipment is installed and the rebate is filed for."""

    customer_st_id = models.BigIntegerField(null=True)
    customer = models.ForeignKey(
        Customer,
        null=True,
        on_delete=models.SET_NULL,
        related_name="locations",
        db_constraint=False,
    )
    name = models.CharField(max_length=300, blank=True)
    street = models.CharField(max_length=300, blank=True)
    unit = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    zip = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=50, blank=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    tag_type_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta(MirrorRecord.Meta):
        ordering = ["street", "st_id"]
        indexes = [
            models.Index(fields=["connection", "customer_st_id"]),
            # one filing per address per period: the same street and ZIP on any location
            # record (validation's earlier packets of a chunk)
            models.Index(F("zip"), Upper("street"), name="location_zip_upper_street"),
            GinIndex(OpClass(Upper("street"), name="gin_trgm_ops"), name="location_street_trgm"),
        ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.street, self.city) if part) or self.name


class CustomerContact(MirrorRecord):
    """A legacy contact row of a customer: one phone number or e-mail address."""

    customer_st_id = models.BigIntegerField(null=True)
    customer = models.ForeignKey(
        Customer,
        null=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        db_constraint=False,
    )
    contact_type = models.CharField(max_length=20, blank=True)  # Phone, Email, Fax, MobilePhone
    value = models.CharField(max_length=300, blank=True)
    memo = models.CharField(max_length=300, blank=True)
    do_not_text = models.BooleanField(null=True)
    created_on = models.DateTimeField(null=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["contact_type", "st_id"]
        indexes = [models.Index(fields=["connection", "customer_st_id"])]

    def __str__(self) -> str:
        return f"{self.contact_type}: {self.value}"


class LocationContact(MirrorRecord):
    """A legacy contact row of a location: one phone number or e-mail address."""

    location_st_id = models.BigIntegerField(null=True)
    location = models.ForeignKey(
        Location,
        null=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        db_constraint=False,
    )
    contact_type = models.CharField(max_length=20, blank=True)
    value = models.CharField(max_length=300, blank=True)
    memo = models.CharField(max_length=300, blank=True)
    do_not_text = models.BooleanField(null=True)
    created_on = models.DateTimeField(null=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["contact_type", "st_id"]
        indexes = [models.Index(fields=["connection", "location_st_id"])]

    def __str__(self) -> str:
        return f"{self.contact_type}: {self.value}"


class Contact(GuidMirrorRecord):
    """A person in ServiceTitan's newer contacts model (GUID ids); `active` is not archived."""

    reference_id = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=200, blank=True)
    is_archived = models.BooleanField(default=False)
    created_on = models.DateTimeField(null=True)

    class Meta(GuidMirrorRecord.Meta):
        ordering = ["name", "st_id"]

    def __str__(self) -> str:
        return self.name or str(self.st_id)


class ContactMethod(GuidMirrorRecord):
    """One phone number or e-mail address of a Contact."""

    contact_st_id = models.UUIDField(null=True)
    contact = models.ForeignKey(
        Contact,
        null=True,
        on_delete=models.SET_NULL,
        related_name="methods",
        db_constraint=False,
    )
    reference_id = models.CharField(max_length=100, blank=True)
    contact_type = models.CharField(max_length=20, blank=True)
    value = models.CharField(max_length=300, blank=True)
    memo = models.CharField(max_length=300, blank=True)
    created_on = models.DateTimeField(null=True)

    class Meta(GuidMirrorRecord.Meta):
        ordering = ["contact_type", "st_id"]
        indexes = [models.Index(fields=["connection", "contact_st_id"])]

    def __str__(self) -> str:
        return f"{self.contact_type}: {self.value}"


class Lead(MirrorRecord):
    status = models.CharField(max_length=30, blank=True)
    priority = models.CharField(max_length=20, blank=True)
    customer_st_id = models.BigIntegerField(null=True)
    customer = models.ForeignKey(
        Customer, null=True, on_delete=models.SET_NULL, related_name="leads", db_constraint=False
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
    job_type_st_id = models.BigIntegerField(null=True)
    job_type = models.ForeignKey(
        "mirror.JobType",
        null=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    campaign_st_id = models.BigIntegerField(null=True)
    campaign = models.ForeignKey(
        "mirror.Campaign",
        null=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    follow_up_date = models.DateTimeField(null=True)
    created_on = models.DateTimeField(null=True)
    summary = models.TextField(blank=True)
    tag_type_ids = ArrayField(models.BigIntegerField(), default=list)
    lead_customer_name = models.CharField(max_length=300, blank=True)
    lead_phone = models.CharField(max_length=50, blank=True)
    lead_email = models.CharField(max_length=254, blank=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["-created_on", "-st_id"]
        indexes = [
            models.Index(fields=["connection", "customer_st_id"]),
            models.Index(fields=["connection", "location_st_id"]),
            models.Index(fields=["connection", "business_unit_st_id"]),
            models.Index(fields=["connection", "job_type_st_id"]),
            models.Index(fields=["connection", "campaign_st_id"]),
        ]

    def __str__(self) -> str:
        return f"Lead {self.st_id}"


class BookingProviderTag(MirrorRecord):
    tag_name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    provider_type = models.CharField(max_length=20, blank=True)  # V1Api, V2Api

    class Meta(MirrorRecord.Meta):
        ordering = ["tag_name"]

    def __str__(self) -> str:
        return self.tag_name


class Booking(MirrorRecord):
    name = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=30, blank=True)
    customer_type = models.CharField(max_length=30, blank=True)
    start = models.DateTimeField(null=True)
    street = models.CharField(max_length=300, blank=True)
    unit = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    zip = models.CharField(max_length=20, blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True)
    booking_provider_st_id = models.BigIntegerField(null=True)
    booking_provider = models.ForeignKey(
        BookingProviderTag,
        null=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="bookings",
        db_constraint=False,
    )
    job_st_id = models.BigIntegerField(null=True)
    job = models.ForeignKey(
        "mirror.Job", null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
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
    job_type_st_id = models.BigIntegerField(null=True)
    job_type = models.ForeignKey(
        "mirror.JobType",
        null=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    campaign_st_id = models.BigIntegerField(null=True)
    campaign = models.ForeignKey(
        "mirror.Campaign",
        null=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    class Meta(MirrorRecord.Meta):
        ordering = ["-start", "-st_id"]
        indexes = [
            models.Index(fields=["connection", "booking_provider_st_id"]),
            models.Index(fields=["connection", "job_st_id"]),
            models.Index(fields=["connection", "business_unit_st_id"]),
            models.Index(fields=["connection", "job_type_st_id"]),
            models.Index(fields=["connection", "campaign_st_id"]),
        ]

    def __str__(self) -> str:
        return self.name or f"Booking {self.st_id}"
