"""Rules and packets following real syncs: ServiceTitan → sync pages → packets → findings.

The simulator over HTTP, a real Celery worker, PostgreSQL and Redis.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from autofile.accounts.models import Organization
from autofile.mirror.models import (
    Connection,
    Estimate,
    Invoice,
    Job,
    JobAttachment,
    PricebookEquipment,
    TagType,
)
from autofile.mirror.services import connection_sync
from autofile.packets.models import Finding, Packet
from autofile.packets.selectors import rule_jobs
from autofile.packets.selectors.packets import packet_bundle
from autofile.packets.services import program_copy_example, program_update, rule_create
from integrations.servicetitan.simulator import Simulator
from tests.waiting import wait_for, worker_idle

pytestmark = pytest.mark.slow


def settled() -> bool:
    """The worker stayed idle for a moment: imports, document fetches, validations done."""
    for _ in range(5):
        if not worker_idle():
            return False
        time.sleep(0.2)
    return True


def test_syncs_import_matching_jobs_and_findings_follow_the_documents(
    simulator: tuple[Simulator, str],
    sim_connection: Connection,
    organization: Organization,
    celery_worker: Any,
) -> None:
    _, base_url = simulator
    connection_sync(connection_id=sim_connection.pk, resources=["tag-types", "equipment"])
    carrier = PricebookEquipment.objects.get(connection=sim_connection, code="HP-CAR-25VNA036")
    program = program_copy_example(organization=organization, key="utility_heat_pump")
    program_update(program=program, starts_on=None, ends_on=None)
    rule = rule_create(
        organization=organization,
        connection=sim_connection,
        program=program,
        name="Carrier 3-ton heat pumps",
        sku_ids=[carrier.st_id],
        is_active=True,
    )

    # The first full sync: invoice-item and estimate pages bring the matching jobs in.
    connection_sync(connection_id=sim_connection.pk)
    expected = set(rule_jobs(rule=rule).values_list("pk", flat=True))
    assert expected
    packets = list(Packet.objects.filter(program=program))
    assert {p.job_id for p in packets} == expected

    # An item added to another job's invoice in ServiceTitan: the next sync imports it.
    invoice = (
        Invoice.objects.filter(connection=sim_connection, job__job_status="Completed")
        .exclude(job_id__in=expected)
        .order_by("st_id")
        .first()
    )
    assert invoice is not None and invoice.job_id is not None
    answer = httpx.post(
        f"{base_url}/_sim/invoices/{invoice.st_id}/items", json={"skuId": carrier.st_id}
    )
    assert answer.status_code == 200, answer.text
    connection_sync(connection_id=sim_connection.pk, resources=["invoices", "invoice-items"])
    assert Packet.objects.filter(program=program, job_id=invoice.job_id).exists()

    # An estimate holding the SKU is sold: the estimates page imports its job.
    open_estimate = (
        Estimate.objects.filter(
            connection=sim_connection, status="Open", sku_ids__contains=[carrier.st_id]
        )
        .exclude(job_id__in=[*expected, invoice.job_id])
        .exclude(job__isnull=True)
        .first()
    )
    assert open_estimate is not None and open_estimate.job_id is not None
    sold = httpx.post(f"{base_url}/_sim/estimates/{open_estimate.st_id}/sell", json={})
    assert sold.status_code == 200, sold.text
    connection_sync(connection_id=sim_connection.pk, resources=["estimates"])
    assert Packet.objects.filter(program=program, job_id=open_estimate.job_id).exists()

    # A tag rule switched on runs over history in the worker.
    tagged = TagType.objects.get(connection=sim_connection, name="Rebate Needed")
    federal = program_copy_example(organization=organization, key="tech_statewide")
    tag_rule = rule_create(
        organization=organization,
        connection=sim_connection,
        program=federal,
        name="Rebate Needed",
        tag_type_ids=[tagged.st_id],
        is_active=True,
    )
    tag_jobs = set(rule_jobs(rule=tag_rule).values_list("pk", flat=True))
    assert tag_jobs
    wait_for(lambda: Packet.objects.filter(program=federal).count() == len(tag_jobs))

    # Workers fetch each packet's documents and validate it again once they are in.
    wait_for(settled, timeout=240)
    assert not Packet.objects.filter(program__in=[program, federal], validated_at=None).exists()
    for packet in Packet.objects.filter(program=program).select_related("job"):
        found = set(Finding.objects.filter(packet=packet).values_list("code", flat=True))
        # About a third of the simulator's locations have no utility account number.
        bundle = packet_bundle(organization=organization, packet_id=packet.pk)
        assert bundle is not None
        assert ("utility_account_missing" in found) == (not bundle.utility_account_number)
        files = set(
            JobAttachment.objects.filter(
                connection=sim_connection, job_st_id=packet.job.st_id
            ).values_list("file_name", flat=True)
        )
        has_certificate = any(name.startswith("ahri-certificate") for name in files)
        assert ("certificate_missing" in found) == (not has_certificate)
    assert not Job.objects.filter(pk__in=tag_jobs).exclude(packets__program=federal).exists()
