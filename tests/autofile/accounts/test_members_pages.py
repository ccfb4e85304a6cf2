"""Users, roles and invitations: the admin page, the email, the accept page."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Invitation, Membership, Organization, Role, User
from tests.factories import PASSWORD, InvitationFactory, MembershipFactory, UserFactory

Capture = Callable[..., Any]


@pytest.fixture
def admin(signed_in: Callable[[User], Client], admin_user: User) -> Client:
    return signed_in(admin_user)


def invite(client: Client, capture: Capture, email: str, role: Role = Role.QA, **extra: Any) -> Any:
    with capture(execute=True):
        return client.post(
            reverse("accounts:invitation_new"), {"email": email, "role": role}, **extra
        )


def link_in(message: Any) -> str:
    """The accept link of an invitation email, as a path for the test client."""
    match = re.search(r"https?://\S+/accounts/invitations/accept/\?token=\S+", message.body)
    assert match, message.body
    url = urlsplit(match.group(0))
    return f"{url.path}?{url.query}"


# --- members and roles ----------------------------------------------------------------------


def test_the_page_lists_members_with_their_roles(
    admin: Client, admin_user: User, qa_user: User, coordinator_user: User
) -> None:
    page = admin.get(reverse("accounts:members")).content.decode()
    for user in (admin_user, qa_user, coordinator_user):
        assert user.email in page
    assert "(you)" in page


def test_members_of_other_organizations_are_not_listed(
    admin: Client, other_organization: Organization
) -> None:
    stranger = UserFactory.create(email="stranger@example.com")
    MembershipFactory.create(user=stranger, organization=other_organization)
    assert "stranger@example.com" not in admin.get(reverse("accounts:members")).content.decode()


def test_an_admin_changes_a_role(admin: Client, qa_user: User, organization: Organization) -> None:
    membership = Membership.objects.get(user=qa_user, organization=organization)
    response = admin.post(reverse("accounts:member_role", args=[membership.pk]), {"role": "admin"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_changing_a_role_with_htmx_swaps_the_table(
    admin: Client, qa_user: User, organization: Organization
) -> None:
    membership = Membership.objects.get(user=qa_user, organization=organization)
    response = admin.post(
        reverse("accounts:member_role", args=[membership.pk]),
        {"role": "coordinator"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="members-table",
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="members-table"')
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR


def test_an_unknown_role_is_refused(
    admin: Client, qa_user: User, organization: Organization
) -> None:
    membership = Membership.objects.get(user=qa_user, organization=organization)
    response = admin.post(
        reverse("accounts:member_role", args=[membership.pk]),
        {"role": "owner"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="members-table",
    )
    assert "Choose one of the roles." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.QA


def test_the_last_admin_keeps_the_admin_role(
    admin: Client, admin_user: User, organization: Organization
) -> None:
    membership = Membership.objects.get(user=admin_user, organization=organization)
    response = admin.post(
        reverse("accounts:member_role", args=[membership.pk]),
        {"role": "qa"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="members-table",
    )
    assert "only admin" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_with_a_second_admin_an_admin_may_step_down(
    admin: Client, admin_user: User, member: Callable[..., User], organization: Organization
) -> None:
    member(Role.ADMIN)
    membership = Membership.objects.get(user=admin_user, organization=organization)
    admin.post(reverse("accounts:member_role", args=[membership.pk]), {"role": "qa"})
    membership.refresh_from_db()
    assert membership.role == Role.QA


def test_an_admin_removes_a_member(
    admin: Client, qa_user: User, organization: Organization
) -> None:
    membership = Membership.objects.get(user=qa_user, organization=organization)
    response = admin.post(reverse("accounts:member_remove", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=qa_user.pk).exists()  # the account stays


def test_the_last_admin_cannot_be_removed(
    admin: Client, admin_user: User, organization: Organization
) -> None:
    membership = Membership.objects.get(user=admin_user, organization=organization)
    response = admin.post(reverse("accounts:member_remove", args=[membership.pk]), follow=True)
    assert "cannot be removed" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- invitations ------------------------------------------------------------------------------


def test_an_invitation_is_emailed_with_a_working_link(
    admin: Client,
    django_capture_on_commit_callbacks: Capture,
    organization: Organization,
    client: Client,
) -> None:
    response = invite(admin, django_capture_on_commit_callbacks, "new.person@example.com")
    assert response.status_code == 302
    invitation = Invitation.objects.get(organization=organization)
    assert invitation.email == "new.person@example.com" and invitation.role == Role.QA
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.com"]
    assert organization.name in message.subject
    assert "QA reviewer" in message.body
    # Only a hash of the token is stored.
    token = link_in(message).split("token=")[1]
    assert token not in invitation.token_hash
    assert "new.person@example.com" in admin.get(reverse("accounts:members")).content.decode()


def test_invitation_errors_keep_the_input(
    admin: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    response = invite(
        admin,
        django_capture_on_commit_callbacks,
        "not-an-email",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="invitations",
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="invitations"')
    assert "Enter a valid email address." in page
    assert 'value="not-an-email"' in page
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_members_cannot_be_invited_again(
    admin: Client, django_capture_on_commit_callbacks: Capture, qa_user: User
) -> None:
    response = invite(admin, django_capture_on_commit_callbacks, qa_user.email.upper())
    assert "is already a member" in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_again_replaces_the_pending_invitation(
    admin: Client, django_capture_on_commit_callbacks: Capture, client: Client
) -> None:
    invite(admin, django_capture_on_commit_callbacks, "twice@example.com")
    invite(admin, django_capture_on_commit_callbacks, "twice@example.com", Role.ADMIN)
    first, second = (link_in(m) for m in mail.outbox)
    admin.logout()
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    assert Invitation.objects.filter(revoked_at__isnull=True).get().role == Role.ADMIN


def test_an_admin_revokes_an_invitation(
    admin: Client, organization: Organization, client: Client
) -> None:
    invitation = InvitationFactory.create(organization=organization)
    response = admin.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    page = admin.get(reverse("accounts:members")).content.decode()
    assert "was revoked" in page  # the message, shown once
    assert invitation.email not in admin.get(reverse("accounts:members")).content.decode()


def test_resending_sends_a_fresh_link(
    admin: Client, organization: Organization, django_capture_on_commit_callbacks: Capture
) -> None:
    invitation = InvitationFactory.create(organization=organization, email="slow@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert mail.outbox[0].to == ["slow@example.com"]
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None  # replaced by the fresh one
    assert Invitation.objects.filter(email="slow@example.com", revoked_at__isnull=True).exists()


@pytest.mark.parametrize("role", [Role.QA, Role.COORDINATOR])
def test_only_admins_manage_users(
    role: Role,
    member: Callable[..., User],
    signed_in: Callable[[User], Client],
    organization: Organization,
    qa_user: User,
) -> None:
    client = signed_in(member(role))
    membership = Membership.objects.get(user=qa_user, organization=organization)
    invitation = InvitationFactory.create(organization=organization)
    assert client.get(reverse("accounts:members")).status_code == 403
    assert (
        client.post(reverse("accounts:invitation_new"), {"email": "x@example.com"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("accounts:member_role", args=[membership.pk]), {"role": "admin"}
        ).status_code
        == 403
    )
    assert client.post(reverse("accounts:member_remove", args=[membership.pk])).status_code == 403
    assert (
        client.post(reverse("accounts:invitation_revoke", args=[invitation.pk])).status_code == 403
    )
    assert (
        client.post(reverse("accounts:invitation_resend", args=[invitation.pk])).status_code == 403
    )


# --- accepting ---------------------------------------------------------------------------------


@pytest.fixture
def emailed_link(admin: Client, django_capture_on_commit_callbacks: Capture) -> Callable[..., str]:
    def make(email: str, role: Role = Role.QA) -> str:
        invite(admin, django_capture_on_commit_callbacks, email, role)
        admin.logout()
        return link_in(mail.outbox[-1])

    return make


def test_a_new_person_creates_an_account_and_joins(
    emailed_link: Callable[..., str], client: Client, organization: Organization
) -> None:
    link = emailed_link("fresh@example.com", Role.COORDINATOR)
    page = client.get(link).content.decode()
    assert "Create your account" in page and "fresh@example.com" in page

    response = client.post(
        link,
        {
            "first_name": "Fran",
            "last_name": "Fresh",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="fresh@example.com")
    assert user.get_full_name() == "Fran Fresh"
    assert Membership.objects.get(user=user, organization=organization).role == Role.COORDINATOR
    # Signed in straight away, and the link is used up.
    assert int(client.session["_auth_user_id"]) == user.pk
    client.logout()
    assert client.get(link).status_code == 410
    signed_in = client.post(
        "/accounts/login/",
        {"username": "fresh@example.com", "password": "a long and unusual passphrase"},
    )
    assert signed_in.status_code == 302


def test_account_form_errors_keep_the_input(
    emailed_link: Callable[..., str], client: Client
) -> None:
    link = emailed_link("fresh@example.com")
    response = client.post(
        link,
        {"first_name": "Fran", "last_name": "", "password1": "short", "password2": "other"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "The two passwords differ." in page
    assert 'value="Fran"' in page
    assert not User.objects.filter(email="fresh@example.com").exists()


def test_a_weak_password_is_refused(emailed_link: Callable[..., str], client: Client) -> None:
    link = emailed_link("fresh@example.com")
    response = client.post(
        link,
        {"first_name": "F", "last_name": "F", "password1": "password", "password2": "password"},
    )
    assert "This password is too common." in response.content.decode()


def test_an_existing_user_signs_in_and_joins(
    emailed_link: Callable[..., str],
    client: Client,
    organization: Organization,
    other_organization: Organization,
) -> None:
    someone = UserFactory.create(email="known@example.com")
    MembershipFactory.create(user=someone, organization=other_organization)
    link = emailed_link("known@example.com", Role.ADMIN)

    page = client.get(link).content.decode()
    assert "Sign in to accept" in page
    client.force_login(someone)
    assert "Join Lone Star Comfort" in client.get(link).content.decode()
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.get(user=someone, organization=organization).role == Role.ADMIN
    # They now work in the organization that invited them.
    assert "Lone Star Comfort" in client.get(reverse("review:queue")).content.decode()


def test_someone_else_cannot_use_the_link(
    emailed_link: Callable[..., str], client: Client, organization: Organization
) -> None:
    link = emailed_link("intended@example.com")
    other = UserFactory.create(email="other@example.com")
    client.force_login(other)
    assert "This invitation is for intended@example.com" in client.get(link).content.decode()
    response = client.post(link)
    assert "This invitation is for intended@example.com" in response.content.decode()
    assert not Membership.objects.filter(user=other, organization=organization).exists()


def test_expired_and_unknown_links_explain_themselves(
    client: Client, organization: Organization, db: None
) -> None:
    assert client.get(reverse("accounts:invitation_accept") + "?token=nope").status_code == 404
    InvitationFactory.create(
        organization=organization,
        token_hash=hashlib.sha256(b"old-token").hexdigest(),
        expires_at=timezone.now() - dt.timedelta(days=1),
    )
    response = client.get(reverse("accounts:invitation_accept") + "?token=old-token")
    assert response.status_code == 410
    assert "It expired" in response.content.decode()


def test_sign_in_from_the_invitation_returns_to_it(
    emailed_link: Callable[..., str], client: Client
) -> None:
    someone = UserFactory.create(email="known@example.com")
    link = emailed_link("known@example.com")
    response = client.post(
        reverse("accounts:login") + "?next=" + quote(link),
        {"username": someone.username, "password": PASSWORD, "next": link},
    )
    assert response.status_code == 302
    assert response["Location"] == link


def test_the_members_page_runs_a_fixed_number_of_queries(
    admin: Client,
    organization: Organization,
    admin_user: User,
    django_assert_max_num_queries: Any,
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            MembershipFactory.create(organization=organization)
            InvitationFactory.create(organization=organization, invited_by=admin_user)

    add(2)
    with django_assert_max_num_queries(12) as two:
        admin.get(reverse("accounts:members"))
    add(48)
    with django_assert_max_num_queries(len(two.captured_queries)):
        page = admin.get(reverse("accounts:members")).content.decode()
    assert page.count("invitee") == 50
