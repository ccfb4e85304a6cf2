from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from autofile.accounts.models import (
    Invitation,
    Membership,
    Organization,
    Role,
    User,
    invitation_token_hash,
)


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


# --- members and roles ---------------------------------------------------------------


class LastAdminError(ValidationError):
    """An organization always keeps at least one admin."""


def _is_last_admin(membership: Membership) -> bool:
    # Lock every admin row of the organization, so two admins demoting each other at
    # the same time cannot leave it with none.
    admins = list(
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.ADMIN)
        .values_list("pk", flat=True)
    )
    return admins == [membership.pk]


@transaction.atomic
def membership_role_change(*, membership: Membership, role: Role | str) -> Membership:
    """Give a member another role; the organization's last admin stays an admin."""
    role = Role(role)
    if role != Role.ADMIN and _is_last_admin(membership):
        raise LastAdminError(
            f"{membership.user} is the organization's only admin. Make someone else an admin first."
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Take a person out of the organization (their user account stays)."""
    if _is_last_admin(membership):
        raise LastAdminError(
            f"{membership.user} is the organization's only admin and cannot be removed."
        )
    membership.delete()


# --- invitations ---------------------------------------------------------------------

INVITATION_LIFETIME = dt.timedelta(days=7)


@transaction.atomic
def invitation_create(
    *,
    organization: Organization,
    email: str,
    role: Role | str,
    invited_by: User | None,
    accept_url: Callable[[str], str],
) -> Invitation:
    """Invite `email` to join with `role`, and email them the link (after commit).

    An earlier pending invitation of the same address is replaced, so only the newest
    link works. `accept_url(token)` builds the absolute link that goes in the email.
    """
    email = User.objects.normalize_email(email).strip()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {organization}."})
    now = timezone.now()
    Invitation.objects.filter(
        organization=organization,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=Role(role),
        token_hash=invitation_token_hash(token),
        invited_by=invited_by,
        expires_at=now + INVITATION_LIFETIME,
    )
    link = accept_url(token)
    transaction.on_commit(lambda: _invitation_email(invitation=invitation, link=link))
    return invitation


def _invitation_email(*, invitation: Invitation, link: str) -> None:
    inviter = invitation.invited_by
    by = f" by {inviter.get_full_name() or inviter.username}" if inviter else ""
    organization = invitation.organization
    role = Role(invitation.role).label
    body = (
        f"You have been invited{by} to join {organization.name} on AutoFile as "
        f"{role}.\n\nAccept the invitation here:\n{link}\n\n"
        f"The link works once and expires on "
        f"{timezone.localtime(invitation.expires_at):%B %-d, %Y at %H:%M %Z}.\n"
        "If you did not expect this email, you can ignore it.\n"
    )
    send_mail(
        subject=f"Join {organization.name} on AutoFile",
        message=body,
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation was already accepted.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Make `user` a member with the invited role; the link cannot be used again.

    The invitation row is locked so two clicks on the same link accept it once.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending():
        raise ValidationError(f"This invitation is {invitation.state}.")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation is for {invitation.email}; you are signed in as {user.email}."
        )
    membership, created = Membership.objects.get_or_create(
        user=user,
        organization_id=invitation.organization_id,
        defaults={"role": invitation.role},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_accept_as_new_user(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> User:
    """Create the invited person's account (signing in with their email) and accept."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(f"An account for {invitation.email} exists already: sign in.")
    user = User.objects.create_user(
        username=invitation.email,
        email=invitation.email,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )
    invitation_accept(invitation=invitation, user=user)
    return user
