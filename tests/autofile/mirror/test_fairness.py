"""Fairness between organizations: one tenant's backfill does not hold up another's sync.

One sync worker (one task at a time), two organizations on two simulated tenants: the
large one's backfill is read in pages of 10 rows, a few hundred of them. While it runs, the
small tenant's incremental sync is queued: the backfill pauses after the page it is
storing, the incremental sync runs whole, and the backfill resumes with the same runs and
leases and ends with the exact mirror.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker

from autofile.celery import app
from autofile.core import queues
from autofile.mirror.models import Connection, SyncRun, SyncState
from autofile.mirror.services import connection_sync, connection_upsert
from autofile.mirror.tasks import sync_connection
from integrations.servicetitan.simulator import Simulator, SimulatorConfig, run_in_thread
from tests.autofile.mirror.conftest import MIRRORED, TENANT, assert_mirror_is_exact
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def wait_for(condition: Callable[[], Any], timeout: float = 240.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError("gave up waiting")


@pytest.fixture
def tenants() -> Iterator[tuple[tuple[Simulator, str], tuple[Simulator, str]]]:
    large = Simulator(SimulatorConfig(seed=5, scale="small", export_batch_size=10, rate_limit=0))
    small = Simulator(SimulatorConfig(seed=6, scale="small", rate_limit=0))
    with run_in_thread(large) as large_url, run_in_thread(small) as small_url:
        yield (large, large_url), (small, small_url)


def connect(name: str, base_url: str) -> Connection:
    return connection_upsert(
        organization=OrganizationFactory.create(name=name),
        environment=Connection.Environment.CUSTOM,
        base_url=base_url,
        tenant_id=TENANT,
        client_id="sim-client-id",
        client_secret="sim-client-secret",
        app_key="sim-app-key",
    )


@pytest.fixture
def one_sync_worker(transactional_db: None) -> Iterator[None]:
    app.control.purge()
    with start_worker(
        app,
        pool="threads",
        concurrency=1,
        perform_ping_check=False,
        queues=[queues.SYNC],
        shutdown_timeout=60,
    ):
        yield


def export_requests(sim: Simulator, since: float, until: float) -> int:
    return sum(
        1 for e in sim.requests() if "/export/" in e["path"] and since <= e["timestamp"] <= until
    )


def test_a_backfill_pauses_for_another_organizations_sync_at_most_a_page(
    tenants: tuple[tuple[Simulator, str], tuple[Simulator, str]], one_sync_worker: None
) -> None:
    (large, large_url), (small, small_url) = tenants
    big = connect("Big Backfill HVAC", large_url)
    little = connect("Little Incremental Air", small_url)
    connection_sync(connection_id=little.pk)  # its backfill is done: what follows is incremental
    done_before = SyncRun.objects.filter(connection=little).count()

    sync_connection.apply_async((big.pk, None, True), queue=queues.SYNC)
    wait_for(lambda: SyncRun.objects.filter(connection=big, pages__gte=30).exists())
    requested = time.time()
    sync_connection.apply_async((little.pk, None, False), queue=queues.SYNC)
    wait_for(
        lambda: SyncRun.objects.filter(connection=little)
        .exclude(status=SyncRun.Status.RUNNING)
        .count()
        == done_before + len(MIRRORED)
    )
    finished = time.time()

    # The backfill is still under way, and it read at most the page it was storing (and the
    # one read ahead) while the other organization's sync waited and ran.
    assert SyncState.objects.filter(connection=big).exclude(lease_owner="").exists()
    assert SyncRun.objects.filter(connection=big, status=SyncRun.Status.RUNNING).exists()
    assert export_requests(large, requested, finished) <= 2
    little_requests = [e["timestamp"] for e in small.requests() if e["timestamp"] >= requested]
    assert export_requests(large, min(little_requests), max(little_requests)) == 0
    assert not SyncRun.objects.filter(connection=little, status=SyncRun.Status.FAILED).exists()

    # The backfill resumes where it paused and ends exact, one run per resource.
    wait_for(
        lambda: not SyncRun.objects.filter(connection=big, status=SyncRun.Status.RUNNING).exists()
        and SyncRun.objects.filter(connection=big).count() == len(MIRRORED)
    )
    assert not SyncRun.objects.filter(connection=big, status=SyncRun.Status.FAILED).exists()
    assert_mirror_is_exact(big, large)
    assert_mirror_is_exact(little, small)
