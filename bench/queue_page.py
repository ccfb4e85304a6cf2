"""How fast is the packet queue with 100,000 packets?

Seeds one organization with 100,000 packets (customers, install locations, jobs, packets
and their error findings, spread over six business units, four programs, five reviewers
and a year of imports) with `bulk_create` in batches, then asks for the queue page through
Django's test client (the whole request: middleware, session, selectors, template) for a
set of filter / sort / search combinations, and reports the server time per request
(median and 95th percentile over repeated requests) and the queries each one ran.

Run from the repository root against a database of its own (it migrates it, and keeps the
"Queue bench" organization for the next run unless ``--clean``)::

    set -a; . var/test.env; set +a
    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/autofile_bench
    .venv/bin/python bench/queue_page.py                       # 100,000 packets, 30 requests each
    .venv/bin/python bench/queue_page.py --packets 20000 --repeat 10
    .venv/bin/python bench/queue_page.py --explain             # also print each query's plan
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autofile.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection as database  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from autofile.accounts.models import Membership, Organization, Role, User  # noqa: E402
from autofile.mirror.models import BusinessUnit, Connection, Customer, Job, Location  # noqa: E402
from autofile.packets.models import (  # noqa: E402
    Finding,
    KickbackReason,
    Packet,
    PacketStatus,
    RebateProgram,
)

ORG_NAME = "Queue bench"
BATCH = 5_000
FIRST = [
    "Dana",
    "Luis",
    "Priya",
    "Marcus",
    "Keisha",
    "Tom",
    "Aiko",
    "Olu",
    "Rosa",
    "Ken",
    "Jamal",
    "Mei",
    "Sven",
    "Ana",
    "Raj",
    "Lena",
]
LAST = [
    "Whitfield",
    "Ortega",
    "Nair",
    "Bell",
    "Okafor",
    "Novak",
    "Sato",
    "Adeyemi",
    "Martinez",
    "Oduya",
    "Carter",
    "Chen",
    "Lindqvist",
    "Silva",
    "Patel",
    "Vogel",
    "Brooks",
    "Reyes",
    "Kim",
    "Ward",
]
STREETS = [
    "Elm",
    "Oak",
    "Pecan",
    "Cedar",
    "Mesquite",
    "Magnolia",
    "Willow",
    "Juniper",
    "Bluebonnet",
    "Hickory",
]
KINDS = ["St", "Ave", "Dr", "Ln", "Rd", "Ct", "Blvd", "Way"]
CITIES = [("Dallas", "752"), ("Plano", "750"), ("Fort Worth", "761"), ("Irving", "750")]
STATUSES = [  # share of packets per status
    (PacketStatus.NEW, 25),
    (PacketStatus.IN_REVIEW, 20),
    (PacketStatus.READY, 10),
    (PacketStatus.SUBMITTED, 15),
    (PacketStatus.APPROVED, 10),
    (PacketStatus.PAID, 15),
    (PacketStatus.WITHDRAWN, 3),
    (PacketStatus.REJECTED, 2),
]
MESSAGES = [
    "Missing serial number on unit 1 (Heat Pump: Carrier 25VNA036A003).",
    "Nameplate photo: no photo attached to the job.",
    "The e-mail address “noemail@” is not valid.",
    "Invoice 20050's total is $10,035.59, but its items come to $9,585.59.",
]


def log(message: str) -> None:
    print(message, flush=True)


def batches(rows: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def seed(count: int, rng: random.Random) -> Organization:
    """The bench organization with `count` packets (and their jobs, customers, locations)."""
    started = time.monotonic()
    organization = Organization.objects.create(name=ORG_NAME)
    connection = Connection.objects.create(
        organization=organization,
        name="Bench tenant",
        environment=Connection.Environment.CUSTOM,
        base_url="http://127.0.0.1:9",
        tenant_id=rng.randrange(10**9),
        app_key="bench",
        client_id="bench",
        client_secret="bench",
    )
    now = timezone.now()
    mirror = {"organization": organization, "connection": connection, "synced_at": now}
    units = BusinessUnit.objects.bulk_create(
        BusinessUnit(st_id=900 + n, name=name, raw={}, **mirror)
        for n, name in enumerate(
            ["HVAC Install", "HVAC Service", "Plumbing", "Electrical", "Insulation", "Solar"]
        )
    )
    programs = [
        RebateProgram.objects.create(organization=organization, name=name, sponsor=sponsor)
        for name, sponsor in (
            ("Oncor residential heat pump", "Oncor"),
            ("CenterPoint HVAC", "CenterPoint"),
            ("Federal 25C tax credit", "IRS"),
            ("Texas Weatherization", "State of Texas"),
        )
    ]
    reasons = [
        KickbackReason.objects.create(
            organization=organization, program=program, code="PHOTO", label="Photo illegible"
        )
        for program in programs
    ]
    reviewers = []
    for n in range(5):
        user = User.objects.create_user(
            username=f"queue-bench-{organization.pk}-{n}",
            email=f"queue-bench-{organization.pk}-{n}@example.com",
            first_name=FIRST[n],
            last_name=LAST[n],
        )
        Membership.objects.create(user=user, organization=organization, role=Role.QA)
        reviewers.append(user)

    customers, locations, jobs = [], [], []
    for n in range(count):
        city, zip3 = CITIES[n % len(CITIES)]
        street = f"{100 + n % 9_000} {rng.choice(STREETS)} {rng.choice(KINDS)}"
        zip_code = f"{zip3}{n % 100:02d}"
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        customers.append(
            Customer(
                st_id=10_000_000 + n,
                name=name,
                street=street,
                city=city,
                state="TX",
                zip=zip_code,
                raw={},
                **mirror,
            )
        )
        locations.append(
            Location(
                st_id=20_000_000 + n,
                customer_st_id=10_000_000 + n,
                street=street,
                city=city,
                state="TX",
                zip=zip_code,
                raw={},
                **mirror,
            )
        )
    for rows in batches(customers):
        Customer.objects.bulk_create(rows)
    for location, customer in zip(locations, customers, strict=True):
        location.customer = customer
    for rows in batches(locations):
        Location.objects.bulk_create(rows)
    log(f"  customers and locations: {time.monotonic() - started:.1f} s")
    for n in range(count):
        unit = units[n % len(units)]
        jobs.append(
            Job(
                st_id=40_000_000 + n,
                job_number=str(100_000 + n),
                customer=customers[n],
                customer_st_id=customers[n].st_id,
                location=locations[n],
                location_st_id=locations[n].st_id,
                business_unit=unit,
                business_unit_st_id=unit.st_id,
                job_status="Completed",
                completed_on=now - timezone.timedelta(days=n % 400),
                raw={},
                **mirror,
            )
        )
    for rows in batches(jobs):
        Job.objects.bulk_create(rows)
    log(f"  jobs: {time.monotonic() - started:.1f} s")

    weights = [w for _, w in STATUSES]
    packets = []
    for n, job in enumerate(jobs):
        status = rng.choices([s for s, _ in STATUSES], weights)[0]
        errors = rng.choice((0, 0, 0, 1, 2, 3)) if status in ("new", "in_review") else 0
        kicked = rng.random() < 0.05
        program = programs[n % len(programs)]
        packets.append(
            Packet(
                organization=organization,
                job=job,
                program=program,
                status=status,
                assignee=rng.choice(reviewers) if rng.random() < 0.6 else None,
                error_count=errors,
                warning_count=rng.choice((0, 0, 1)),
                validated_at=now,
                estimated_amount=Decimal(rng.choice((300, 500, 750, 1200, 2000))),
                kickback_count=1 if kicked else 0,
                kickback_reason=reasons[programs.index(program)] if kicked else None,
            )
        )
    for rows in batches(packets):
        Packet.objects.bulk_create(rows)
    findings = [
        Finding(
            organization=organization,
            packet=packet,
            code="bench",
            severity="error",
            message=rng.choice(MESSAGES),
            subject="equipment",
        )
        for packet in packets
        for _ in range(packet.error_count)
    ]
    for rows in batches(findings):
        Finding.objects.bulk_create(rows)
    with database.cursor() as cursor:  # imported over the last year
        cursor.execute(
            "UPDATE packets_packet SET created_at = now() - (id %% 365) * interval '1 day'"
            " - (id %% 1440) * interval '1 minute' WHERE organization_id = %s",
            [organization.pk],
        )
        for table in (
            "packets_packet",
            "packets_finding",
            "mirror_job",
            "mirror_customer",
            "mirror_location",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    log(f"  packets and {len(findings):,} findings: {time.monotonic() - started:.1f} s")
    return organization


def remove(organization: Organization) -> None:
    with transaction.atomic():
        User.objects.filter(memberships__organization=organization).delete()
        Finding.objects.filter(organization=organization).delete()
        Packet.objects.filter(organization=organization).delete()
        organization.delete()


def timed(client: Client, path: str, repeat: int, explain: bool) -> tuple[list[float], int]:
    for _ in range(3):  # warm caches and connections
        assert client.get(path).status_code == 200
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(database) as queries:
        client.get(path)
    if explain:
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        with database.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + slowest["sql"])
            log("\n".join(row[0] for row in cursor.fetchall()))
    return times, len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--packets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query")
    parser.add_argument("--clean", action="store_true", help="delete the bench organization after")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    organization = Organization.objects.filter(name=ORG_NAME).first()
    if organization is not None and Packet.objects.filter(organization=organization).count() != (
        args.packets
    ):
        log("Removing the bench organization of another size…")
        remove(organization)
        organization = None
    if organization is None:
        log(f"Seeding {args.packets:,} packets…")
        organization = seed(args.packets, rng)
    reviewer = Membership.objects.filter(organization=organization).select_related("user").first()
    assert reviewer is not None
    program = RebateProgram.objects.filter(organization=organization).order_by("pk").first()
    unit = BusinessUnit.objects.filter(organization=organization).order_by("pk").first()
    assert program is not None and unit is not None
    customer = Customer.objects.filter(organization=organization).order_by("pk")[1234]
    job = Job.objects.filter(organization=organization).order_by("pk")[4321]

    # Not setup_test_environment(): its template instrumentation doubles rendering time.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(reviewer.user)
    pages = max(1, Packet.objects.filter(organization=organization).count() // 50)
    cases = [
        ("open packets, oldest first (default)", "/packets/"),
        ("all packets, newest first", "/packets/?status=all&sort=age"),
        ("all packets, page 1000", f"/packets/?status=all&page={min(1000, pages)}"),
        ("status in review, most errors first", "/packets/?status=in_review&sort=-errors"),
        ("assignee me, has errors", "/packets/?assignee=me&has_errors=1"),
        ("unassigned, 8 to 30 days old", "/packets/?assignee=none&age=month"),
        (
            "program + business unit, by customer",
            f"/packets/?status=all&program={program.pk}&business_unit={unit.pk}&sort=customer",
        ),
        ("kicked back, by amount", "/packets/?status=all&kicked_back=1&sort=-amount"),
        ("search customer name", f"/packets/?status=all&q={customer.name.split()[1][:5]}"),
        ("search job number", f"/packets/?status=all&q={job.job_number}"),
        ("search street", f"/packets/?status=all&q={customer.street.split()[1]}"),
        ("sort by status, all", "/packets/?status=all&sort=status"),
    ]
    total = Packet.objects.filter(organization=organization).count()
    log(f"\n{total:,} packets; {args.repeat} requests per case (after 3 warm-up)\n")
    log(f"| {'case':<40} | median ms | p95 ms | queries |")
    log(f"|{'-' * 42}|----------:|-------:|--------:|")
    for label, path in cases:
        times, queries = timed(client, path, args.repeat, args.explain)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
        log(f"| {label:<40} | {statistics.median(times):9.1f} | {p95:6.1f} | {queries:7d} |")

    if args.clean:
        remove(organization)
        log("Removed the bench organization.")


if __name__ == "__main__":
    main()
