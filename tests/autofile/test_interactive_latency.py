"""A person's action starts within 2 s while a backfill and a flood of validations run.

The demo's own workers (one `celery worker` process per queue, `autofile.devtools.demo`)
on the test database and Redis: a large tenant's full backfill keeps the sync worker busy,
thousands of validation tasks keep the validation worker busy, and an admin's "Sync now"
of another connection is started by the interactive worker at once. The latency is what
the task recorded (requested at, started at), not a stopwatch in the test.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from autofile.celery import app
from autofile.core import queues
from autofile.devtools.demo import WORKERS, worker_command
from autofile.mirror.models import Connection, SyncRequest, SyncRun
from autofile.mirror.services import connection_sync_request, connection_upsert
from autofile.mirror.tasks import sync_connection
from autofile.packets.tasks import validate_packets
from integrations.servicetitan.simulator import Simulator, SimulatorConfig, run_in_thread
from tests.autofile.mirror.conftest import TENANT
from tests.factories import OrganizationFactory
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgresql://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def demo_workers(tmp_path: Path) -> Iterator[None]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DEBUG": "1",
        "SERVICETITAN_RATE_LIMIT": "1000",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONPATH": str(ROOT),
    }
    app.control.purge()
    started = []
    for queue, concurrency in WORKERS.items():
        log = (tmp_path / f"{queue}.log").open("wb")
        started.append(
            subprocess.Popen(
                worker_command(queue, concurrency),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    yield
    app.control.purge()
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def tenants() -> Iterator[tuple[str, str]]:
    large = Simulator(SimulatorConfig(seed=5, scale="small", export_batch_size=10, rate_limit=0))
    small = Simulator(SimulatorConfig(seed=6, scale="small", rate_limit=0))
    with run_in_thread(large) as large_url, run_in_thread(small) as small_url:
        yield large_url, small_url


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


def test_sync_now_starts_within_two_seconds_while_bulk_work_fills_the_other_queues(
    tenants: tuple[str, str], demo_workers: None
) -> None:
    big = connect("Big Backfill HVAC", tenants[0])
    little = connect("Little Incremental Air", tenants[1])
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def waiting(queue: str) -> int:
        return int(broker.llen(queue))  # type: ignore[arg-type]

    sync_connection.apply_async((big.pk, None, True), queue=queues.SYNC)
    for _ in range(3000):
        validate_packets.delay([])
    wait_for(lambda: SyncRun.objects.filter(connection=big, pages__gte=10).exists())
    assert waiting(queues.VALIDATION) > 0  # the validation worker has plenty to do

    request = connection_sync_request(connection=little)  # a person's "Sync now"
    started = wait_for(
        lambda: SyncRequest.objects.filter(pk=request.pk, started_at__isnull=False).first(),
        timeout=60,
    )

    assert started.started_at is not None
    assert (started.started_at - started.requested_at).total_seconds() < 2.0
    # The bulk work was still there when it started.
    assert SyncRun.objects.filter(connection=big, status=SyncRun.Status.RUNNING).exists()
    assert waiting(queues.VALIDATION) > 0
