"""Create (or bring back) the demo organization, its users, and its connection.

    python manage.py demo_setup --simulator-url http://127.0.0.1:8765

Idempotent: running it again keeps existing data and passwords. It connects the
organization to the ServiceTitan simulator, mirrors the tenant's tag types, switches on
an example import rule for jobs tagged "Rebate Needed", and queues the first full sync.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from autofile.accounts.models import Membership, Organization, Role, User
from autofile.mirror.models import Connection, TagType
from autofile.mirror.services import connection_sync, connection_upsert
from autofile.mirror.tasks import sync_connection
from autofile.packets.models import ImportRule, RebateProgram

ORGANIZATION = "Lone Star Comfort Co."
PASSWORD = "autofile-demo"  # noqa: S105 (the demo logins are printed for everyone)
USERS = (
    ("admin", "Alex", "Admin", Role.ADMIN),
    ("qa", "Quinn", "Reviewer", Role.QA),
    ("coordinator", "Casey", "Coordinator", Role.COORDINATOR),
)
REBATE_TAG = "Rebate Needed"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--simulator-url", required=True)
        parser.add_argument("--tenant", type=int, default=1000)
        parser.add_argument("--client-id", default="sim-client-id")
        parser.add_argument("--client-secret", default="sim-client-secret")
        parser.add_argument("--app-key", default="sim-app-key")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            organization, _ = Organization.objects.get_or_create(name=ORGANIZATION)
            for username, first, last, role in USERS:
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "email": f"{username}@lonestarcomfort.example",
                        "first_name": first,
                        "last_name": last,
                    },
                )
                if created:
                    user.set_password(PASSWORD)
                    user.save(update_fields=["password"])
                Membership.objects.get_or_create(
                    user=user, organization=organization, defaults={"role": role}
                )
            connection = connection_upsert(
                organization=organization,
                environment=Connection.Environment.CUSTOM,
                base_url=options["simulator_url"],
                tenant_id=options["tenant"],
                client_id=options["client_id"],
                client_secret=options["client_secret"],
                app_key=options["app_key"],
                name="ServiceTitan (simulator)",
            )
        connection_sync(connection_id=connection.pk, resources=["tag-types"])
        tags = dict(TagType.objects.filter(connection=connection).values_list("name", "st_id"))
        with transaction.atomic():
            if connection.autofile_tag_type_id is None and "AutoFile" in tags:
                connection.autofile_tag_type_id = tags["AutoFile"]
                connection.save(update_fields=["autofile_tag_type_id"])
            program, _ = RebateProgram.objects.get_or_create(
                organization=organization,
                name="Example: Oncor residential heat pump rebate",
                defaults={"sponsor": "Oncor", "sponsor_type": RebateProgram.Sponsor.UTILITY},
            )
            if REBATE_TAG in tags:
                ImportRule.objects.get_or_create(
                    organization=organization,
                    connection=connection,
                    name=f"Jobs tagged “{REBATE_TAG}”",
                    defaults={
                        "program": program,
                        "tag_type_ids": [tags[REBATE_TAG]],
                        "is_active": True,
                    },
                )
            transaction.on_commit(lambda: sync_connection.delay(connection.pk))
        self.stdout.write(self.style.SUCCESS(f"Demo organization: {organization.name}"))
        for username, _, _, role in USERS:
            self.stdout.write(f"  login {username:<12} password {PASSWORD:<15} ({role.label})")
