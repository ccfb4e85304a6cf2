"""Syncs through a real worker while the simulator misbehaves: the mirror still comes out exact.

Each case switches on one of the simulator's faults (429 bursts, 5xx answers, dropped
connections, tokens that expire early, export pages that repeat rows, latency), then all of
them at once; malformed records are quarantined with their reason and payload, counted on
the run and shown on the sync page, and arrive once ServiceTitan sends them whole again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from autofile.accounts.models import User
from autofile.mirror.models import Connection, QuarantinedRecord, SyncRun
from integrations.servicetitan.simulator import Simulator
from tests.autofile.mirror.conftest import MIRRORED, assert_mirror_is_exact, row_key, tenant_rows
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def sync_through_the_worker(client: Client, connection: Connection, *, full: bool = False) -> None:
    """Press the sync page's "Sync now" (or "Full resync") and wait for every resource."""
    before = SyncRun.objects.filter(connection=connection).count()
    data = {"full": "1"} if full else {}
    response = client.post(reverse("mirror:sync_start", args=[connection.pk]), data)
    assert response.status_code == 302
    wait_for(
        lambda: SyncRun.objects.filter(connection=connection)
        .exclude(status=SyncRun.Status.RUNNING)
        .count()
        >= before + len(MIRRORED)
    )


FAULTS = {
    "429 bursts": "429:0.04x3",
    "5xx": "500:0.05,502:0.03,503:0.03,html502:0.02,html503:0.02",
    "dropped connections": "drop:0.08",
    "early token expiry": "token-expiry:0.04",
    "duplicated export rows": "dup:0.6@/export/",
    "latency": "latency:5-40ms",
    "all at once": "429:0.02x2,500:0.03,html503:0.02,drop:0.03,token-expiry:0.02,"
    "dup:0.4@/export/,latency:1-10ms",
}


@pytest.mark.parametrize("faults", FAULTS.values(), ids=FAULTS.keys())
def test_a_sync_under_faults_mirrors_the_tenant_exactly(
    faults: str,
    simulator: tuple[Simulator, str],
    sim_connection: Connection,
    admin_user: User,
    signed_in: Callable[[User], Client],
    celery_worker: Any,
) -> None:
    sim, _ = simulator
    sim.set_faults(faults)

    sync_through_the_worker(signed_in(admin_user), sim_connection)

    fired = sim.faults.describe()["fired"]
    assert fired, f"no fault fired under {faults!r}"
    assert not SyncRun.objects.filter(
        connection=sim_connection, status=SyncRun.Status.FAILED
    ).exists()
    assert not QuarantinedRecord.objects.exists()
    assert_mirror_is_exact(sim_connection, sim)


def _fingerprint(row: Any) -> str:
    """A row without the fields a malformed copy may have broken (its id, its modifiedOn)."""
    kept = {k: v for k, v in row.items() if k not in ("id", "modifiedOn")}
    return json.dumps(kept, sort_keys=True)


def test_malformed_records_are_quarantined_counted_shown_and_recovered(
    simulator: tuple[Simulator, str],
    sim_connection: Connection,
    admin_user: User,
    signed_in: Callable[[User], Client],
    celery_worker: Any,
) -> None:
    sim, _ = simulator
    client = signed_in(admin_user)
    sim.set_faults("malformed:0.03,500:0.02,dup:0.3@/export/")

    sync_through_the_worker(client, sim_connection)

    quarantined = QuarantinedRecord.objects.filter(connection=sim_connection)
    assert quarantined.count() > 5
    assert all(record.reason and isinstance(record.payload, dict) for record in quarantined)
    runs = SyncRun.objects.filter(connection=sim_connection)
    assert runs.aggregate(n=Sum("quarantined"))["n"] == quarantined.count()
    assert not runs.filter(status=SyncRun.Status.FAILED).exists()  # the sync went on

    # Every row mirrored is exact; every row missing is one of the quarantined payloads.
    expected = tenant_rows(sim)
    for resource in MIRRORED:
        rows = {row_key(row["id"]): row for row in expected[resource.name]}
        mirrored = {
            row_key(key): raw
            for key, raw in resource.model._default_manager.filter(
                connection=sim_connection
            ).values_list("st_id", "raw")
        }
        assert mirrored.keys() <= rows.keys(), resource.name
        assert all(rows[key] == raw for key, raw in mirrored.items()), resource.name
        payloads = {
            _fingerprint(record.payload) for record in quarantined.filter(resource=resource.name)
        }
        missing = [rows[key] for key in rows.keys() - mirrored.keys()]
        assert all(_fingerprint(row) in payloads for row in missing), resource.name

    # The sync page counts them per resource and lists them with reason and payload.
    record = quarantined.order_by("pk").first()
    assert record is not None
    page = client.get(reverse("mirror:sync_detail", args=[sim_connection.pk]))
    listed = reverse("mirror:quarantine", args=[sim_connection.pk])
    assert f"Quarantined records ({quarantined.count()})" in page.content.decode()
    per_resource = quarantined.filter(resource=record.resource).count()
    assert f'?resource={record.resource}">{per_resource}</a>' in page.content.decode()
    listing = client.get(listed, {"resource": record.resource}).content.decode()
    assert escape(record.reason) in listing
    assert f"{per_resource} record" in listing

    # ServiceTitan sends them whole again: a full resync mirrors the tenant exactly.
    sim.set_faults("")
    sync_through_the_worker(client, sim_connection, full=True)
    assert_mirror_is_exact(sim_connection, sim)
