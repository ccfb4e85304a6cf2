"""Notifications: what an assignee should know about their packets, in AutoFile and,
when they ask for it, in a daily e-mail digest.

Nothing below this app knows it exists. A periodic task (`notifications.collect`) reads
what the lower apps already record: kickback events (packets.PacketEvent), answered
homeowner requests (outreach), write-backs that failed or are held as conflicts
(writeback.OutboxMessage) and packets whose filing deadline (Packet.due_on) is 7 days
away or less. Each notification has a `source` key unique per user, so reading the same
row twice never notifies twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from autofile.core.models import OrganizationOwned


class Kind(models.TextChoices):
    KICKBACK = "kickback", "Packet kicked back"
    HOMEOWNER_ANSWERED = "homeowner_answered", "Homeowner answered"
    WRITEBACK_FAILED = "writeback_failed", "Write-back failed"
    WRITEBACK_CONFLICT = "writeback_conflict", "Write-back in conflict"
    DEADLINE = "deadline", "Deadline in 7 days"


class Notification(OrganizationOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    packet = models.ForeignKey(
        "packets.Packet", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    message = models.CharField(max_length=500)
    #: What it was made from ("event:12", "outbox:7:failed", "deadline:3:2027-01-05").
    source = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "source"], name="one_notification_per_source")
        ]
        indexes = [
            models.Index(fields=["organization", "user", "read_at", "-created_at"]),
            models.Index(
                fields=["emailed_at", "read_at"],
                name="notification_digest_idx",
                condition=models.Q(emailed_at__isnull=True, read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message}"


class NotificationSettings(OrganizationOwned):
    """A member's choice for one organization: the daily e-mail digest, on or off."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    daily_digest = models.BooleanField(default=False)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="one_notification_settings_per_member"
            )
        ]


class CollectorMark(models.Model):
    """How far the collector has read an append-only table (its last id), by name. Not
    business data: one row per source for the whole installation."""

    name = models.CharField(max_length=50, unique=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_id}"
