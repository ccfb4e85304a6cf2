"""The sync engine against the simulator: exact mirrors, incremental changes, faults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import redis
from django.conf import settings
from django.utils import timezone

from autofile.mirror.models import (
    Connection,
    Customer,
    Job,
    JobAttachment,
    QuarantinedRecord,
    SyncRun,
    SyncState,
)
from autofile.mirror.registry import RESOURCES
from autofile.mirror.services import connection_sync, packet_documents_fetch, sync_due
from autofile.mirror.tasks import DUE_SYNC_EXPIRES, sync_connection, sync_due_connections
from integrations.servicetitan.simulator import Simulator
from tests.autofile.mirror.conftest import assert_mirror_is_exact, queued_messages
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

MIRRORED = [r for r in RESOURCES if r.feed.kind != "per_job"]


def mirrored_counts(connection: Connection) -> dict[str, int]:
    return {
        r.name: r.model._default_manager.filter(connection=connection).count() for r in MIRRORED
    }


def test_a_full_sync_through_a_worker_mirrors_every_table_exactly(
    simulator: tuple[Simulator, str], sim_connection: Connection, celery_worker: Any
) -> None:
    sim, _ = simulator
    sync_connection.delay(sim_connection.pk)
    wait_for(
        lambda: SyncRun.objects.filter(connection=sim_connection)
        .exclude(status=SyncRun.Status.RUNNING)
        .count()
        >= len(MIRRORED)
    )
    state = sim.state()
    assert mirrored_counts(sim_connection) == {r.name: state[r.name] for r in MIRRORED}
    assert not SyncRun.objects.filter(
        connection=sim_connection, status=SyncRun.Status.FAILED
    ).exists()
    assert_mirror_is_exact(sim_connection, sim)
    # Foreign keys between mirrored rows are resolved.
    assert not Job.objects.filter(connection=sim_connection, customer__isnull=True).exists()


def test_changes_in_servicetitan_arrive_on_the_next_incremental_sync(
    simulator: tuple[Simulator, str], sim_connection: Connection
) -> None:
    sim, base_url = simulator
    connection_sync(connection_id=sim_connection.pk)
    customer = Customer.objects.filter(connection=sim_connection).order_by("st_id").first()
    job = Job.objects.filter(connection=sim_connection, job_status="Scheduled").first() or (
        Job.objects.filter(connection=sim_connection).exclude(job_status="Completed").first()
    )
    assert customer is not None and job is not None

    httpx.patch(f"{base_url}/_sim/customers/{customer.st_id}", json={"name": "Renamed Person"})
    httpx.post(f"{base_url}/_sim/jobs/{job.st_id}/complete", json={})
    outcomes = connection_sync(connection_id=sim_connection.pk, resources=["customers", "jobs"])

    customer.refresh_from_db()
    job.refresh_from_db()
    assert customer.name == "Renamed Person"
    assert job.job_status == "Completed"
    # Only what changed was read again, not the whole tenant.
    assert outcomes["customers"].run is not None
    outcomes["customers"].run.refresh_from_db()
    assert outcomes["customers"].run.rows < 5


def test_a_second_sync_holding_the_lease_is_skipped(
    simulator: tuple[Simulator, str], sim_connection: Connection
) -> None:
    from django.utils import timezone

    SyncState.objects.create(
        organization=sim_connection.organization,
        connection=sim_connection,
        resource="jobs",
        lease_owner="another-worker",
        lease_expires_at=timezone.now() + dt.timedelta(minutes=1),
    )
    outcomes = connection_sync(connection_id=sim_connection.pk, resources=["jobs"])
    assert outcomes["jobs"].skipped
    assert Job.objects.filter(connection=sim_connection).count() == 0


def test_an_expired_lease_is_taken_over(
    simulator: tuple[Simulator, str], sim_connection: Connection
) -> None:
    from django.utils import timezone

    SyncState.objects.create(
        organization=sim_connection.organization,
        connection=sim_connection,
        resource="tag-types",
        lease_owner="a-dead-worker",
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    outcomes = connection_sync(connection_id=sim_connection.pk, resources=["tag-types"])
    assert not outcomes["tag-types"].skipped
    assert SyncState.objects.get(connection=sim_connection, resource="tag-types").lease_owner == ""


def test_malformed_records_are_quarantined_and_the_sync_goes_on(
    simulator: tuple[Simulator, str], sim_connection: Connection
) -> None:
    sim, _ = simulator
    sim.set_faults("malformed:0.05")
    connection_sync(connection_id=sim_connection.pk, resources=["customers", "jobs"])
    quarantined = QuarantinedRecord.objects.filter(connection=sim_connection)
    assert quarantined.exists()
    assert all(record.reason for record in quarantined)
    sim.set_faults("")
    connection_sync(connection_id=sim_connection.pk, resources=["customers", "jobs"], full=True)
    state = sim.state()
    assert Customer.objects.filter(connection=sim_connection).count() == state["customers"]
    assert Job.objects.filter(connection=sim_connection).count() == state["jobs"]


def test_beat_finds_every_resource_due_on_a_new_connection(sim_connection: Connection) -> None:
    due = sync_due()
    assert set(due[sim_connection.pk]) == {r.name for r in MIRRORED}


def test_packet_jobs_get_their_attachments_and_form_submissions(
    simulator: tuple[Simulator, str], sim_connection: Connection
) -> None:
    sim, _ = simulator
    connection_sync(connection_id=sim_connection.pk, resources=["jobs", "forms"])
    jobs = list(Job.objects.filter(connection=sim_connection).order_by("st_id")[:25])
    packet_documents_fetch(connection_id=sim_connection.pk, job_ids=[job.pk for job in jobs])

    attachments = JobAttachment.objects.filter(connection=sim_connection)
    assert attachments.exists()
    for attachment in attachments:
        assert attachment.job_id in {job.pk for job in jobs}
        assert attachment.file and attachment.size and attachment.size > 0
        with attachment.file.open("rb") as handle:
            head = handle.read(8)
        assert head.startswith((b"\x89PNG", b"\xff\xd8", b"%PDF"))


def test_beats_tick_queues_what_is_due_and_lets_a_stale_tick_expire(
    sim_connection: Connection, sync_queue: Callable[[], list[list[Any]]]
) -> None:
    sync_due_connections()

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    [(args, headers)] = queued_messages(broker)
    assert args == [sim_connection.pk, [r.name for r in MIRRORED]]
    expires = dt.datetime.fromisoformat(headers["expires"])
    assert dt.timedelta(0) < expires - timezone.now() <= dt.timedelta(seconds=DUE_SYNC_EXPIRES)
    assert sync_queue() == [args]
