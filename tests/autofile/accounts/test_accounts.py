from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from autofile.accounts.models import Organization, Role, User
from tests.factories import PASSWORD, MembershipFactory, PacketFactory


def test_sign_in_with_username_and_password_lands_on_the_queue(
    client: Client, qa_user: User
) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": qa_user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("review:queue")


def test_wrong_password_shows_an_error_and_keeps_the_username(
    client: Client, qa_user: User
) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": qa_user.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert f'value="{qa_user.username}"'.encode() in response.content


def test_pages_send_anonymous_visitors_to_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse("review:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_sign_out(signed_in: Callable[[User], Client], qa_user: User) -> None:
    client = signed_in(qa_user)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("review:queue")).status_code == 302


def test_password_change_keeps_the_user_signed_in(
    signed_in: Callable[[User], Client], qa_user: User
) -> None:
    client = signed_in(qa_user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer new secret 42",
            "new_password2": "a much longer new secret 42",
        },
    )
    assert response.status_code == 302
    qa_user.refresh_from_db()
    assert qa_user.check_password("a much longer new secret 42")
    assert client.get(reverse("review:queue")).status_code == 200


def test_password_change_shows_field_errors(
    signed_in: Callable[[User], Client], qa_user: User
) -> None:
    client = signed_in(qa_user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    assert response.status_code == 200
    assert b"Your old password was entered incorrectly" in response.content


def test_a_user_in_two_organizations_switches_between_them(
    signed_in: Callable[[User], Client],
    qa_user: User,
    organization: Organization,
    other_organization: Organization,
) -> None:
    MembershipFactory.create(user=qa_user, organization=other_organization, role=Role.ADMIN)
    ours = PacketFactory.create(job__connection__organization=organization)
    theirs = PacketFactory.create(job__connection__organization=other_organization)
    client = signed_in(qa_user)

    page = client.get(reverse("review:queue")).content.decode()
    assert f"#{ours.pk}<" in page and f"#{theirs.pk}<" not in page

    response = client.post(
        reverse("accounts:organization_switch", args=[other_organization.pk]),
        {"next": reverse("review:queue")},
    )
    assert response.status_code == 302
    page = client.get(reverse("review:queue")).content.decode()
    assert f"#{theirs.pk}<" in page and f"#{ours.pk}<" not in page
    assert "Admin" in page  # the role shown is the membership's role in that organization


def test_switching_refuses_an_unsafe_next_url(
    signed_in: Callable[[User], Client], qa_user: User, organization: Organization
) -> None:
    client = signed_in(qa_user)
    response = client.post(
        reverse("accounts:organization_switch", args=[organization.pk]),
        {"next": "https://evil.example.com/"},
    )
    assert response["Location"] == "/"


def test_a_user_without_membership_is_refused(
    signed_in: Callable[[User], Client], db: None
) -> None:
    from tests.factories import UserFactory

    client = signed_in(UserFactory.create())
    assert client.get(reverse("review:queue")).status_code == 403
