from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from autofile.mirror.models import Connection, Job
from autofile.mirror.tasks import fetch_packet_documents
from autofile.packets.models import ImportRule, Packet


def packets_import(*, connection: Connection, job_ids: Iterable[int] | None = None) -> int:
    """Run the connection's active import rules and create the packets they call for.

    Works on the given mirrored jobs, or on all of them (a rule's history). A (job,
    program) pair becomes at most one packet however often this runs: the unique
    constraint decides, so concurrent runs cannot double up. Returns packets created.
    """
    rules = ImportRule.objects.filter(connection=connection, is_active=True).select_related(
        "program"
    )
    ids = None if job_ids is None else list(job_ids)
    created_job_ids: list[int] = []
    for rule in rules:
        if not rule.tag_type_ids:
            continue
        jobs = Job.objects.filter(
            connection=connection, active=True, tag_type_ids__overlap=rule.tag_type_ids
        )
        if ids is not None:
            jobs = jobs.filter(pk__in=ids)
        existing = set(
            Packet.objects.filter(program=rule.program, job__in=jobs).values_list(
                "job_id", flat=True
            )
        )
        new = [
            Packet(
                organization_id=connection.organization_id,
                job_id=job_id,
                program=rule.program,
                rule=rule,
            )
            for job_id in jobs.values_list("pk", flat=True)
            if job_id not in existing
        ]
        Packet.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        created_job_ids.extend(packet.job_id for packet in new)
    if created_job_ids:
        # Their documents (form submissions, attachments) are mirrored for packets only.
        transaction.on_commit(
            lambda: fetch_packet_documents.delay(connection.pk, sorted(set(created_job_ids)))
        )
    return len(created_job_ids)
