"""Following the inputs of packets: findings are never stale.

Whatever changes an input of a packet's findings marks the packet in the same
transaction (`inputs_changed_at`, set-wise) and has it re-validated: the sync's pages
(`packets_mirror_changed`, registered with the mirror's hooks in PacketsConfig.ready(),
called inside each page's transaction) and the documents fetched for packets re-validate
in workers after commit; corrections, homeowner input (`packets_inputs_changed`) at once.
Jobs, invoices, invoice items and estimates can also make a job match a rule, so their
pages run the import rules over the jobs they belong to. A packet whose inputs changed
after its findings were computed is stale (`Packet.findings_stale`): the packet page and
"mark ready" / "submit" validate it again before anyone acts on it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection as db
from django.db import models, transaction
from django.db.models import QuerySet

from autofile.accounts.models import Organization
from autofile.mirror.models import (
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
    LocationContact,
    Payment,
    PricebookEquipment,
    ServiceAgreement,
)
from autofile.packets.inputs import IMPORT_INPUTS, JOB_INPUTS, PER_JOB_INPUTS, VALIDATION_INPUTS
from autofile.packets.models import FINAL_STATUSES, OPEN_STATUSES, Packet
from autofile.packets.services.dates import packets_set_dates
from autofile.packets.services.rules import active_rules, packets_import
from autofile.packets.services.validation import packets_validate, packets_validate_in_workers


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
    elif resource == "estimate-items":
        estimates = EstimateItem.objects.filter(pk__any=ids).values("estimate_st_id")
        st_ids = Estimate.objects.filter(connection=connection, st_id__in=estimates).values(
            "job_st_id"
        )
    elif resource == "form-submissions":
        st_ids = FormSubmission.objects.filter(pk__any=ids).values("job_st_id")
    elif resource == "job-attachments":
        st_ids = JobAttachment.objects.filter(pk__any=ids).values("job_st_id")
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


_MARK_SQL = f"""
UPDATE {Packet._meta.db_table} SET inputs_changed_at = clock_timestamp()
WHERE id IN (
    SELECT id FROM {Packet._meta.db_table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE
)
"""  # noqa: S608 (the table name only)


def packets_mark_changed(packet_ids: list[int]) -> None:
    """Record that an input of these packets changed (now, by the database's clock: the
    one `validated_at` is read from), in the caller's transaction. Rows are locked in id
    order, as validation locks them, so markers and validations never deadlock; a marker
    waiting for a validation's lock marks the packet after that validation's time."""
    if packet_ids:
        with db.cursor() as cursor:
            cursor.execute(_MARK_SQL, [sorted(set(packet_ids))])


def packets_revalidate_on_commit(packet_ids: list[int]) -> None:
    """Mark these packets changed now and re-validate them in a worker once the current
    transaction commits."""
    if not packet_ids:
        return
    ids = sorted(set(packet_ids))
    packets_mark_changed(ids)
    transaction.on_commit(lambda: packets_validate_in_workers(ids))


def packets_inputs_changed(
    *,
    organization: Organization,
    packet_ids: Iterable[int] = (),
    job_ids: Iterable[int] = (),
    customer_ids: Iterable[int] = (),
    location_ids: Iterable[int] = (),
) -> int:
    """Records AutoFile changed itself (a correction, the homeowner's answer, a document
    AutoFile holds) are inputs of these packets and of those whose job, customer or
    install location they are (mirror pks): mark them and validate them now (the
    caller's user sees the result on the next page). Filed packets keep their findings.
    Returns the packets validated."""
    match = models.Q(pk__in=list(packet_ids)) | models.Q(job_id__in=list(job_ids))
    if customer_ids:
        match |= models.Q(job__customer_id__in=list(customer_ids))
    if location_ids:
        match |= models.Q(job__location_id__in=list(location_ids))
    ids = sorted(
        Packet.objects.filter(match, organization=organization)
        .exclude(status__in=FINAL_STATUSES)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    packets_mark_changed(ids)
    return packets_validate(packet_ids=ids)


def packets_mirror_changed(*, connection: Connection, resource: str, ids: list[int]) -> int:
    """A synced page of `resource` inserted or changed these mirror rows (their pks).

    Runs the import rules over the jobs they belong to (for resources rules look at),
    and marks the open packets they concern and re-validates them after commit. Returns
    packets created. A connection with no active rule and no open packet (a first
    backfill) costs two queries per page (loading its active rules, which finds none, and
    an EXISTS).
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
    if resource in PER_JOB_INPUTS:
        # One job's documents: marked now, validated once all the fetched jobs' are in.
        packets_mark_changed(affected)
    else:
        packets_revalidate_on_commit(affected)
    return created


def packets_documents_fetched(*, connection: Connection, job_ids: list[int]) -> None:
    """The documents of these jobs are in: re-validate their open packets in workers
    (after commit)."""
    ids = list(_open_packets(connection).filter(job_id__any=job_ids).values_list("pk", flat=True))
    packets_revalidate_on_commit(ids)


def page_synced(connection: Connection, resource: str, ids: list[int]) -> None:
    """The mirror's hook (autofile/mirror/hooks.py) for the resources packets follow."""
    packets_mirror_changed(connection=connection, resource=resource, ids=ids)


def documents_fetched(connection: Connection, job_ids: list[int]) -> None:
    """The mirror's hook for the documents fetched for packets' jobs."""
    packets_documents_fetched(connection=connection, job_ids=job_ids)
