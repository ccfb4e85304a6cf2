"""The admins' sync page: overview, a connection's resources with live progress, history,
quarantined records, and the buttons that queue a sync or a full resync."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection as database
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.core import queues
from autofile.mirror.models import Connection, Customer, QuarantinedRecord, SyncRun, SyncState
from autofile.mirror.registry import RESOURCES
from integrations.servicetitan.simulator import Simulator
from tests.factories import ConnectionFactory
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection(organization: Organization) -> Connection:
    return ConnectionFactory.create(organization=organization, name="Lone Star tenant")


@pytest.fixture
def admin(admin_user: User, signed_in: Callable[[User], Client]) -> Client:
    return signed_in(admin_user)


def _run(connection: Connection, resource: str, **fields: Any) -> SyncRun:
    run = SyncRun.objects.create(
        organization=connection.organization, connection=connection, resource=resource
    )
    SyncRun.objects.filter(pk=run.pk).update(**fields)
    run.refresh_from_db()
    return run


def _state(connection: Connection, resource: str, **fields: Any) -> SyncState:
    return SyncState.objects.create(
        organization=connection.organization, connection=connection, resource=resource, **fields
    )


def _quarantine(connection: Connection, resource: str, n: int = 1) -> None:
    QuarantinedRecord.objects.bulk_create(
        QuarantinedRecord(
            organization=connection.organization,
            connection=connection,
            resource=resource,
            st_id=f"ST-{i}",
            reason=f"id 'ST-{i}' is not an integer",
            payload={"id": f"ST-{i}", "name": f"Broken {i}"},
        )
        for i in range(n)
    )


def _finished(**fields: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "status": SyncRun.Status.SUCCEEDED,
        "started_at": now - dt.timedelta(seconds=10),
        "finished_at": now,
        **fields,
    }


# --- who may see it -------------------------------------------------------------------------------


@pytest.mark.parametrize("role_user", ["qa_user", "coordinator_user"])
def test_only_admins_may_open_or_use_the_sync_page(
    role_user: str,
    request: pytest.FixtureRequest,
    signed_in: Callable[[User], Client],
    connection: Connection,
) -> None:
    client = signed_in(request.getfixturevalue(role_user))
    pages = [
        reverse("mirror:sync_overview"),
        reverse("mirror:sync_detail", args=[connection.pk]),
        reverse("mirror:quarantine", args=[connection.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("mirror:sync_start", args=[connection.pk])).status_code == 403


def test_signed_out_visitors_go_to_the_login_page(client: Client, connection: Connection) -> None:
    response = client.get(reverse("mirror:sync_detail", args=[connection.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_another_organizations_connection_is_not_found(
    admin: Client, other_organization: Organization
) -> None:
    theirs = ConnectionFactory.create(organization=other_organization)
    assert admin.get(reverse("mirror:sync_detail", args=[theirs.pk])).status_code == 404
    assert admin.get(reverse("mirror:quarantine", args=[theirs.pk])).status_code == 404
    assert admin.post(reverse("mirror:sync_start", args=[theirs.pk])).status_code == 404


# --- overview -------------------------------------------------------------------------------------


def test_the_overview_lists_each_connection_with_its_mirror_and_health(
    admin: Client, organization: Organization, other_organization: Organization
) -> None:
    healthy = ConnectionFactory.create(organization=organization, name="North tenant")
    failing = ConnectionFactory.create(organization=organization, name="South tenant")
    ConnectionFactory.create(organization=other_organization, name="Their tenant")
    _state(healthy, "jobs", rows=1200, last_finished_at=timezone.now())
    _state(healthy, "customers", rows=34)
    _state(failing, "invoices", rows=5, last_error="ServiceTitanError: 503")
    _quarantine(failing, "invoices", 3)

    page = admin.get(reverse("mirror:sync_overview")).content.decode()

    assert "North tenant" in page and "South tenant" in page
    assert "Their tenant" not in page
    assert "1234" in page  # rows of every resource together
    assert "Up to date" in page
    assert "1 failing" in page
    assert reverse("mirror:quarantine", args=[failing.pk]) in page


def test_with_one_connection_the_overview_opens_it(admin: Client, connection: Connection) -> None:
    response = admin.get(reverse("mirror:sync_overview"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mirror:sync_detail", args=[connection.pk])


def test_without_a_connection_the_overview_says_how_to_connect(admin: Client) -> None:
    page = admin.get(reverse("mirror:sync_overview")).content.decode()
    assert "No ServiceTitan connection yet" in page
    assert reverse("connection:home") in page


# --- a connection's resources ---------------------------------------------------------------------


def test_each_resource_shows_rows_cursor_last_run_error_and_quarantined_records(
    admin: Client, connection: Connection
) -> None:
    _state(connection, "jobs", rows=1234, cursor="djE6am9iczoxMjM0OjA", last_error="")
    _state(connection, "invoices", rows=9, last_error="RateLimitedError: gave up after 20 waits")
    _run(connection, "jobs", **_finished(pages=3, rows=1234))
    _run(connection, "invoices", **_finished(status=SyncRun.Status.FAILED, rows=9, pages=1))
    _quarantine(connection, "jobs", 2)

    page = admin.get(reverse("mirror:sync_detail", args=[connection.pk])).content.decode()

    for resource in RESOURCES:
        assert f'id="resource-{resource.name}"' in page
    jobs = page[page.index('id="resource-jobs"') :].split("</tr>")[0]
    assert ">1234<" in jobs
    assert 'title="djE6am9iczoxMjM0OjA"' in jobs  # the cursor, shortened, whole on hover
    assert "Succeeded" in jobs
    assert "1234 rows · 3 pages" in jobs
    assert '?resource=jobs">2</a>' in jobs
    invoices = page[page.index('id="resource-invoices"') :].split("</tr>")[0]
    assert "Failed" in invoices
    assert "RateLimitedError: gave up after 20 waits" in invoices
    assert "Quarantined records (2)" in page
    attachments = page[page.index('id="resource-job-attachments"') :].split("</tr>")[0]
    assert "fetched for packets" in attachments
    assert "Resync" not in attachments  # per-job resources follow the packets' jobs


def test_a_running_sync_shows_its_progress_and_polls_until_it_ends(
    admin: Client, connection: Connection
) -> None:
    _run(connection, "customers", **_finished(full=True, rows=200, pages=4))
    state = _state(
        connection,
        "customers",
        rows=200,
        lease_owner="worker-1",
        lease_expires_at=timezone.now() + dt.timedelta(minutes=2),
    )
    _run(connection, "customers", full=True, rows=80, pages=2)
    url = reverse("mirror:sync_detail", args=[connection.pk])

    page = admin.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert '<progress max="100" value="40"' in page  # 80 of the last full run's 200 rows
    assert "80 rows · 2 pages" in page

    partial = admin.get(url, headers={"HX-Request": "true", "HX-Target": "sync-resources"})
    body = partial.content.decode().strip()
    assert body.startswith('<div id="sync-resources"') and "<html" not in body
    assert 'hx-trigger="every 2s"' in body
    assert "HX-Request" in partial["Vary"]

    SyncState.objects.filter(pk=state.pk).update(lease_owner="", lease_expires_at=None)
    SyncRun.objects.filter(connection=connection, finished_at=None).update(
        status=SyncRun.Status.SUCCEEDED, finished_at=timezone.now(), rows=200, pages=4
    )
    done = admin.get(url, headers={"HX-Request": "true", "HX-Target": "sync-resources"})
    assert "hx-trigger" not in done.content.decode()  # the last swap stops the polling


def test_a_first_backfill_shows_an_open_ended_progress_bar(
    admin: Client, connection: Connection
) -> None:
    _state(
        connection,
        "jobs",
        lease_owner="worker-1",
        lease_expires_at=timezone.now() + dt.timedelta(minutes=2),
    )
    _run(connection, "jobs", full=True, rows=5000, pages=1)
    page = admin.get(reverse("mirror:sync_detail", args=[connection.pk])).content.decode()
    assert '<progress aria-label="jobs progress"></progress>' in page


def test_a_sync_whose_worker_died_shows_as_stalled_not_running(
    admin: Client, connection: Connection
) -> None:
    _state(
        connection,
        "jobs",
        lease_owner="dead-worker",
        lease_expires_at=timezone.now() - dt.timedelta(seconds=5),
    )
    _run(connection, "jobs", rows=50, pages=1)
    page = admin.get(reverse("mirror:sync_detail", args=[connection.pk])).content.decode()
    assert "stalled" in page
    assert 'hx-trigger="every 2s"' not in page


def test_the_history_lists_runs_with_pages_rows_rate_and_errors(
    admin: Client, connection: Connection
) -> None:
    _run(connection, "jobs", **_finished(pages=20, rows=100_000, full=True))
    _run(
        connection,
        "invoices",
        **_finished(status=SyncRun.Status.FAILED, pages=2, rows=10, error="TransientError: 503"),
    )
    url = reverse("mirror:sync_detail", args=[connection.pk])

    history = admin.get(url).content.decode().split("<h2>History</h2>")[1]
    assert "Full" in history and "Incremental" in history
    assert ">20<" in history and ">100000<" in history
    assert ">10000<" in history  # 100,000 rows in 10 s
    assert "TransientError: 503" in history

    only_jobs = admin.get(
        url, {"resource": "jobs"}, headers={"HX-Request": "true", "HX-Target": "sync-history"}
    ).content.decode()
    assert only_jobs.strip().startswith('<div id="sync-history"')
    assert "jobs" in only_jobs and "TransientError" not in only_jobs


def test_the_page_queries_stay_the_same_however_long_the_history(
    admin: Client, connection: Connection
) -> None:
    url = reverse("mirror:sync_detail", args=[connection.pk])
    for resource in ("jobs", "customers"):
        _state(connection, resource, rows=10)
        _run(connection, resource, **_finished(rows=10, pages=1))
        _quarantine(connection, resource, 1)
    admin.get(url)  # the session's first request does its own bookkeeping
    with CaptureQueriesContext(database) as few:
        assert admin.get(url).status_code == 200

    for n in range(48):
        _run(connection, RESOURCES[n % len(RESOURCES)].name, **_finished(rows=n, pages=1))
        _quarantine(connection, RESOURCES[n % len(RESOURCES)].name, 1)
    with CaptureQueriesContext(database) as many:
        assert admin.get(url).status_code == 200

    assert len(many) == len(few)


# --- quarantined records --------------------------------------------------------------------------


def test_quarantined_records_are_listed_with_reason_and_payload_by_resource(
    admin: Client, connection: Connection
) -> None:
    _quarantine(connection, "jobs", 55)
    _quarantine(connection, "customers", 1)
    url = reverse("mirror:quarantine", args=[connection.pk])

    everything = admin.get(url).content.decode()
    assert "56 records" in everything
    assert "Page 1 of 2" in everything

    jobs = admin.get(url, {"resource": "jobs", "page": "2"}).content.decode()
    assert "55 records" in jobs
    assert "id &#x27;ST-" in jobs and "is not an integer" in jobs
    assert "&#x27;name&#x27;: &#x27;Broken" in jobs  # the payload, as it came
    assert "customers</td>" not in jobs


# --- the buttons ----------------------------------------------------------------------------------


def test_sync_now_and_resync_queue_a_sync_after_the_request_commits(
    admin: Client,
    connection: Connection,
    sync_queue: Callable[..., list[list[Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = reverse("mirror:sync_start", args=[connection.pk])
    with django_capture_on_commit_callbacks(execute=True):
        everything = admin.post(url)
        one = admin.post(url, {"resource": "customers"})
        resync = admin.post(url, {"resource": "customers", "full": "1"})
        full = admin.post(url, {"full": "1"})

    for response in (everything, one, resync, full):
        assert response.status_code == 302
        assert response["Location"] == reverse("mirror:sync_detail", args=[connection.pk])
    assert sync_queue() == []  # a person's request does not wait behind bulk syncs
    assert sync_queue(queues.INTERACTIVE) == [
        [connection.pk, None, False],
        [connection.pk, ["customers"], False],
        [connection.pk, ["customers"], True],
        [connection.pk, None, True],
    ]
    page = admin.get(response["Location"]).content.decode()
    assert "Full resync of every resource queued" in page


@pytest.mark.parametrize("resource", ["job-attachments", "no-such-thing"])
def test_a_resource_that_does_not_sync_on_its_own_queues_nothing(
    resource: str,
    admin: Client,
    connection: Connection,
    sync_queue: Callable[..., list[list[Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("mirror:sync_start", args=[connection.pk]), {"resource": resource}, follow=True
        )
    assert "Nothing queued" in response.content.decode()
    assert sync_queue() == sync_queue(queues.INTERACTIVE) == []


def test_a_switched_off_connection_queues_nothing(
    admin: Client,
    connection: Connection,
    sync_queue: Callable[..., list[list[Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    Connection.objects.filter(pk=connection.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("mirror:sync_start", args=[connection.pk]), follow=True)
    page = response.content.decode()
    assert "switched off" in page
    assert sync_queue() == sync_queue(queues.INTERACTIVE) == []


@pytest.mark.django_db(transaction=True)
def test_resync_of_one_resource_runs_in_a_worker_and_reads_it_all_again(
    simulator: tuple[Simulator, str],
    sim_connection: Connection,
    admin_user: User,
    signed_in: Callable[[User], Client],
    celery_worker: Any,
) -> None:
    sim, _ = simulator
    client = signed_in(admin_user)
    url = reverse("mirror:sync_start", args=[sim_connection.pk])
    client.post(url, {"resource": "customers"})
    wait_for(lambda: SyncRun.objects.filter(connection=sim_connection, finished_at__isnull=False))
    client.post(url, {"resource": "customers", "full": "1"})
    wait_for(
        lambda: SyncRun.objects.filter(connection=sim_connection, finished_at__isnull=False)[1:]
    )

    runs = list(SyncRun.objects.filter(connection=sim_connection).order_by("started_at"))
    total = sim.state()["customers"]
    assert [(r.resource, r.full, r.status, r.rows) for r in runs] == [
        ("customers", False, SyncRun.Status.SUCCEEDED, total),
        ("customers", True, SyncRun.Status.SUCCEEDED, total),
    ]
    assert Customer.objects.filter(connection=sim_connection).count() == total
    page = client.get(reverse("mirror:sync_detail", args=[sim_connection.pk])).content.decode()
    assert 'hx-trigger="every' not in page  # nothing polls once the syncs are done
