"""Notification reads: a member's list and unread count, in one organization."""

from __future__ import annotations

from autofile.accounts.models import Organization, User
from autofile.notifications.models import Notification

SHOWN = 100


def notification_list(
    *, organization: Organization, user: User, limit: int = SHOWN
) -> list[Notification]:
    return list(
        Notification.objects.filter(organization=organization, user=user)
        .select_related("packet")
        .order_by("read_at", "-created_at", "-id")[:limit]
    )


def unread_count(*, organization: Organization, user: User) -> int:
    return Notification.objects.filter(organization=organization, user=user, read_at=None).count()
