"""An admin sets AutoFile up in a real browser and sees packets arrive.

Debian's Chromium through Playwright, the live server, a real Celery worker on the test
Redis, and the ServiceTitan simulator over HTTP: connect, test the connection, sync,
copy a program, write a rule on a tag, preview it, switch it on, open the queue.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from autofile.accounts.models import Organization, User
from autofile.mirror.models import Connection, SyncRun
from autofile.packets.models import ImportRule, Packet
from tests.waiting import settle, wait_for

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from integrations.servicetitan.simulator import Simulator

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_admin_connects_writes_a_rule_and_sees_packets(
    simulator: tuple[Simulator, str],
    celery_worker: Any,
    organization: Organization,
    admin_user: User,
    browser_sign_in: Callable[[User], Page],
) -> None:
    from playwright.sync_api import expect

    _, base_url = simulator
    page = browser_sign_in(admin_user)

    # Connect the tenant.
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Connect ServiceTitan")).to_be_visible()
    page.locator("#id_name").fill("Summit Comfort")
    page.locator("#id_environment").select_option("custom")
    page.locator("#id_base_url").fill(base_url)
    page.locator("#id_tenant_id").fill("1000")
    page.locator("#id_app_key").fill("sim-app-key")
    page.locator("#id_client_id").fill("sim-client-id")
    page.locator("#id_client_secret").fill("sim-client-secret")
    page.get_by_role("button", name="Save connection").click()
    expect(page.get_by_text("Connection saved.")).to_be_visible()
    connection = Connection.objects.get(organization=organization)

    # Test it: every step answers.
    page.get_by_role("button", name="Test connection").click()
    result = page.locator("#connection-test")
    expect(result).to_contain_text("Connection works.")
    expect(result.locator(".badge.rejected")).to_have_count(0)

    # Sync the tenant, then choose the AutoFile tag among the mirrored tag types.
    page.get_by_role("link", name="Sync page", exact=True).click()
    page.get_by_role("button", name="Sync now").first.click()
    wait_for(
        lambda: SyncRun.objects.filter(
            connection=connection, resource="jobs", status=SyncRun.Status.SUCCEEDED
        ).exists()
        and SyncRun.objects.filter(
            connection=connection, resource="invoice-items", status=SyncRun.Status.SUCCEEDED
        ).exists()
    )
    page.goto(f"/settings/connection/{connection.pk}/")
    page.get_by_label("AutoFile tag").select_option(label="AutoFile")
    page.get_by_role("button", name="Save tag").click()
    expect(page.locator("#connection-tag")).to_contain_text("AutoFile tag saved.")

    # A program to file to: copy a shipped example.
    page.get_by_role("link", name="Rebate programs").click()
    page.get_by_role("button", name="Copy and adapt").first.click()
    expect(page.get_by_text("Copied from an example")).to_be_visible()
    program_name = page.locator("#id_name").input_value()

    # A rule on the "Rebate Needed" tag, previewed before it is switched on.
    page.get_by_role("link", name="Import rules").click()
    page.get_by_role("link", name="New rule").click()
    page.locator("#id_name").fill("Tagged Rebate Needed")
    page.locator("#id_program").select_option(label=program_name)
    page.locator("#id_tag_type_ids").get_by_label("Rebate Needed").check()
    page.get_by_role("button", name="Preview matching jobs").click()
    preview = page.locator("#rule-preview")
    expect(preview).to_contain_text("would become new packets")
    expect(preview).to_contain_text("Tagged Rebate Needed")  # why each job matched
    summary = preview.locator("p.result").inner_text()
    matched = int(re.search(r"(\d+) jobs? match", summary).group(1))  # type: ignore[union-attr]
    assert matched > 0
    assert not ImportRule.objects.exists()  # previewing saves nothing

    page.get_by_role("button", name="Save rule").click()
    switch = page.get_by_role("switch")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(page.get_by_role("switch")).to_have_attribute("aria-checked", "true")
    # The worker imports the rule's history; the page follows its progress.
    expect(page.locator("#rule-switch")).to_contain_text(
        f"{matched} packets from history", timeout=120_000
    )

    # The packets are in the queue.
    page.get_by_role("link", name="Queue").click()
    packets = Packet.objects.filter(organization=organization)
    assert packets.count() == matched
    newest = packets.select_related("job").order_by("-created_at", "-id").first()
    assert newest is not None
    expect(page.get_by_role("link", name=f"#{newest.pk}", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text(newest.job.job_number)
    page.close()
    settle()
