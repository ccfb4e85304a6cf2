"""The sync engine's guarantees, one at a time: rows only move forward in time, links close
whichever side arrives first, pages are read ahead, full resyncs resume, dead runs end."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.db import transaction
from django.utils import timezone

from autofile.mirror.client import client_for
from autofile.mirror.models import Connection, Customer, EstimateItem, Job, SyncRun, SyncState
from autofile.mirror.readers import prefetched
from autofile.mirror.registry import BY_NAME, Resource
from autofile.mirror.sync import _link_referrers, sync_resource
from autofile.mirror.upsert import upsert_rows
from integrations.servicetitan.simulator import Simulator, SimulatorConfig
from tests.autofile.mirror.samples import record
from tests.factories import ConnectionFactory

pytestmark = pytest.mark.django_db


def _columns(resource: Resource, connection: Connection, raw: dict[str, Any]) -> dict[str, Any]:
    columns = resource.mapper(raw)
    columns.update(
        organization_id=connection.organization_id,
        connection_id=connection.pk,
        raw=raw,
        synced_at=timezone.now(),
    )
    return columns


def _upsert(connection: Connection, name: str, *raws: dict[str, Any]) -> Any:
    resource = BY_NAME[name]
    with transaction.atomic():
        result = upsert_rows(
            resource.model, [_columns(resource, connection, raw) for raw in raws], resource.links
        )
        _link_referrers(resource, connection.pk, result.inserted)
    return result


def test_a_newer_copy_replaces_the_row_and_an_older_one_never_does() -> None:
    connection = ConnectionFactory.create()
    first = _upsert(connection, "customers", record("customers", name="First"))
    newer = record("customers", name="Newer", modifiedOn="2024-01-02T00:00:00Z")
    older = record("customers", name="Older", modifiedOn="2023-01-01T00:00:00Z")

    assert len(first.inserted) == 1
    replaced = _upsert(connection, "customers", newer)
    ignored = _upsert(connection, "customers", older)

    customer = Customer.objects.get(connection=connection)
    assert (replaced.changed, replaced.inserted) == ([customer.pk], [])
    assert ignored.changed == []
    assert customer.name == "Newer"
    assert customer.raw == newer


def test_an_identical_copy_writes_nothing_and_a_changed_one_at_the_same_time_does() -> None:
    connection = ConnectionFactory.create()
    raw = record("customers")
    _upsert(connection, "customers", raw)
    synced = Customer.objects.get(connection=connection).synced_at

    assert _upsert(connection, "customers", record("customers")).changed == []
    assert Customer.objects.get(connection=connection).synced_at == synced

    fixed = record("customers", name="Same instant, other content")
    assert len(_upsert(connection, "customers", fixed).changed) == 1
    assert Customer.objects.get(connection=connection).name == "Same instant, other content"


def test_rows_of_one_connection_never_touch_another_connections_rows() -> None:
    ours, theirs = ConnectionFactory.create(), ConnectionFactory.create()
    _upsert(ours, "customers", record("customers", name="Ours"))
    _upsert(theirs, "customers", record("customers", name="Theirs"))

    assert Customer.objects.get(connection=ours).name == "Ours"
    assert Customer.objects.get(connection=theirs).name == "Theirs"


def test_a_link_closes_whichever_row_arrives_first() -> None:
    connection = ConnectionFactory.create()
    customer = record("customers")
    job = record("jobs", customerId=customer["id"])

    _upsert(connection, "jobs", job)  # before its customer: no link yet
    assert Job.objects.get(connection=connection).customer_id is None

    _upsert(connection, "customers", customer)
    stored = Customer.objects.get(connection=connection)
    assert Job.objects.get(connection=connection).customer_id == stored.pk

    other = ConnectionFactory.create()  # and the reverse order, on another connection
    _upsert(other, "customers", customer)
    _upsert(other, "jobs", job)
    assert Job.objects.get(connection=other).customer == Customer.objects.get(connection=other)


def test_linking_leaves_rows_that_name_no_target_alone() -> None:
    connection = ConnectionFactory.create()
    _upsert(connection, "estimate-items", record("estimate-items", estimateId=None))
    _upsert(connection, "estimates", record("estimates"))

    assert EstimateItem.objects.get(connection=connection).estimate_id is None


def test_the_next_page_is_read_while_one_is_stored() -> None:
    reading = threading.Event()
    taken: list[int] = []

    def pages() -> Iterator[int]:
        for number in range(3):
            if number == 1:
                reading.set()  # page 1 is being read: page 0 is still with the caller
            yield number

    ahead = prefetched(pages())
    taken.append(next(ahead))
    assert reading.wait(timeout=10)
    taken.extend(ahead)
    assert taken == [0, 1, 2]


def test_an_error_while_reading_surfaces_at_the_page_it_stopped() -> None:
    def pages() -> Iterator[int]:
        yield 0
        raise httpx.ConnectError("the tenant went away")

    ahead = prefetched(pages())
    assert next(ahead) == 0
    with pytest.raises(httpx.ConnectError, match="went away"):
        next(ahead)


def test_closing_early_stops_the_reader() -> None:
    produced: list[int] = []

    def pages() -> Iterator[int]:
        for number in range(1000):
            produced.append(number)
            yield number

    ahead = prefetched(pages())
    assert next(ahead) == 0
    ahead.close()
    assert len(produced) <= 3  # the page taken, the one read ahead, perhaps one more


@pytest.fixture
def paged_sim() -> Simulator:
    return Simulator(SimulatorConfig(seed=3, scale="small", export_batch_size=20, rate_limit=0))


@pytest.fixture
def sim_client(paged_sim: Simulator) -> Iterator[Any]:
    connection = ConnectionFactory.create(tenant_id=1000)
    with client_for(connection, transport=httpx.WSGITransport(app=paged_sim)) as client:
        yield connection, client


class Stop(Exception):
    pass


def _interrupted(connection: Connection, client: Any, resource: Resource, **kwargs: Any) -> None:
    """A sync that dies right after committing its second page."""
    pages = 0

    def progress(rows: int) -> None:
        nonlocal pages
        pages += 1
        if pages == 2:
            raise Stop

    with pytest.raises(Stop):
        sync_resource(
            connection=connection, resource=resource, client=client, progress=progress, **kwargs
        )


def test_a_full_resync_interrupted_resumes_under_the_same_key_and_restarts_under_another(
    sim_client: tuple[Connection, Any], paged_sim: Simulator
) -> None:
    connection, client = sim_client
    customers = BY_NAME["customers"]
    sync_resource(connection=connection, resource=customers, client=client)
    total = paged_sim.state()["customers"]

    _interrupted(connection, client, customers, full=True, full_key="task-1")
    state = SyncState.objects.get(connection=connection, resource="customers")
    assert state.resyncing and state.full_key == "task-1"

    resumed = sync_resource(
        connection=connection, resource=customers, client=client, full=True, full_key="task-1"
    ).run
    assert resumed is not None and resumed.full
    resumed.refresh_from_db()
    assert resumed.rows == total - 2 * 20  # the two committed pages are not read again

    again = sync_resource(
        connection=connection, resource=customers, client=client, full=True, full_key="task-2"
    ).run
    assert again is not None
    again.refresh_from_db()
    assert again.rows == total
    state.refresh_from_db()
    assert not state.resyncing
    assert state.rows == total == Customer.objects.filter(connection=connection).count()


def test_taking_over_a_dead_workers_lease_ends_its_run(sim_client: tuple[Connection, Any]) -> None:
    connection, client = sim_client
    dead = SyncRun.objects.create(
        organization=connection.organization, connection=connection, resource="tag-types"
    )
    SyncState.objects.create(
        organization=connection.organization,
        connection=connection,
        resource="tag-types",
        lease_owner="a-dead-worker",
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1),
    )

    outcome = sync_resource(connection=connection, resource=BY_NAME["tag-types"], client=client)

    dead.refresh_from_db()
    assert not outcome.skipped
    assert dead.status == SyncRun.Status.FAILED and dead.finished_at is not None
    assert "Abandoned" in dead.error
