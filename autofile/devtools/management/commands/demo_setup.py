"""Create (or bring back) the demo organization, its users, and its connection.

    python manage.py demo_setup --simulator-url http://127.0.0.1:8765

Idempotent: running it again keeps existing data and passwords. It connects the
organization to the ServiceTitan simulator, mirrors the tenant's tag types, copies the
EXAMPLE utility heat-pump program, imports the ENERGY STAR certified products fixture
(made to agree with the simulator's pricebook, so demo packets can pass the certification
check), switches on an import rule for jobs tagged "Rebate Needed" into it, and queues
the first full sync.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from autofile.accounts.models import Membership, Organization, Role, User
from autofile.core import queues
from autofile.mirror.models import Connection, TagType
from autofile.mirror.services import connection_sync, connection_sync_request, connection_upsert
from autofile.packets.models import ImportRule, RebateProgram
from autofile.packets.services import program_copy_example, rule_create
from autofile.packets.services.certified import certified_import_fixtures

ORGANIZATION = "Lone Star Comfort Co."
PASSWORD = "autofile-demo"  # noqa: S105 (the demo logins are printed for everyone)
USERS = (
    ("admin", "Alex", "Admin", Role.ADMIN),
    ("qa", "Quinn", "Reviewer", Role.QA),
    ("coordinator", "Casey", "Coordinator", Role.COORDINATOR),
)
REBATE_TAG = "Rebate Needed"
DEMO_EXAMPLE = "utility_heat_pump"  # the example program the demo copies


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
        # Before the first sync: validation of the first packets reads the certified list.
        listed = sum(result.imported for result in certified_import_fixtures())
        connection_sync(connection_id=connection.pk, resources=["tag-types"])
        tags = dict(TagType.objects.filter(connection=connection).values_list("name", "st_id"))
        with transaction.atomic():
            if connection.autofile_tag_type_id is None and "AutoFile" in tags:
                connection.autofile_tag_type_id = tags["AutoFile"]
                connection.save(update_fields=["autofile_tag_type_id"])
            program = RebateProgram.objects.filter(
                organization=organization, example_key=DEMO_EXAMPLE
            ).first() or program_copy_example(organization=organization, key=DEMO_EXAMPLE)
            rule_name = f"Jobs tagged “{REBATE_TAG}”"
            if (
                REBATE_TAG in tags
                and not ImportRule.objects.filter(
                    organization=organization, connection=connection, name=rule_name
                ).exists()
            ):
                rule_create(
                    organization=organization,
                    connection=connection,
                    program=program,
                    name=rule_name,
                    tag_type_ids=[tags[REBATE_TAG]],
                    is_active=True,
                )
            connection_sync_request(connection=connection, queue=queues.SYNC)  # a backfill
        self.stdout.write(self.style.SUCCESS(f"Demo organization: {organization.name}"))
        self.stdout.write(f"  {listed} ENERGY STAR certified listings (fixture)")
        for username, _, _, role in USERS:
            self.stdout.write(f"  login {username:<12} password {PASSWORD:<15} ({role.label})")
