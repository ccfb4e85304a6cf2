"""The outbox: every write AutoFile makes to ServiceTitan, with its attempts.

A message is one write with absolute values (so sending it twice is harmless), the version of
the record it was based on (ServiceTitan's `modifiedOn` and the values the person saw), and its
delivery state. Workers claim messages with a compare-and-swap update, call ServiceTitan with
no transaction open, and record each try as an OutboxAttempt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from autofile.core.models import OrganizationOwned


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    IN_FLIGHT = "in_flight", "Sending"
    SENT = "sent", "Sent"
    CONFLICT = "conflict", "Changed in ServiceTitan"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded (kept ServiceTitan's version)"


#: A message to the same record waits while an earlier one is in one of these states.
BLOCKING_STATUSES = (OutboxStatus.PENDING, OutboxStatus.IN_FLIGHT, OutboxStatus.CONFLICT)


class OutboxKind(models.TextChoices):
    INVOICE_UPDATE = "invoice_update", "Update invoice"
    INVOICE_ITEMS_UPDATE = "invoice_items_update", "Update invoice item"
    INVOICE_ITEM_ADD = "invoice_item_add", "Add invoice item"
    INVOICE_ITEM_DELETE = "invoice_item_delete", "Delete invoice item"
    CUSTOMER_CONTACT_CREATE = "customer_contact_create", "Add customer contact"
    CUSTOMER_CONTACT_UPDATE = "customer_contact_update", "Update customer contact"
    CUSTOMER_CONTACT_DELETE = "customer_contact_delete", "Delete customer contact"
    CUSTOMER_UPDATE = "customer_update", "Update customer"
    LOCATION_UPDATE = "location_update", "Update location"
    LOCATION_CUSTOM_FIELD_UPDATE = "location_custom_field_update", "Update location custom field"
    JOB_TAG_ADD = "job_tag_add", "Tag job"
    JOB_TAG_REMOVE = "job_tag_remove", "Untag job"
    JOB_ATTACHMENT_UPLOAD = "job_attachment_upload", "Attach file to job"


class OutboxMessage(OrganizationOwned):
    """One write to ServiceTitan, delivered by a worker, never from a web request."""

    connection = models.ForeignKey(
        "mirror.Connection", on_delete=models.CASCADE, related_name="outbox_messages"
    )
    kind = models.CharField(max_length=40, choices=OutboxKind.choices)
    # Writes with the same key go out in id order ("invoice:123", "customer:45", "job:6").
    target_key = models.CharField(max_length=100)
    target_st_id = models.BigIntegerField(help_text="ServiceTitan id of the record written")
    # The sub-record written (an invoice item, a customer contact), when there is one. Its
    # ServiceTitan id is unknown until a create has been delivered, so the mirror row is kept too.
    record_st_id = models.BigIntegerField(null=True, blank=True)
    record_row_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(help_text="The request body: absolute values")
    base_version = models.DateTimeField(
        null=True, blank=True, help_text="ServiceTitan's modifiedOn the change was based on"
    )
    base_values = models.JSONField(default=dict, blank=True)  # the fields as the person saw them
    new_values = models.JSONField(default=dict, blank=True)  # the same fields, as written
    status = models.CharField(
        max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    # What delivery has done so far (written, created ids, items known before an append).
    progress = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True)
    # In conflict: ServiceTitan's version ({"modifiedOn", "values", "raw"}) for a person to weigh.
    theirs = models.JSONField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["connection", "target_key", "id"]),
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target_key} ({self.get_status_display()})"


class OutboxAttempt(models.Model):
    """One try at delivering a message, and how it ended."""

    class Outcome(models.TextChoices):
        SENT = "sent", "Sent"
        RETRY = "retry", "Will retry"
        FAILED = "failed", "Failed"
        CONFLICT = "conflict", "Conflict"
        ABANDONED = "abandoned", "Worker stopped"

    message = models.ForeignKey(
        OutboxMessage, on_delete=models.CASCADE, related_name="attempts_log"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["message_id", "started_at", "id"]

    def __str__(self) -> str:
        return f"Attempt {self.pk} of message {self.message_id}: {self.outcome or 'running'}"
