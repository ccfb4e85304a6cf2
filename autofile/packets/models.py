"""Rebate programs, the import rules that feed them, and the packets they produce."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from autofile.core.models import OrganizationOwned


class RebateProgram(OrganizationOwned):
    """A rebate a contractor files for, e.g. a utility's residential heat-pump rebate."""

    class Sponsor(models.TextChoices):
        UTILITY = "utility", "Utility"
        STATE = "state", "State"
        FEDERAL = "federal", "Federal"

    name = models.CharField(max_length=200)
    sponsor = models.CharField(max_length=200, help_text="Who pays, e.g. Oncor")
    sponsor_type = models.CharField(max_length=20, choices=Sponsor.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_program_name")
        ]

    def __str__(self) -> str:
        return self.name


class ImportRule(OrganizationOwned):
    """Which jobs need a rebate, and the program their packets go to."""

    name = models.CharField(max_length=200)
    program = models.ForeignKey(RebateProgram, on_delete=models.PROTECT, related_name="rules")
    connection = models.ForeignKey(
        "mirror.Connection", on_delete=models.CASCADE, related_name="import_rules"
    )
    tag_type_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, help_text="Job carries any of these"
    )
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PacketStatus(models.TextChoices):
    NEW = "new", "New"
    IN_REVIEW = "in_review", "In review"
    READY = "ready", "Ready"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REJECTED = "rejected", "Rejected"


class Packet(OrganizationOwned):
    """One job filed to one rebate program."""

    job = models.ForeignKey("mirror.Job", on_delete=models.PROTECT, related_name="packets")
    program = models.ForeignKey(RebateProgram, on_delete=models.PROTECT, related_name="packets")
    rule = models.ForeignKey(
        ImportRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="packets"
    )
    status = models.CharField(max_length=20, choices=PacketStatus.choices, default=PacketStatus.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_packets",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "program"], name="one_packet_per_job_program")
        ]
        indexes = [models.Index(fields=["organization", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"Packet {self.pk} ({self.get_status_display()})"
