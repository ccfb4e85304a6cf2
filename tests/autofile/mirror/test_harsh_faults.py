"""The sync command under harsh faults (issue 15): token trouble is retried like any transient
error, a resource that still fails gets one line and no traceback, the next beat tick tries it
again, and the mirror ends exact."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from autofile.accounts.models import Organization
from autofile.mirror.models import Connection, SyncState
from autofile.mirror.services import connection_upsert, sync_due
from integrations.servicetitan.simulator import Simulator, SimulatorConfig, run_in_thread
from tests.autofile.mirror.conftest import MIRRORED, TENANT, assert_mirror_is_exact

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

#: 5 % dropped connections, 5 % tokens revoked early, bursts of 429 and of 5xx.
HARSH = "drop:0.05,token-expiry:0.05,429:0.03x4,500:0.03x3,502:0.02x2,html503:0.02x3"


@pytest.fixture
def tenant() -> Iterator[Simulator]:
    # Pages of 100 rows: a few hundred requests for the faults to land on.
    sim = Simulator(SimulatorConfig(seed=15, scale="small", export_batch_size=100, rate_limit=0))
    with run_in_thread(sim) as base_url:
        sim.base_url = base_url  # type: ignore[attr-defined]
        yield sim


@pytest.fixture
def connection(tenant: Simulator, organization: Organization) -> Connection:
    return connection_upsert(
        organization=organization,
        environment=Connection.Environment.CUSTOM,
        base_url=tenant.base_url,  # type: ignore[attr-defined]
        tenant_id=TENANT,
        client_id="sim-client-id",
        client_secret="sim-client-secret",
        app_key="sim-app-key",
    )


def sync(connection: Connection, *resources: str) -> tuple[int, str, str]:
    """Run `servicetitan_sync` as an operator would: (exit code, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    args = ["--connection", str(connection.pk)]
    for resource in resources:
        args += ["--resource", resource]
    try:
        call_command("servicetitan_sync", *args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"{error}\n")
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def no_traceback(caplog: pytest.LogCaptureFixture, *texts: str) -> None:
    assert not any("Traceback" in text for text in texts)
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_a_sync_under_the_harsh_fault_matrix_ends_with_the_exact_mirror(
    tenant: Simulator, connection: Connection, caplog: pytest.LogCaptureFixture
) -> None:
    tenant.set_faults(HARSH)
    caplog.set_level(logging.WARNING)
    code, out, err = sync(connection)
    rounds = 1
    # What still failed is due at the next beat tick, whatever its cadence; those ticks
    # are run here by hand until nothing fails.
    while code != 0 and rounds < 5:
        failed = [line.split(":")[0] for line in err.splitlines() if ": failed: " in line]
        assert failed
        due = sync_due()[connection.pk]
        assert set(failed) <= set(due)
        code, out, err = sync(connection, *failed)
        rounds += 1
    fired = tenant.faults.describe()["fired"]

    assert code == 0, err
    assert {"drop", "token-expiry", "429", "500"} <= set(fired), fired
    no_traceback(caplog, out, err)
    assert_mirror_is_exact(connection, tenant)


def test_a_resource_servicetitan_keeps_failing_gets_one_line_and_the_next_tick_retries_it(
    tenant: Simulator, connection: Connection, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    tenant.set_faults("503:1.0@/export/estimates,token-expiry:0.5@/export/customers")
    code, out, err = sync(connection)

    assert code == 1
    failures = [line for line in err.splitlines() if ": failed: " in line]
    assert len(failures) == 1 and failures[0].startswith("estimates: failed: TransientError: ")
    assert "HTTP 503" in failures[0]
    assert "1 resource(s) failed" in err
    no_traceback(caplog, out, err)
    others = [r.name for r in MIRRORED if r.name != "estimates"]
    assert all(f"{name}: " in out for name in others)  # the other resources went on
    state = SyncState.objects.get(connection=connection, resource="estimates")
    assert state.last_error.startswith("TransientError")

    # Jobs sync at every tick anyway; estimates' cadence is not up, but it failed.
    assert sync_due()[connection.pk] == ["jobs", "estimates"]
    tenant.set_faults("")
    assert sync(connection, "estimates")[0] == 0
    assert not SyncState.objects.filter(connection=connection).exclude(last_error="").exists()
    assert sync_due()[connection.pk] == ["jobs"]
    assert_mirror_is_exact(connection, tenant)
