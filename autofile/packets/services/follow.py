"""Following the mirror: what a synced page means for rules and packets.

The sync calls `packets_mirror_changed` inside each page's transaction (mirror AFTER_PAGE)
with the mirror row ids the page inserted or changed. Jobs, invoices, invoice items and
estimates can make a job match a rule, so they run the import rules over the jobs they
belong to; everything a packet's validation reads re-validates the open packets it
concerns, in a worker after commit.
"""

from __future__ import annotations

from django.db import connection as db
from django.db import transaction
from django.db.models import QuerySet

from autofile.mirror.models import (
    Connection,
    Customer,
    CustomerContact,
    Estimate,
    InstalledEquipment,
    Invoice,
    InvoiceItem,
    Job,
    Location,
    LocationContact,
    Payment,
    PricebookEquipment,
    ServiceAgreement,
)
from autofile.packets.inputs import IMPORT_INPUTS, JOB_INPUTS, VALIDATION_INPUTS
from autofile.packets.models import OPEN_STATUSES, Packet
from autofile.packets.services.dates import packets_set_dates
from autofile.packets.services.rules import active_rules, packets_import
from autofile.packets.services.validation import packets_validate_in_workers


def _job_ids_for(connection: Connection, resource: str, ids: list[int]) -> list[int]:
    """The mirror pks of the jobs the changed rows of `resource` belong to."""
    if resource == "jobs":
        return ids
    jobs = Job.objects.filter(connection=connection)
    if resource == "invoices":
        st_ids: QuerySet = Invoice.objects.filter(pk__any=ids).values("job_st_id")
    elif resource == "invoice-items":
        invoices = InvoiceItem.objects.filter(pk__any=ids).values("invoice_st_id")
        st_ids = Invoice.objects.filter(connection=connection, st_id__in=invoices).values(
            "job_st_id"
        )
    elif resource == "estimates":
        st_ids = Estimate.objects.filter(pk__any=ids).values("job_st_id")
    elif resource == "payments":
        with db.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT unnest(invoice_ids) FROM {Payment._meta.db_table} "  # noqa: S608
                "WHERE id = ANY(%s)",
                [ids],
            )
            invoice_st_ids = [row[0] for row in cursor.fetchall()]
        st_ids = Invoice.objects.filter(connection=connection, st_id__any=invoice_st_ids).values(
            "job_st_id"
        )
    else:
        return []
    return list(jobs.filter(st_id__in=st_ids).values_list("pk", flat=True))


def _open_packets(connection: Connection) -> QuerySet[Packet]:
    return Packet.objects.filter(
        organization_id=connection.organization_id,
        job__connection=connection,
        status__in=OPEN_STATUSES,
    )


def _affected_packets(
    connection: Connection, resource: str, ids: list[int], job_ids: list[int] | None
) -> list[int]:
    """The open packets whose validation reads the changed rows of `resource` (`job_ids`:
    the jobs those rows belong to, for the resources that belong to jobs)."""
    packets = _open_packets(connection)
    if job_ids is not None:
        packets = packets.filter(job_id__any=job_ids)
    elif resource == "customers":
        packets = packets.filter(
            job__customer_st_id__in=Customer.objects.filter(pk__any=ids).values("st_id")
        )
    elif resource == "customer-contacts":
        packets = packets.filter(
            job__customer_st_id__in=CustomerContact.objects.filter(pk__any=ids).values(
                "customer_st_id"
            )
        )
    elif resource == "locations":
        packets = packets.filter(
            job__location_st_id__in=Location.objects.filter(pk__any=ids).values("st_id")
        )
    elif resource == "location-contacts":
        packets = packets.filter(
            job__location_st_id__in=LocationContact.objects.filter(pk__any=ids).values(
                "location_st_id"
            )
        )
    elif resource == "installed-equipment":
        packets = packets.filter(
            job__location_st_id__in=InstalledEquipment.objects.filter(pk__any=ids).values(
                "location_st_id"
            )
        )
    elif resource == "equipment":
        skus = PricebookEquipment.objects.filter(pk__any=ids).values("st_id")
        packets = packets.filter(
            job__location_st_id__in=InstalledEquipment.objects.filter(
                connection=connection, equipment_st_id__in=skus
            ).values("location_st_id")
        )
    elif resource == "service-agreements":
        with db.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT unnest(location_ids) FROM {ServiceAgreement._meta.db_table} "  # noqa: S608
                "WHERE id = ANY(%s)",
                [ids],
            )
            location_st_ids = [row[0] for row in cursor.fetchall()]
        packets = packets.filter(job__location_st_id__any=location_st_ids)
    else:
        return []
    return list(packets.values_list("pk", flat=True).distinct())


def packets_revalidate_on_commit(packet_ids: list[int]) -> None:
    """Re-validate these packets in a worker once the current transaction commits."""
    if not packet_ids:
        return
    ids = sorted(set(packet_ids))
    transaction.on_commit(lambda: packets_validate_in_workers(ids))


def packets_mirror_changed(*, connection: Connection, resource: str, ids: list[int]) -> int:
    """A synced page of `resource` inserted or changed these mirror rows (their pks).

    Runs the import rules over the jobs they belong to (for resources rules look at),
    and re-validates the open packets they concern after commit. Returns packets created.
    A connection with no active rule and no open packet (a first backfill) costs two
    queries per page (loading its active rules, which finds none, and an EXISTS).
    """
    if not ids:
        return 0
    rules = list(active_rules(connection)) if resource in IMPORT_INPUTS else []
    validates = resource in VALIDATION_INPUTS and _open_packets(connection).exists()
    if not (rules or validates):
        return 0
    job_ids = _job_ids_for(connection, resource, ids) if resource in JOB_INPUTS else None
    # Before the import: the packets it creates are queued for validation by the import.
    affected = _affected_packets(connection, resource, ids, job_ids) if validates else []
    if resource == "jobs":
        # A job's completion moved: its packets' install date and deadline follow at once.
        packets_set_dates(job_ids=ids)
    created = 0
    if rules and job_ids:
        created = packets_import(connection=connection, job_ids=job_ids, rules=rules)
    packets_revalidate_on_commit(affected)
    return created
