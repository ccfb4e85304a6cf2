"""servicetitan_connect, servicetitan_sync and servicetitan_status, run as an operator would."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from autofile.accounts.models import Organization
from autofile.mirror.models import Connection, Customer, Job, SyncRun, SyncState, TagType
from autofile.mirror.registry import RESOURCES
from integrations.servicetitan.simulator import Simulator

pytestmark = pytest.mark.django_db


def run(command: str, *args: Any) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


CREDENTIALS = ("--client-id", "cid.abc", "--client-secret", "cs1.secret", "--app-key", "ak1.key")


# --- servicetitan_connect -------------------------------------------------------------------------


def test_connect_creates_a_connection_to_a_base_url_and_prints_its_id(
    organization: Organization,
) -> None:
    out, _ = run(
        "servicetitan_connect", "--organization", organization.name,
        "--base-url", "http://127.0.0.1:8765/", "--tenant", 1000, *CREDENTIALS,
    )  # fmt: skip

    connection = Connection.objects.get(organization=organization)
    assert out.strip() == str(connection.pk)
    assert connection.environment == Connection.Environment.CUSTOM
    assert connection.base_url == "http://127.0.0.1:8765"
    assert (connection.tenant_id, connection.client_id, connection.app_key) == (
        1000, "cid.abc", "ak1.key",
    )  # fmt: skip
    assert connection.client_secret == "cs1.secret"
    assert "cs1.secret" not in out


@pytest.mark.parametrize("environment", ["production", "integration"])
def test_connect_takes_servicetitans_environment_names(
    environment: str, organization: Organization
) -> None:
    out, _ = run(
        "servicetitan_connect", "--organization", organization.name,
        "--base-url", environment, "--tenant", 1234567, *CREDENTIALS,
    )  # fmt: skip

    connection = Connection.objects.get(pk=int(out))
    assert connection.environment == environment
    assert connection.base_url == ""
    assert connection.tenant_id == 1234567


def test_connecting_again_updates_the_same_connection(organization: Organization) -> None:
    args = ["--organization", organization.name, "--base-url", "production", "--tenant", 42]
    first, _ = run("servicetitan_connect", *args, *CREDENTIALS)
    again, _ = run(
        "servicetitan_connect", *args, "--client-id", "cid.new", "--client-secret", "cs1.new",
        "--app-key", "ak1.new",
    )  # fmt: skip

    assert first == again
    connection = Connection.objects.get(pk=int(first))
    assert (connection.client_id, connection.client_secret) == ("cid.new", "cs1.new")
    assert Connection.objects.filter(organization=organization).count() == 1


def test_connect_refuses_an_unknown_organization_or_base_url(organization: Organization) -> None:
    with pytest.raises(CommandError, match="No organization"):
        run(
            "servicetitan_connect", "--organization", "Nobody Inc.", "--base-url", "production",
            "--tenant", 1, *CREDENTIALS,
        )  # fmt: skip
    with pytest.raises(CommandError, match="production"):
        run(
            "servicetitan_connect", "--organization", organization.name, "--base-url", "staging",
            "--tenant", 1, *CREDENTIALS,
        )  # fmt: skip
    assert not Connection.objects.exists()


# --- servicetitan_sync and servicetitan_status ----------------------------------------------------


def test_sync_mirrors_the_named_resources_with_a_progress_bar(
    simulator: tuple[Simulator, str], sim_connection: Connection
) -> None:
    sim, _ = simulator
    state = sim.state()

    out, err = run(
        "servicetitan_sync", "--connection", sim_connection.pk,
        "--resource", "customers", "--resource", "jobs",
    )  # fmt: skip

    assert Customer.objects.filter(connection=sim_connection).count() == state["customers"]
    assert Job.objects.filter(connection=sim_connection).count() == state["jobs"]
    assert not TagType.objects.exists()  # only what was asked for
    assert f"customers: {state['customers']} rows in 1 pages" in out
    assert f"jobs: {state['jobs']} rows in 1 pages, {state['jobs']} new or changed" in out
    assert "customers" in err and "rows" in err  # tqdm's bars go to stderr


def test_sync_full_reads_everything_again_and_incremental_only_what_changed(
    simulator: tuple[Simulator, str], sim_connection: Connection
) -> None:
    sim, _ = simulator
    run("servicetitan_sync", "--connection", sim_connection.pk, "--resource", "customers")
    run("servicetitan_sync", "--connection", sim_connection.pk, "--resource", "customers")
    out, _ = run(
        "servicetitan_sync", "--connection", sim_connection.pk, "--resource", "customers", "--full"
    )

    first, incremental, full = SyncRun.objects.filter(connection=sim_connection).order_by("pk")
    total = sim.state()["customers"]
    assert (first.full, first.rows) == (False, total)
    assert not incremental.full and incremental.rows < total
    assert (full.full, full.rows) == (True, total)
    assert f"customers: {total} rows in 1 pages, 0 new or changed" in out


def test_sync_and_status_refuse_an_unknown_connection() -> None:
    with pytest.raises(CommandError, match="No connection 999"):
        run("servicetitan_sync", "--connection", 999)
    with pytest.raises(CommandError, match="No connection 999"):
        run("servicetitan_status", "--connection", 999)


def test_status_json_is_keyed_like_the_simulators_state(
    simulator: tuple[Simulator, str], sim_connection: Connection
) -> None:
    sim, _ = simulator
    run("servicetitan_sync", "--connection", sim_connection.pk)

    out, _ = run("servicetitan_status", "--connection", sim_connection.pk, "--json")

    status = json.loads(out)
    state = sim.state()
    assert set(status["resources"]) == {r.name for r in RESOURCES}
    assert set(status["resources"]) <= set(state)
    for resource in RESOURCES:
        entry = status["resources"][resource.name]
        if resource.feed.kind == "per_job":
            assert entry["rows"] == 0 and entry["last_run"] is None
            continue
        assert entry["rows"] == state[resource.name], resource.name
        assert entry["last_run"]["status"] == "succeeded"
        assert entry["last_run"]["rows"] == state[resource.name]
        assert entry["quarantined"] == 0 and entry["last_error"] == ""
        if resource.feed.kind == "export":
            assert entry["cursor"]


def test_status_prints_a_table_per_resource(
    simulator: tuple[Simulator, str], sim_connection: Connection
) -> None:
    run("servicetitan_sync", "--connection", sim_connection.pk, "--resource", "jobs")

    out, _ = run("servicetitan_status", "--connection", sim_connection.pk)

    lines = out.splitlines()
    header = ["resource", "rows", "cursor", "last", "run", "status", "quarantined", "error"]
    assert lines[1].split() == header
    jobs = next(line for line in lines if line.startswith("jobs "))
    cursor = SyncState.objects.get(connection=sim_connection, resource="jobs").cursor
    assert "succeeded" in jobs and cursor[:19] in jobs
    customers = next(line for line in lines if line.startswith("customers "))
    assert "never" in customers
