from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

from autofile.core.models import OrganizationOwned


class User(AbstractUser):
    """A person who signs in. Their organizations and roles are their memberships."""

    email = models.EmailField(unique=True)

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Organization(models.Model):
    """One contractor company; every row of business data belongs to exactly one."""

    name = models.CharField(max_length=200, unique=True)
    # what rebate programs ask of the contractor (the filing packet's cover sheet)
    legal_name = models.CharField(
        max_length=200,
        blank=True,
        db_default="",
        help_text="The company's legal name, exactly as enrolled with the programs",
    )
    license_number = models.CharField(
        max_length=100, blank=True, db_default="", help_text="The contractor's license number"
    )
    enrollment_number = models.CharField(
        max_length=100,
        blank=True,
        db_default="",
        help_text="The contractor's enrollment number; a program's own number replaces it",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    QA = "qa", "QA reviewer"
    COORDINATOR = "coordinator", "Install coordinator"


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")
        ]
        ordering = ["organization__name"]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.get_role_display()})"


def invitation_token_hash(token: str) -> str:
    """What an invitation stores of its link's token, and looks it up by."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(OrganizationOwned):
    """An emailed offer to join an organization with a role.

    Only a hash of the token is stored: the link in the email is the one copy of it.
    An invitation is pending until it is accepted, revoked or past `expires_at`.
    """

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "email"])]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organization_id} as {self.role}"

    def is_pending(self) -> bool:
        return self.state == "pending"

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
