"""Corrections: what QA reviewers and coordinators changed in a mirrored record, and why.

A correction is saved with the mirror change and its outbox message in one transaction; its
delivery status then follows the message (queued → sent → confirmed once the next sync reads
the written values back, or conflict / failed for a person to act on).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from autofile.core.models import OrganizationOwned


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent to ServiceTitan"
    CONFIRMED = "confirmed", "Confirmed"
    CONFLICT = "conflict", "Conflict"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded"
    #: Recorded in AutoFile only: ServiceTitan has no place for it (e.g. no custom field).
    LOCAL = "local", "Kept in AutoFile"


#: Delivery statuses still moving (on their way to ServiceTitan); pages poll them.
MOVING_STATUSES = (DeliveryStatus.QUEUED, DeliveryStatus.SENT)


class TargetType(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    INVOICE_ITEM = "invoice_item", "Invoice item"
    CUSTOMER = "customer", "Customer"
    CUSTOMER_CONTACT = "customer_contact", "Customer contact"
    LOCATION = "location", "Location"
    JOB = "job", "Job"


class Operation(models.TextChoices):
    UPDATE = "update", "Changed"
    CREATE = "create", "Added"
    DELETE = "delete", "Removed"
    TAG_ADD = "tag_add", "Tagged"
    TAG_REMOVE = "tag_remove", "Untagged"


class Correction(OrganizationOwned):
    """A change to one mirrored record: before, after, who, when, why."""

    connection = models.ForeignKey(
        "mirror.Connection", on_delete=models.CASCADE, related_name="corrections"
    )
    packet = models.ForeignKey(
        "packets.Packet",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
    )
    target_type = models.CharField(max_length=30, choices=TargetType.choices)
    # The mirror row (pk in the target type's table) and its ServiceTitan id; a record
    # AutoFile created has a provisional negative st_id until ServiceTitan answers with its id.
    target_row_id = models.BigIntegerField(null=True, blank=True)
    target_st_id = models.BigIntegerField(null=True, blank=True)
    # The record it belongs to: the invoice of an item, the customer of a contact.
    parent_st_id = models.BigIntegerField(null=True, blank=True)
    operation = models.CharField(max_length=20, choices=Operation.choices)
    fields = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    delivery_status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    outbox_message = models.OneToOneField(
        "writeback.OutboxMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="correction",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "packet", "-created_at"]),
            models.Index(fields=["delivery_status"]),
            models.Index(fields=["connection", "target_type", "target_row_id"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_operation_display()} {self.get_target_type_display()} {self.target_st_id}"
        )

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field the correction touched, in edit order."""
        return [(name, self.before.get(name), self.after.get(name)) for name in self.fields]
