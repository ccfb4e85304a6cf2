from __future__ import annotations

from django.db import transaction

from autofile.accounts.models import Membership, Organization, Role, User


def organization_create(*, name: str) -> Organization:
    return Organization.objects.create(name=name)


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str,
    organization: Organization,
    role: Role | str,
    first_name: str = "",
    last_name: str = "",
) -> User:
    user = User.objects.create_user(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )
    Membership.objects.create(user=user, organization=organization, role=Role(role))
    return user


def membership_set(*, user: User, organization: Organization, role: Role | str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": Role(role)}
    )
    return membership
