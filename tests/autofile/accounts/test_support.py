"""What a production install starts with and how support works in it: the first
organization from the command line, the idle timeout, the Django admin only when enabled
and then scoped to the staff user's organizations."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from autofile.accounts.middleware import LAST_SEEN_KEY
from autofile.accounts.models import Invitation, Organization, Role, User
from tests.factories import MembershipFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_organization_create_invites_the_first_admin(client: Client, settings: Any) -> None:
    settings.PUBLIC_URL = "https://autofile.example.com"
    out = io.StringIO()
    call_command(
        "organization_create",
        "--name",
        "Gulf Coast Air",
        "--admin-email",
        "boss@gulf.example",
        stdout=out,
    )
    organization = Organization.objects.get(name="Gulf Coast Air")
    invitation = Invitation.objects.get(organization=organization)
    assert invitation.role == Role.ADMIN
    assert invitation.email == "boss@gulf.example"
    link = re.search(
        r"https://autofile\.example\.com/accounts/invitations/accept/\?token=\S+", out.getvalue()
    )
    assert link, out.getvalue()
    assert [m.to for m in mail.outbox] == [["boss@gulf.example"]]
    assert link.group(0) in mail.outbox[0].body

    # The link works: the admin chooses a password and lands in the organization.
    path = link.group(0).removeprefix("https://autofile.example.com")
    answer = client.post(
        path,
        {
            "first_name": "Bo",
            "last_name": "Boss",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert answer.status_code == 302
    user = User.objects.get(email="boss@gulf.example")
    assert user.memberships.get().role == Role.ADMIN


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--name", "X", "--admin-email", "not-an-address"], "--admin-email"),
        (["--name", " ", "--admin-email", "a@b.example"], "--name"),
        (["--name", "Lone Star Comfort", "--admin-email", "a@b.example"], "exists already"),
    ],
)
def test_organization_create_refuses_bad_input(
    organization: Organization, settings: Any, args: list[str], says: str
) -> None:
    settings.PUBLIC_URL = "https://autofile.example.com"
    with pytest.raises(CommandError, match=says):
        call_command("organization_create", *args, stdout=io.StringIO())


def test_organization_create_needs_a_public_url(db: None, settings: Any) -> None:
    settings.PUBLIC_URL = ""
    with pytest.raises(CommandError, match="base-url"):
        call_command("organization_create", "--name", "N", "--admin-email", "a@b.example")


def test_an_idle_session_is_signed_out(client: Client, qa_user: User, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(qa_user)
    assert client.get("/packets/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(session[LAST_SEEN_KEY]) - 601
    session.save()

    answer = client.get("/packets/?status=new")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/?next=")
    assert "_auth_user_id" not in client.session
    assert client.get("/packets/").status_code == 302


def test_an_idle_htmx_request_sends_the_page_to_sign_in(
    client: Client, qa_user: User, settings: Any
) -> None:
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(qa_user)
    client.get("/packets/")
    session = client.session
    session[LAST_SEEN_KEY] = int(session[LAST_SEEN_KEY]) - 601
    session.save()
    answer = client.get("/packets/", headers={"HX-Request": "true"})
    assert answer.status_code == 204
    assert answer["HX-Redirect"].startswith("/accounts/login/")


def test_an_active_session_stays(client: Client, qa_user: User, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(qa_user)
    for _ in range(3):
        assert client.get("/packets/").status_code == 200


def test_the_django_admin_is_off_by_default(client: Client, db: None) -> None:
    staff = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404


@pytest.mark.usefixtures("admin_site_on")
def test_staff_see_only_their_organizations_in_the_admin(
    client: Client,
    organization: Organization,
    other_organization: Organization,
    member: Callable[..., User],
) -> None:
    from django.contrib.auth.models import Permission

    ours = member(Role.QA)
    theirs = member(Role.QA, other_organization)
    support = UserFactory.create(is_staff=True)
    support.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_user", "view_organization", "view_membership", "view_accessattempt"]
        )
    )
    MembershipFactory.create(user=support, organization=organization, role=Role.ADMIN)
    client.force_login(support)

    users = client.get("/admin/accounts/user/").content.decode()
    assert ours.username in users
    assert theirs.username not in users
    organizations = client.get("/admin/accounts/organization/").content.decode()
    assert organization.name in organizations
    assert other_organization.name not in organizations
    assert client.get(f"/admin/accounts/user/{theirs.pk}/change/").status_code == 302  # not found
    assert client.get(f"/admin/accounts/user/{ours.pk}/change/").status_code == 200
    assert client.get("/admin/axes/accessattempt/").status_code == 200

    superuser = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert other_organization.name in client.get("/admin/accounts/organization/").content.decode()
