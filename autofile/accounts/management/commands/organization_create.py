"""Create an organization and invite its first admin: how a production install starts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from autofile.accounts.models import Organization, Role
from autofile.accounts.services import invitation_create, organization_create


class Command(BaseCommand):
    help = (
        "Create an organization and invite its first admin by e-mail; prints the invitation "
        "link too (it works once, for 7 days)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the contractor's company name")
        parser.add_argument("--admin-email", required=True, help="who becomes its first admin")
        parser.add_argument(
            "--base-url",
            default="",
            help="where people reach AutoFile, e.g. https://autofile.example.com "
            "(default: PUBLIC_URL)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        email = options["admin_email"].strip()
        base_url = (options["base_url"] or settings.PUBLIC_URL).rstrip("/")
        if not name:
            raise CommandError("--name must not be empty")
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"--admin-email: {exc.messages[0]}") from exc
        if not base_url.startswith(("https://", "http://")):
            raise CommandError(
                "Give --base-url (or set PUBLIC_URL), e.g. https://autofile.example.com"
            )
        if Organization.objects.filter(name__iexact=name).exists():
            raise CommandError(f"An organization named {name!r} exists already")

        links: list[str] = []

        def accept_url(token: str) -> str:
            path = reverse("accounts:invitation_accept") + "?" + urlencode({"token": token})
            links.append(base_url + path)
            return links[-1]

        with transaction.atomic():
            organization = organization_create(name=name)
            invitation_create(
                organization=organization,
                email=email,
                role=Role.ADMIN,
                invited_by=None,
                accept_url=accept_url,
            )
        self.stdout.write(f"Organization {organization.name} created (id {organization.pk}).")
        self.stdout.write(f"Invitation for {email} (admin), e-mailed and here:\n{links[-1]}")
