"""The demo's mailbox: what AutoFile e-mails is kept as files and shown on a page, links
clickable; with any other e-mail backend the page does not exist."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.mail import send_mail
from django.test import Client
from django.urls import reverse

from autofile.accounts.models import User
from autofile.devtools.mailbox import BACKEND, mailbox_messages


def test_mail_lands_in_the_mailbox_page(
    settings: Any, tmp_path: Path, signed_in: Callable[[User], Client], qa_user: User
) -> None:
    settings.EMAIL_BACKEND = BACKEND
    settings.MAILBOX_DIR = tmp_path / "mailbox"
    url = reverse("devtools:mailbox")
    client = signed_in(qa_user)
    assert "No mail sent yet." in client.get(url).content.decode()
    link = "http://127.0.0.1:8000/r/12-" + "a" * 64 + "/"
    send_mail("First", "Nothing here.", "autofile@localhost", ["one@example.com"])
    send_mail("Your rebate", f"Open {link} to answer.", "autofile@localhost", ["dana@example.com"])
    assert len(list((tmp_path / "mailbox").glob("*.eml"))) == 2
    assert [m.subject for m in mailbox_messages()] == ["Your rebate", "First"]
    page = client.get(url).content.decode()
    assert page.index("Your rebate") < page.index("First")
    assert "To dana@example.com" in page
    assert f'<a href="{link}"' in page


def test_the_mailbox_is_for_signed_in_members_of_the_demo_only(
    settings: Any, tmp_path: Path, signed_in: Callable[[User], Client], qa_user: User
) -> None:
    settings.MAILBOX_DIR = tmp_path
    url = reverse("devtools:mailbox")
    settings.EMAIL_BACKEND = BACKEND
    assert Client().get(url).status_code == 302
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert signed_in(qa_user).get(url).status_code == 404
