from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from autofile.accounts.models import (
    Invitation,
    Membership,
    Organization,
    User,
    invitation_token_hash,
)


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization")


def membership_get(*, user: User, organization_id: int) -> Membership | None:
    return memberships_for_user(user=user).filter(organization_id=organization_id).first()


def members_of(*, organization: Organization) -> QuerySet[Membership]:
    """The organization's members with their users, admins first, then by name."""
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("role", "user__first_name", "user__last_name", "user__username")
    )


def member_get(*, organization: Organization, membership_id: int) -> Membership | None:
    return members_of(organization=organization).filter(pk=membership_id).first()


def invitations_pending(*, organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organization=organization,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def invitation_get(*, organization: Organization, invitation_id: int) -> Invitation | None:
    return Invitation.objects.filter(organization=organization, pk=invitation_id).first()


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link's token opens (any state), or None."""
    if not token:
        return None
    return (
        Invitation.objects.filter(token_hash=invitation_token_hash(token))
        .select_related("organization", "invited_by")
        .first()
    )
