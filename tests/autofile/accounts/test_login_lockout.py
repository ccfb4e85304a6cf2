"""Wrong passwords lock a sign-in out, per username and per client address, on both login
pages; the lockout is explained, logged, and support can lift it."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from autofile.accounts.models import User
from tests.factories import PASSWORD


def attempt(client: Client, path: str, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.usefixtures("admin_site_on")
@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_wrong_passwords_lock_the_account_even_for_the_right_password(
    client: Client, qa_user: User, path: str, caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, path, qa_user.username, "wrong").status_code == 200
    with caplog.at_level(logging.WARNING, logger="autofile.security"):
        locked = attempt(client, path, qa_user.username, "wrong")
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert (
        f"locked for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes".encode() in locked.content
    )
    assert [r.getMessage() for r in caplog.records if "locked out" in r.getMessage()] == [
        f"login locked out: username={qa_user.username!r} ip=10.0.0.1 path={path} "
        f"after {settings.AXES_FAILURE_LIMIT} failures"
    ]

    # The right password no longer helps, from this address or another one.
    assert attempt(client, path, qa_user.username, PASSWORD).status_code == 429
    assert attempt(client, path, qa_user.username, PASSWORD, ip="10.9.9.9").status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_address_trying_many_accounts_is_locked_out(client: Client, qa_user: User) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "/accounts/login/", f"guess{n}", "wrong", ip="10.0.0.66")
    assert (
        attempt(client, "/accounts/login/", qa_user.username, PASSWORD, ip="10.0.0.66").status_code
        == 429
    )
    # Someone else, elsewhere, signs in.
    ok = attempt(client, "/accounts/login/", qa_user.username, PASSWORD, ip="10.0.0.7")
    assert ok.status_code == 302


def test_support_unlocks_a_locked_account(client: Client, qa_user: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "/accounts/login/", qa_user.username, "wrong")
    assert attempt(client, "/accounts/login/", qa_user.username, PASSWORD).status_code == 429

    out = io.StringIO()
    call_command("axes_reset_username", qa_user.username, stdout=out)
    call_command("axes_reset_ip", "10.0.0.1", stdout=out)
    assert attempt(client, "/accounts/login/", qa_user.username, PASSWORD).status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures(client: Client, qa_user: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "/accounts/login/", qa_user.username, "wrong")
    assert attempt(client, "/accounts/login/", qa_user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "/accounts/login/", qa_user.username, "wrong")
    assert attempt(client, "/accounts/login/", qa_user.username, PASSWORD).status_code == 302
