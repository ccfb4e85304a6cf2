"""Jobs and their visits: ServiceTitan's `jpm` module (jobs, appointments, projects, job types)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from autofile.mirror.models.base import MirrorRecord
from autofile.mirror.models.crm import Customer, Location


class JobType(MirrorRecord):
    name = models.CharField(max_length=200)
    job_class = models.CharField(max_length=50, blank=True)
    priority = models.CharField(max_length=20, blank=True)
    business_unit_ids = ArrayField(models.BigIntegerField(), default=list)
    tag_type_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta(MirrorRecord.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Project(MirrorRecord):
    number = models.CharField(max_length=50, blank=True)
    name = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=100, blank=True)
    sub_status = models.CharField(max_length=100, blank=True)
    customer_st_id = models.BigIntegerField(null=True)
    customer = models.ForeignKey(
        Customer, null=True, on_delete=models.SET_NULL, related_name="projects", db_constraint=False
    )
    location_st_id = models.BigIntegerField(null=True)
    location = models.ForeignKey(
        Location, null=True, on_delete=models.SET_NULL, related_name="projects", db_constraint=False
    )
    start_date = models.DateTimeField(null=True)
    target_completion_date = models.DateTimeField(null=True)
    actual_completion_date = models.DateTimeField(null=True)
    business_unit_ids = ArrayField(models.BigIntegerField(), default=list)
    job_ids = ArrayField(models.BigIntegerField(), default=list)
    summary = models.TextField(blank=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["number", "st_id"]
        indexes = [
            models.Index(fields=["connection", "customer_st_id"]),
            models.Index(fields=["connection", "location_st_id"]),
        ]

    def __str__(self) -> str:
        return f"Project {self.number or self.st_id}"


class Job(MirrorRecord):
    job_number = models.CharField(max_length=50)
    customer_st_id = models.BigIntegerField(null=True)
    customer = models.ForeignKey(
        Customer, null=True, on_delete=models.SET_NULL, related_name="jobs", db_constraint=False
    )
    location_st_id = models.BigIntegerField(null=True)
    location = models.ForeignKey(
        Location, null=True, on_delete=models.SET_NULL, related_name="jobs", db_constraint=False
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
        JobType,
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
    project_st_id = models.BigIntegerField(null=True)
    project = models.ForeignKey(
        Project,
        null=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="jobs",
        db_constraint=False,
    )
    invoice_st_id = models.BigIntegerField(null=True)  # the job's invoice; Invoice.job links back
    job_status = models.CharField(max_length=30, blank=True)
    priority = models.CharField(max_length=20, blank=True)
    created_on = models.DateTimeField(null=True)
    completed_on = models.DateTimeField(null=True)
    tag_type_ids = ArrayField(models.BigIntegerField(), default=list)
    total = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    summary = models.TextField(blank=True)

    class Meta(MirrorRecord.Meta):
        ordering = ["-completed_on", "-st_id"]
        indexes = [
            GinIndex(fields=["tag_type_ids"], name="job_tag_type_ids_gin"),
            models.Index(fields=["connection", "st_modified_on"]),
            models.Index(fields=["organization", "job_number"]),
            # import rules: completion window, business unit, job type, status
            models.Index(fields=["connection", "completed_on"]),
            models.Index(fields=["connection", "customer_st_id"]),
            models.Index(fields=["connection", "location_st_id"]),
            models.Index(fields=["connection", "business_unit_st_id"]),
            models.Index(fields=["connection", "job_type_st_id"]),
            models.Index(fields=["connection", "campaign_st_id"]),
            models.Index(fields=["connection", "project_st_id"]),
        ]

    def __str__(self) -> str:
        return f"Job {self.job_number}"


class Appointment(MirrorRecord):
    """A visit of a job; its arrival window is what the customer was promised."""

    job_st_id = models.BigIntegerField(null=True)
    job = models.ForeignKey(
        Job, null=True, on_delete=models.SET_NULL, related_name="appointments", db_constraint=False
    )
    customer_st_id = models.BigIntegerField(null=True)
    customer = models.ForeignKey(
        Customer, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    appointment_number = models.CharField(max_length=50, blank=True)
    start = models.DateTimeField(null=True)
    end = models.DateTimeField(null=True)
    arrival_window_start = models.DateTimeField(null=True)
    arrival_window_end = models.DateTimeField(null=True)
    status = models.CharField(max_length=20, blank=True)
    special_instructions = models.TextField(blank=True)
    is_confirmed = models.BooleanField(default=False)

    class Meta(MirrorRecord.Meta):
        ordering = ["start", "st_id"]
        indexes = [
            # coordinators: upcoming appointments
            models.Index(fields=["connection", "start"]),
            models.Index(fields=["connection", "job_st_id"]),
            models.Index(fields=["connection", "customer_st_id"]),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.appointment_number or self.st_id}"
