"""How fast does AutoFile re-validate packets, chunk by chunk against packet by packet?

Seeds one organization with 100,000 packets of the "utility heat pump" example program
(``--packets``), each on a job with what a real heat-pump install carries in the mirror:
customer, install location (2 % share a street and ZIP with another location record, so the
repeat-filing check finds earlier packets), two contacts, an invoice with three items and
its payment, a sold estimate with its items, two installed units linked to the invoice
items and to pricebook equipment with ratings, a completed form and two attachments
(about 1.8 million rows, `bulk_create` in 5,000-row batches). Then, in one run:

1. per packet: ``packet_validate`` on each of a sample of packets (``--sample``): one
   transaction and one bundle per packet, the way validation ran before it was chunked;
   and the old repeat-filing lookup (one query ORing "same location" and "same street and
   ZIP" across the join) on a few of them, for comparison with the chunk's;
2. chunked: ``packets_validate`` over every packet (200 a transaction), packets/s and the
   queries of one chunk;
   and the same in ``--processes`` forked processes (2: one validation worker per core);
3. a program edit: ``program_update`` marks every open packet of the program in the
   editor's transaction, then the re-validation of all of them by those processes.

Run from the repository root against a database of its own (it migrates it and keeps the
"Validation bench" organization for the next run unless ``--clean``)::

    set -a; . var/test.env; set +a
    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/autofile_validation_bench
    .venv/bin/python bench/validation.py                    # 100,000 packets
    .venv/bin/python bench/validation.py --packets 20000 --sample 500
"""

from __future__ import annotations

import argparse
import multiprocessing
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

from django.core.management import call_command  # noqa: E402
from django.db import connection as database  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.db.models import F, Q  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from autofile.accounts.models import Organization  # noqa: E402
from autofile.mirror.models import (  # noqa: E402
    Connection,
    Customer,
    CustomerContact,
    Estimate,
    EstimateItem,
    FormSubmission,
    InstalledEquipment,
    Invoice,
    InvoiceItem,
    Job,
    JobAttachment,
    Location,
    Payment,
    PricebookEquipment,
)
from autofile.packets.models import Finding, Packet, PacketStatus, RebateProgram  # noqa: E402
from autofile.packets.services import (  # noqa: E402
    packet_validate,
    packets_validate,
    program_copy_example,
    program_update,
)
from autofile.packets.services.validation import CHUNK, _validate_chunk  # noqa: E402
from autofile.packets.tasks import validate_packets  # noqa: E402

ORG_NAME = "Validation bench"
BATCH = 5_000
STREETS = ["Elm", "Oak", "Pecan", "Cedar", "Mesquite", "Magnolia", "Willow", "Juniper"]
KINDS = ["St", "Ave", "Dr", "Ln", "Rd", "Ct"]


def log(message: str) -> None:
    print(message, flush=True)


def batches(rows: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def store(model: Any, rows: list[Any]) -> None:
    for part in batches(rows):
        model.objects.bulk_create(part)


def seed(count: int, rng: random.Random) -> Organization:
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
    skus = [
        PricebookEquipment(
            st_id=11_000 + n,
            code=f"HP-BENCH-{n}",
            display_name=f"Heat Pump {n} Ton",
            manufacturer="Carrier",
            model=f"25VNA0{30 + n}A003",
            efficiency_ratings={"SEER2": str(16 + n), "HSPF2": "8.1", "EER2": "12"},
            price=Decimal("9800.00"),
            raw={},
            **mirror,
        )
        for n in range(6)
    ]
    store(PricebookEquipment, skus)
    program = program_copy_example(organization=organization, key="utility_heat_pump")
    program_update(program=program, starts_on=None, ends_on=None)

    customers, locations, jobs = [], [], []
    for n in range(count):
        twin = n % 50 == 49  # 2 %: the address of the packet before, on another record
        street = f"{100 + (n - 1 if twin else n) % 9_000} {STREETS[n % 8]} {KINDS[n % 6]}"
        zip_code = f"75{(n - 1 if twin else n) % 1000:03d}"
        customers.append(
            Customer(
                st_id=10_000_000 + n,
                name=f"Homeowner {n}",
                street=street,
                city="Dallas",
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
                street=street.upper() if twin else street,
                city="Dallas",
                state="TX",
                zip=zip_code,
                raw={"customFields": [{"name": "Utility Account Number", "value": f"UA{n}"}]},
                **mirror,
            )
        )
    store(Customer, customers)
    for location, customer in zip(locations, customers, strict=True):
        location.customer = customer
    store(Location, locations)
    for n in range(count):
        jobs.append(
            Job(
                st_id=40_000_000 + n,
                job_number=str(100_000 + n),
                customer=customers[n],
                customer_st_id=customers[n].st_id,
                location=locations[n],
                location_st_id=locations[n].st_id,
                job_status="Completed",
                completed_on=now - timezone.timedelta(days=3 + n % 300),
                raw={},
                **mirror,
            )
        )
    store(Job, jobs)
    log(f"  customers, locations, jobs: {time.monotonic() - started:.1f} s")

    contacts, invoices, items, payments, estimates, estimate_items = [], [], [], [], [], []
    units, forms, attachments = [], [], []
    for n, job in enumerate(jobs):
        customer = customers[n]
        contacts += [
            CustomerContact(
                st_id=50_000_000 + 2 * n,
                customer=customer,
                customer_st_id=customer.st_id,
                contact_type="Phone",
                value=f"214555{n % 10_000:04d}",
                raw={},
                **mirror,
            ),
            CustomerContact(
                st_id=50_000_001 + 2 * n,
                customer=customer,
                customer_st_id=customer.st_id,
                contact_type="Email",
                value=f"homeowner{n}@example.com",
                raw={},
                **mirror,
            ),
        ]
        invoice_st_id = 60_000_000 + n
        prices = [Decimal("9800.00"), Decimal("4200.00"), Decimal("650.00")]
        total = sum(prices, Decimal(0))
        invoices.append(
            Invoice(
                st_id=invoice_st_id,
                job=job,
                job_st_id=job.st_id,
                reference_number=job.job_number,
                invoice_date=job.completed_on,
                sub_total=total,
                sales_tax=Decimal("0.00"),
                total=total,
                balance=Decimal("0.00"),
                raw={},
                **mirror,
            )
        )
        sku = skus[n % len(skus)]
        for line, price in enumerate(prices):
            items.append(
                InvoiceItem(
                    st_id=70_000_000 + 3 * n + line,
                    invoice_st_id=invoice_st_id,
                    sku_st_id=sku.st_id if line < 2 else 99_000,
                    sku_name=sku.code if line < 2 else "LINESET-25",
                    display_name=sku.display_name if line < 2 else "Line set",
                    item_type="Equipment" if line < 2 else "Material",
                    order=line,
                    quantity=Decimal("1.0000"),
                    unit_price=price,
                    total=price,
                    raw={},
                    **mirror,
                )
            )
        payments.append(
            Payment(
                st_id=80_000_000 + n,
                customer_st_id=customer.st_id,
                invoice_ids=[invoice_st_id],
                total=total,
                paid_on=job.completed_on,
                raw={},
                **mirror,
            )
        )
        item_ids = [90_000_000 + 2 * n, 90_000_001 + 2 * n]
        estimates.append(
            Estimate(
                st_id=85_000_000 + n,
                job=job,
                job_st_id=job.st_id,
                name="Best: heat pump",
                status="Sold",
                sold_on=job.completed_on,
                item_ids=item_ids,
                sku_ids=[sku.st_id],
                raw={},
                **mirror,
            )
        )
        estimate_items += [
            EstimateItem(
                st_id=st_id,
                estimate_st_id=85_000_000 + n,
                sku_st_id=sku.st_id,
                sku_type="Equipment",
                quantity=Decimal("1.0000"),
                raw={},
                **mirror,
            )
            for st_id in item_ids
        ]
        for line in range(2):
            units.append(
                InstalledEquipment(
                    st_id=95_000_000 + 2 * n + line,
                    location=locations[n],
                    location_st_id=locations[n].st_id,
                    equipment=sku,
                    equipment_st_id=sku.st_id,
                    invoice_item_st_id=70_000_000 + 3 * n + line,
                    name=sku.display_name,
                    equipment_type="Heat Pump" if line == 0 else "Air Handler",
                    manufacturer="Carrier",
                    model=sku.model,
                    serial_number=f"2521E{n:06d}{line}",
                    installed_on=job.completed_on,
                    status="Installed",
                    raw={},
                    **mirror,
                )
            )
        forms.append(
            FormSubmission(
                st_id=97_000_000 + n,
                form_name="Heat Pump Install Checklist",
                job=job,
                job_st_id=job.st_id,
                submitted_on=job.completed_on,
                status="Completed",
                raw={},
                **mirror,
            )
        )
        attachments += [
            JobAttachment(
                st_id=98_000_000 + 2 * n + k,
                job=job,
                job_st_id=job.st_id,
                file_name=name,
                content_type="image/jpeg" if k == 0 else "application/pdf",
                created_on=job.completed_on,
                raw={},
                **mirror,
            )
            for k, name in enumerate(("nameplate-outdoor.jpg", "ahri-certificate.pdf"))
        ]
    for model, rows in (
        (CustomerContact, contacts),
        (Invoice, invoices),
        (InvoiceItem, items),
        (Payment, payments),
        (Estimate, estimates),
        (EstimateItem, estimate_items),
        (InstalledEquipment, units),
        (FormSubmission, forms),
        (JobAttachment, attachments),
    ):
        store(model, rows)
        log(f"  {model.__name__}: {len(rows):,} ({time.monotonic() - started:.1f} s)")
    store(
        Packet,
        [Packet(organization=organization, job=job, program=program) for job in jobs],
    )
    with database.cursor() as cursor:
        for model in (
            Packet,
            Job,
            Location,
            Customer,
            CustomerContact,
            Invoice,
            InvoiceItem,
            Payment,
            Estimate,
            EstimateItem,
            InstalledEquipment,
            FormSubmission,
            JobAttachment,
        ):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    log(f"  packets: {time.monotonic() - started:.1f} s")
    return organization


def remove(organization: Organization) -> None:
    with transaction.atomic():
        Finding.objects.filter(organization=organization).delete()
        Packet.objects.filter(organization=organization).delete()
        organization.delete()


def old_earlier_packets(packet: Packet) -> list[Packet]:
    """The repeat-filing lookup as validation ran it per packet before chunking."""
    job, location = packet.job, packet.job.location
    same = Q(job__connection_id=job.connection_id, job__location_st_id=job.location_st_id)
    if location is not None and location.street and location.zip:
        same |= Q(
            job__location__street__iexact=location.street.strip(),
            job__location__zip=location.zip.strip(),
        )
    return list(
        Packet.objects.filter(same, organization_id=packet.organization_id)
        .filter(program_id=packet.program_id)
        .exclude(pk=packet.pk)
        .exclude(status__in=[PacketStatus.WITHDRAWN, PacketStatus.REJECTED])
        .select_related("job")
        .order_by("job__completed_on", "pk")
    )


def _validate_share(share: list[int]) -> None:
    packets_validate(packet_ids=share)


def in_processes(ids: list[int], processes: int) -> float:
    """Validate `ids` in `processes` forked processes, chunk by chunk in turn (as workers
    of the validation queue take tasks); the wall time."""
    chunks = [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
    shares = [[i for chunk in chunks[n::processes] for i in chunk] for n in range(processes)]
    connections.close_all()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(_validate_share, shares)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--packets", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=1_000, help="packets validated one by one")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--processes", type=int, default=2, help="validation workers")
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
    program = RebateProgram.objects.get(organization=organization)
    ids = list(
        Packet.objects.filter(organization=organization).order_by("pk").values_list("pk", flat=True)
    )
    Packet.objects.filter(pk__in=ids).update(status=PacketStatus.NEW)

    # 1. packet by packet
    sample = rng.sample(ids, min(args.sample, len(ids)))
    packets = list(Packet.objects.filter(pk__in=sample).select_related("job__location"))
    started = time.perf_counter()
    for packet in packets:
        packet_validate(packet=packet)
    one_by_one = len(packets) / (time.perf_counter() - started)
    with CaptureQueriesContext(database) as queries:
        packet_validate(packet=packets[0])
    per_packet_queries = len(queries.captured_queries)
    timings = []
    for packet in packets[:50]:
        started = time.perf_counter()
        old_earlier_packets(packet)
        timings.append((time.perf_counter() - started) * 1000)
    old_lookup_ms = statistics.median(timings)
    log(
        f"\nper packet: {one_by_one:,.0f} packets/s over {len(packets):,} "
        f"({per_packet_queries} queries a packet); the old OR lookup of earlier packets: "
        f"{old_lookup_ms:.1f} ms a packet (median of {len(timings)})"
    )

    # 2. chunked, every packet
    programs: dict[int, RebateProgram] = {}
    chunk = ids[len(ids) // 2 : len(ids) // 2 + CHUNK]
    _validate_chunk(chunk, programs, open_only=True)  # warm
    with CaptureQueriesContext(database) as queries:
        started = time.perf_counter()
        _validate_chunk(chunk, programs, open_only=True)
        chunk_ms = (time.perf_counter() - started) * 1000
    chunk_queries = len(queries.captured_queries)
    earlier = [q for q in queries.captured_queries if "UNION" in q["sql"]]
    earlier_ms = sum(float(q["time"]) for q in earlier) * 1000
    started = time.perf_counter()
    done = packets_validate(packet_ids=ids)
    elapsed = time.perf_counter() - started
    log(
        f"chunked, one process: {done / elapsed:,.0f} packets/s, {done:,} packets in "
        f"{elapsed:.1f} s; a chunk of {CHUNK}: {chunk_queries} queries, {chunk_ms:.0f} ms "
        f"(earlier packets: {earlier_ms:.1f} ms)"
    )
    if args.processes > 1:
        elapsed = in_processes(ids, args.processes)
        log(
            f"chunked, {args.processes} processes (validation workers): "
            f"{len(ids) / elapsed:,.0f} packets/s, {len(ids):,} packets in {elapsed:.1f} s"
        )
    errors = Packet.objects.filter(organization=organization, error_count__gt=0).count()
    findings = Finding.objects.filter(organization=organization).count()
    log(f"  packets with errors: {errors:,}; findings: {findings:,}")

    # 3. a program edit (the tasks it queues for workers are counted, not sent)
    queued: list[list[int]] = []
    validate_packets.delay = queued.append  # type: ignore[method-assign]
    started = time.perf_counter()
    with transaction.atomic():
        program_update(program=program, description=f"Edited {timezone.now():%H:%M:%S}")
    marked = time.perf_counter() - started
    stale = Packet.objects.filter(
        organization=organization, validated_at__lt=F("inputs_changed_at")
    ).count()
    revalidated = in_processes(ids, args.processes)
    log(
        f"program edit: {stale:,} packets marked in {marked:.1f} s (the editor's request), "
        f"{len(queued)} validation tasks queued; "
        f"re-validated in {revalidated:.0f} s ({revalidated / 60:.1f} min) by "
        f"{args.processes} processes"
    )

    if args.clean:
        remove(organization)
        log("Removed the bench organization.")


if __name__ == "__main__":
    main()
