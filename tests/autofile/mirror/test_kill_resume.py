"""A worker killed with SIGKILL in the middle of a backfill: the next one finishes it exactly.

The workers are real `celery worker` processes on the test database and Redis; the
simulator serves a small tenant over HTTP from this process, in pages of 10 rows so a
backfill takes a few hundred pages. Nothing is mocked: the kill lands wherever the first
worker happens to be, and the message it had taken is redelivered to the second one
(acks_late) once Redis's visibility timeout has passed.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection as db
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from autofile.accounts.models import Organization
from autofile.celery import app
from autofile.mirror.models import Connection, SyncRun, SyncState
from autofile.mirror.registry import BY_NAME
from autofile.mirror.services import connection_upsert
from autofile.mirror.tasks import sync_connection
from integrations.servicetitan.simulator import Simulator, SimulatorConfig, run_in_thread
from tests.autofile.mirror.conftest import MIRRORED, TENANT, assert_mirror_is_exact, tenant_client
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
LEASE_SECONDS = 3
VISIBILITY_TIMEOUT = 4
KILLED_IN = "invoice-items"  # 961 rows: ~97 pages of 10


@pytest.fixture
def paged_tenant() -> Iterator[tuple[Simulator, str]]:
    sim = Simulator(SimulatorConfig(seed=5, scale="small", export_batch_size=10, rate_limit=0))
    with run_in_thread(sim) as base_url:
        yield sim, base_url


@pytest.fixture
def connection(paged_tenant: tuple[Simulator, str], organization: Organization) -> Connection:
    return connection_upsert(
        organization=organization,
        environment=Connection.Environment.CUSTOM,
        base_url=paged_tenant[1],
        tenant_id=TENANT,
        client_id="sim-client-id",
        client_secret="sim-client-secret",
        app_key="sim-app-key",
    )


def _database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgresql://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"  # the test database pytest made, not the one in DATABASE_URL
    )


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    """Start `celery worker` processes (one task at a time) on the test database."""
    started: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DEBUG": "1",  # a test worker: no production keys to insist on
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "SYNC_LEASE_SECONDS": str(LEASE_SECONDS),
        "SERVICETITAN_RATE_LIMIT": "1000",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONPATH": str(ROOT),
    }

    def start(name: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "autofile", "worker", "--pool", "solo",
             "-Q", "sync", "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
             "--loglevel", "INFO"],
            cwd=ROOT, env={**env, "PGAPPNAME": f"kill-resume-{name}"},
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append(process)
        return process

    app.control.purge()
    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _backends(application_name: str) -> int:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            [application_name],
        )
        (count,) = cursor.fetchone()
    return int(count)


def _token_position(token: str) -> tuple[int, int]:
    """The (base row, change-log slot) a simulator continuation token stands for."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    _, _, base, slot = raw.split(":")
    return int(base), int(slot)


def _final_cursor(sim: Simulator, resource: str) -> str:
    """Where a complete walk of a resource's export feed ends."""
    feed = BY_NAME[resource].feed
    client = tenant_client(sim)
    try:
        params: dict[str, str] = {}
        while True:
            url = f"/{feed.module}/v2/tenant/{TENANT}/{feed.export}"
            body = client.get(url, params=params).json()
            params["from"] = body["continueFrom"]
            if not body["hasMore"]:
                return str(body["continueFrom"])
    finally:
        client.close()


def test_a_backfill_killed_mid_page_resumes_to_the_exact_mirror(
    paged_tenant: tuple[Simulator, str],
    connection: Connection,
    start_worker: Callable[[str], subprocess.Popen[bytes]],
) -> None:
    sim, _ = paged_tenant
    first = start_worker("first")
    sync_connection.delay(connection.pk, None, True)

    # Kill it while it is deep in a resource many pages long.
    killed_run = wait_for(
        lambda: SyncRun.objects.filter(
            connection=connection, resource=KILLED_IN, status=SyncRun.Status.RUNNING, pages__gte=20
        ).first()
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    killed_at = timezone.now()

    # What survived is what committed: every page's rows together with its cursor. A COMMIT
    # the worker sent just before it died may still land while its backend lives on, so wait
    # until the backend has left, then read it all in one snapshot.
    wait_for(lambda: not _backends("kill-resume-first"), what="the killed worker's backend")
    with transaction.atomic():
        with db.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        state = SyncState.objects.get(connection=connection, resource=KILLED_IN)
        killed_run.refresh_from_db()
        mirrored = BY_NAME[KILLED_IN].model._default_manager.filter(connection=connection).count()
    assert state.lease_owner, "the dead worker still holds the lease"
    assert 20 <= killed_run.pages < 97
    assert _token_position(state.cursor)[0] == killed_run.rows == killed_run.pages * 10
    assert state.rows == killed_run.rows == mirrored
    untouched = [r.name for r in MIRRORED][[r.name for r in MIRRORED].index(KILLED_IN) + 1 :]
    assert not SyncRun.objects.filter(connection=connection, resource__in=untouched).exists()

    # The lease expires; Redis hands the unacknowledged task to the next worker.
    expires = state.lease_expires_at
    assert expires is not None
    wait_for(lambda: timezone.now() > expires)
    time.sleep(VISIBILITY_TIMEOUT + 0.5)
    start_worker("second")
    wait_for(
        lambda: SyncRun.objects.filter(connection=connection, started_at__gt=killed_at)
        .exclude(status=SyncRun.Status.RUNNING)
        .count()
        == len(MIRRORED),
        timeout=240,
        every=0.25,
    )

    assert not SyncRun.objects.filter(
        connection=connection, started_at__gt=killed_at, status=SyncRun.Status.FAILED
    ).exists()
    assert_mirror_is_exact(connection, sim)

    # The interrupted resource went on from its cursor: no page was read twice, none lost.
    resumed = SyncRun.objects.get(
        connection=connection, resource=KILLED_IN, started_at__gt=killed_at
    )
    total = sim.state()[KILLED_IN]
    assert resumed.full  # the redelivered task, not a new one
    assert resumed.rows == total - killed_run.rows
    assert (
        SyncRun.objects.filter(connection=connection, resource=KILLED_IN).aggregate(
            rows=Sum("rows")
        )["rows"]
        == total
    )
    killed_run.refresh_from_db()
    assert killed_run.status == SyncRun.Status.FAILED
    assert "Abandoned" in killed_run.error

    # Cursors and counts agree with the tenant: every export feed's cursor is where a complete
    # walk ends, every lease is released, every count is the simulator's.
    counts = sim.state()
    for resource in MIRRORED:
        state = SyncState.objects.get(connection=connection, resource=resource.name)
        assert state.lease_owner == ""
        assert state.rows == counts[resource.name], resource.name
        if resource.feed.kind == "export":
            assert state.cursor == _final_cursor(sim, resource.name), resource.name
