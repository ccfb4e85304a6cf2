"""Create (or bring back) the demo organization, its users, and its connection.

    python manage.py demo_setup --simulator-url http://127.0.0.1:8765

Idempotent: running it again keeps existing data and passwords. It connects the
organization to the ServiceTitan simulator (naming the location custom field that holds utility
account numbers), mirrors the tenant's tag and job types, imports the ENERGY STAR certified
products fixture (made to agree with the simulator's pricebook, so demo packets can pass the
certification check), copies the EXAMPLE utility heat-pump program with a window around the
tenant's rebate jobs, switches on an import rule for heat pump installs tagged "Rebate Needed"
into it, and queues the first full sync.

The simulated tenant's rebate jobs make a realistic mix: about 40 % can be marked ready at
once, most others have a defect a reviewer fixes in AutoFile (a model number mistyped on the
invoice, no utility account number on the location, no e-mail address), a few were installed
before the program window and cannot be filed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from autofile.accounts.models import Membership, Organization, Role, User
from autofile.core import queues
from autofile.mirror.models import Connection, JobType, TagType
from autofile.mirror.services import connection_sync, connection_sync_request, connection_upsert
from autofile.packets.models import ImportRule, RebateProgram
from autofile.packets.services import program_copy_example, program_update, rule_create
from autofile.packets.services.certified import certified_import_fixtures

ORGANIZATION = "Lone Star Comfort Co."
PASSWORD = "autofile-demo"  # noqa: S105 (the demo logins are printed for everyone)
USERS = (
    ("admin", "Alex", "Admin", Role.ADMIN),
    ("qa", "Quinn", "Reviewer", Role.QA),
    ("coordinator", "Casey", "Coordinator", Role.COORDINATOR),
)
REBATE_TAG = "Rebate Needed"
REBATE_JOB_TYPE = "Heat Pump Install"
DEMO_EXAMPLE = "utility_heat_pump"  # the example program the demo copies
#: The tenant's location custom field holding utility account numbers.
UTILITY_ACCOUNT_FIELD = "Utility Account Number"
#: The demo program's window: installs of the last 10 months (the simulator's rebate jobs,
#: but for a few older ones) and filing within 365 days of the install.
WINDOW_DAYS_BACK = 305
DEADLINE_DAYS = 365


def demo_program_setup(*, organization: Organization, connection: Connection) -> RebateProgram:
    """The demo's program and import rule (both idempotent): the EXAMPLE utility program
    with a window around the tenant's rebate jobs, and an active rule importing heat pump
    installs tagged "Rebate Needed" into it. Needs the tag and job types mirrored."""
    program = RebateProgram.objects.filter(
        organization=organization, example_key=DEMO_EXAMPLE
    ).first()
    if program is None:
        program = program_copy_example(organization=organization, key=DEMO_EXAMPLE)
        today = timezone.localdate()
        program_update(
            program=program,
            starts_on=today - dt.timedelta(days=WINDOW_DAYS_BACK),
            ends_on=today + dt.timedelta(days=60),
            submission_deadline_days=DEADLINE_DAYS,
        )
    if connection.utility_account_field != UTILITY_ACCOUNT_FIELD:
        connection.utility_account_field = UTILITY_ACCOUNT_FIELD
        connection.save(update_fields=["utility_account_field"])
    tags = dict(TagType.objects.filter(connection=connection).values_list("name", "st_id"))
    job_types = dict(JobType.objects.filter(connection=connection).values_list("name", "st_id"))
    rule_name = f"Heat pump installs tagged “{REBATE_TAG}”"
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
            job_type_ids=[job_types[REBATE_JOB_TYPE]] if REBATE_JOB_TYPE in job_types else [],
            is_active=True,
        )
    return program


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
        connection_sync(connection_id=connection.pk, resources=["tag-types", "job-types"])
        tags = dict(TagType.objects.filter(connection=connection).values_list("name", "st_id"))
        with transaction.atomic():
            if connection.autofile_tag_type_id is None and "AutoFile" in tags:
                connection.autofile_tag_type_id = tags["AutoFile"]
                connection.save(update_fields=["autofile_tag_type_id"])
            demo_program_setup(organization=organization, connection=connection)
            connection_sync_request(connection=connection, queue=queues.SYNC)  # a backfill
        self.stdout.write(self.style.SUCCESS(f"Demo organization: {organization.name}"))
        self.stdout.write(f"  {listed} ENERGY STAR certified listings (fixture)")
        for username, _, _, role in USERS:
            self.stdout.write(f"  login {username:<12} password {PASSWORD:<15} ({role.label})")
