"""The whole path once: ServiceTitan → sync → import rule → packet → queue page.

Real PostgreSQL, real Redis, a real Celery worker, and the simulator over HTTP.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from django.test import Client
from django.urls import reverse

from autofile.accounts.models import Organization, User
from autofile.mirror.models import Connection, Job, SyncRun, TagType
from autofile.mirror.services import connection_upsert
from autofile.mirror.tasks import sync_connection, sync_due_connections
from autofile.packets.models import ImportRule, Packet, RebateProgram
from integrations.servicetitan.simulator import Simulator
from tests.waiting import wait_for

pytestmark = pytest.mark.slow


def test_a_job_tagged_in_servicetitan_becomes_a_packet_in_the_queue(
    simulator: tuple[Simulator, str],
    celery_worker: Any,
    organization: Organization,
    qa_user: User,
    client: Client,
) -> None:
    sim, base_url = simulator
    connection = connection_upsert(
        organization=organization,
        environment=Connection.Environment.CUSTOM,
        base_url=base_url,
        tenant_id=1000,
        client_id="sim-client-id",
        client_secret="sim-client-secret",
        app_key="sim-app-key",
    )
    # The first sync, through the worker, mirrors the tenant.
    sync_connection.delay(connection.pk)
    wait_for(
        lambda: SyncRun.objects.filter(
            connection=connection, resource="jobs", status=SyncRun.Status.SUCCEEDED
        ).exists()
    )
    rebate_needed = TagType.objects.get(connection=connection, name="Rebate Needed")
    program = RebateProgram.objects.create(
        organization=organization, name="Oncor heat pump", sponsor="Oncor", sponsor_type="utility"
    )
    ImportRule.objects.create(
        organization=organization,
        connection=connection,
        program=program,
        name="Rebate Needed",
        tag_type_ids=[rebate_needed.st_id],
        is_active=True,
    )
    job = (
        Job.objects.filter(connection=connection, active=True)
        .exclude(tag_type_ids__contains=[rebate_needed.st_id])
        .order_by("st_id")
        .first()
    )
    assert job is not None
    assert not Packet.objects.filter(job=job).exists()

    # An office user tags the job in ServiceTitan.
    response = httpx.post(
        f"{base_url}/_sim/jobs/{job.st_id}/tags", json={"tagTypeId": rebate_needed.st_id}
    )
    assert response.status_code == 200, response.text

    # Beat's next tick finds jobs due and the worker imports the tagged job.
    sync_due_connections.delay()
    packet = wait_for(lambda: Packet.objects.filter(job=job, program=program).first())
    assert packet.status == "new"

    client.force_login(qa_user)
    page = client.get(reverse("review:queue"), {"status": "new"}).content.decode()
    assert job.job_number in page
    assert f"#{packet.pk}<" in page

    # Running again changes nothing: one packet per (job, program).
    sync_connection.delay(connection.pk, ["jobs"], True)
    wait_for(
        lambda: SyncRun.objects.filter(
            connection=connection, resource="jobs", full=True, status=SyncRun.Status.SUCCEEDED
        ).exists()
    )
    assert Packet.objects.filter(job=job, program=program).count() == 1
