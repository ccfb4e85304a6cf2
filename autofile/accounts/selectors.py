from __future__ import annotations

from django.db.models import QuerySet

from autofile.accounts.models import Membership, User


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization")


def membership_get(*, user: User, organization_id: int) -> Membership | None:
    return memberships_for_user(user=user).filter(organization_id=organization_id).first()
