"""Requests AutoFile sends to the people who hold what a packet lacks.

A **homeowner request** asks the customer of a packet's job for things only they can give
(utility account number, a utility bill, photos, confirmation of their e-mail and phone,
a signature on the program's customer form, confirmation of the income verification). It
reaches them as an e-mailed link carrying a signed token: the token's secret is stored
hashed, grants this one request only, expires and can be revoked. What they enter lands on
the packet with its origin recorded and re-validates it.

A **technician request** lists, for one technician, the jobs of open packets missing
nameplate photos, forms or serial numbers.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from autofile.core.models import OrganizationOwned


def default_reminder_days() -> list[int]:
    return [3, 7, 14]


class OutreachSettings(OrganizationOwned):
    """How an organization's requests behave (one row per organization, made on first use)."""

    reminder_days = ArrayField(
        models.PositiveSmallIntegerField(),
        default=default_reminder_days,
        help_text="Days after sending on which an unanswered request is re-sent",
    )
    link_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days a homeowner's link stays valid"
    )
    show_filing_status = models.BooleanField(
        default=True, help_text="Answered links show the homeowner how the filing goes"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="one_outreach_settings_per_org")
        ]


class Item(models.TextChoices):
    """What a homeowner can be asked for, in the order the phone page asks."""

    UTILITY_ACCOUNT = "utility_account", "Utility account number"
    UTILITY_BILL = "utility_bill", "A recent utility bill"
    PHOTOS = "photos", "Photos"
    CONTACT = "contact", "E-mail and phone confirmation"
    SIGNATURE = "signature", "Signature on the program's customer form"
    INCOME = "income", "Income verification confirmation"


ITEM_ORDER = [choice.value for choice in Item]


class RequestState(models.TextChoices):
    SENT = "sent", "Sent"
    OPENED = "opened", "Opened"
    ANSWERED = "answered", "Answered"
    EXPIRED = "expired", "Expired"
    BOUNCED = "bounced", "Bounced"
    FAILED = "failed", "Not sent"
    CANCELLED = "cancelled", "Cancelled"


#: States in which the homeowner's link works and reminders go out.
OPEN_STATES = (RequestState.SENT, RequestState.OPENED)


class HomeownerRequest(OrganizationOwned):
    packet = models.ForeignKey(
        "packets.Packet", on_delete=models.CASCADE, related_name="homeowner_requests"
    )
    email = models.EmailField()
    recipient_name = models.CharField(max_length=300, blank=True)
    #: Item codes asked for, in ITEM_ORDER.
    items = ArrayField(models.CharField(max_length=30))
    #: Item codes answered so far.
    done = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    #: Per item: the program requirement it answers ({"utility_bill": 12}), to name files
    #: so the requirement's patterns find them.
    requirements = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True, help_text="A note from the reviewer, shown on top")
    #: The site's address the link is built on (the reviewer's, or OUTREACH_PUBLIC_URL).
    link_base = models.URLField(blank=True)
    state = models.CharField(max_length=20, choices=RequestState.choices, default=RequestState.SENT)
    #: sha256 of the link's secret (tokens.py); the secret itself is never stored. A new
    #: nonce revokes the old link.
    token_hash = models.CharField(max_length=64, unique=True)
    token_nonce = models.CharField(max_length=32)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    #: What was entered that has no other home (income confirmation, typed values).
    answers = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "packet"]),
            models.Index(fields=["state", "next_reminder_at"]),
        ]

    def __str__(self) -> str:
        return f"Request #{self.pk} to {self.email} ({self.get_state_display()})"

    @property
    def origin(self) -> str:
        return f"entered by the homeowner via request #{self.pk}"

    @property
    def remaining(self) -> list[str]:
        return [item for item in self.items if item not in self.done]


class MailAttempt(models.Model):
    """One e-mail sent for a request (first send, reminder, resend), and how SMTP answered."""

    class Purpose(models.TextChoices):
        FIRST = "first", "Request"
        REMINDER = "reminder", "Reminder"
        RESEND = "resend", "Sent again"

    request = models.ForeignKey(
        HomeownerRequest, on_delete=models.CASCADE, related_name="mail_attempts"
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField(default=False)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["request", "sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} of request {self.request_id}: {self.ok}"


class Signature(OrganizationOwned):
    """The homeowner's signature on the program's customer form, as evidence."""

    request = models.ForeignKey(
        HomeownerRequest, on_delete=models.CASCADE, related_name="signatures"
    )
    document = models.OneToOneField(
        "packets.PacketDocument", on_delete=models.PROTECT, related_name="signature"
    )
    typed_name = models.CharField(max_length=200)
    form_title = models.CharField(max_length=300)
    form_text = models.TextField()
    consent_text = models.TextField()
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True)
    #: sha256 of the drawn signature's PNG and of the rendered PDF.
    drawing_sha256 = models.CharField(max_length=64)
    pdf_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["signed_at", "id"]


class TechnicianRequest(OrganizationOwned):
    """One message to one technician listing the jobs and what each lacks."""

    technician = models.ForeignKey(
        "mirror.Technician", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    #: [{"packet_id", "job_number", "customer", "needs": [message, ...]}]
    entries = models.JSONField(default=list)
    packet_ids = ArrayField(models.BigIntegerField(), default=list)
    state = models.CharField(max_length=20, choices=RequestState.choices, default=RequestState.SENT)
    last_error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"Technician request #{self.pk} to {self.name}"
