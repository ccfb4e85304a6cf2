"""An admin presses "Sync now" and watches it go queued -> running -> done, with counts.

Debian's Chromium through Playwright, the live server, the simulator over HTTP in pages of
20 rows (so the sync takes a while), and a real Celery worker, started only after the click
so the request is seen waiting first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from autofile.accounts.models import Organization, User
from autofile.celery import app
from autofile.core import queues
from autofile.mirror.models import Connection, SyncRequest
from autofile.mirror.registry import TENANT_WIDE
from autofile.mirror.services import connection_upsert
from tests.autofile.mirror.conftest import TENANT
from tests.waiting import wait_for, worker_idle

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from integrations.servicetitan.simulator import Simulator

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def paged_connection(organization: Organization) -> Iterator[tuple[Simulator, Connection]]:
    from integrations.servicetitan.simulator import Simulator, SimulatorConfig, run_in_thread

    sim = Simulator(SimulatorConfig(seed=3, scale="small", export_batch_size=100, rate_limit=0))
    sim.set_faults("latency:20ms")  # every request takes a moment: "Running" shows a while
    with run_in_thread(sim) as base_url:
        connection = connection_upsert(
            organization=organization,
            environment=Connection.Environment.CUSTOM,
            base_url=base_url,
            tenant_id=TENANT,
            client_id="sim-client-id",
            client_secret="sim-client-secret",
            app_key="sim-app-key",
        )
        yield sim, connection


def test_sync_now_shows_queued_running_and_done_with_counts_live(
    paged_connection: tuple[Simulator, Connection],
    admin_user: User,
    browser_sign_in: Callable[[User], Page],
    live_server: Any,
) -> None:
    from celery.contrib.testing.worker import start_worker
    from playwright.sync_api import expect

    _, connection = paged_connection
    app.control.purge()
    page = browser_sign_in(admin_user)
    page.goto(f"/sync/{connection.pk}/")
    status = page.locator("#sync-request")
    state = status.locator("[data-sync-state]")
    counts = status.locator("[data-sync-counts]")

    page.get_by_role("button", name="Sync now").first.click()
    expect(state).to_have_text("Queued")  # no worker yet: it waits, and says so
    expect(counts).to_contain_text(f"0 of {len(TENANT_WIDE)} resources")
    expect(status).to_have_attribute("hx-trigger", "every 1s")

    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False,
        queues=list(queues.ALL), shutdown_timeout=60,
    ):  # fmt: skip
        try:
            expect(state).to_have_text("Running", timeout=30_000)
            expect(counts).to_contain_text(re.compile(r"[1-9]\d* rows"), timeout=30_000)
            expect(state).to_have_text("Done", timeout=240_000)
            total = len(TENANT_WIDE)
            expect(counts).to_contain_text(f"{total} of {total} resources")
            expect(status).not_to_have_attribute("hx-trigger", re.compile(".*"))  # polling stopped
            request = SyncRequest.objects.get(connection=connection)
            assert request.requested_by == admin_user
            assert request.rows > 0 and request.pages > request.resources_total
            expect(counts).to_contain_text(f"{request.rows} rows")

            # The connection page shows the same request.
            page.goto(f"/settings/connection/{connection.pk}/")
            expect(page.locator("#sync-request [data-sync-state]")).to_have_text("Done")
        finally:
            wait_for(worker_idle)  # nothing left running when the database is flushed
