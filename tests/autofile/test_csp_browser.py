"""Every page runs under the Content-Security-Policy in a real browser: no violation, and
htmx still swaps (the queue's search, the packet page's panels)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import reverse

from autofile.accounts.models import Organization, Role, User
from tests import factories

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def test_pages_set_the_policy(client: Client, qa_user: User) -> None:
    client.force_login(qa_user)
    policy = client.get(reverse("review:queue"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy


def test_no_page_breaks_the_policy_and_htmx_works(
    page: Page,
    browser_sign_in: Callable[[User], Page],
    member: Callable[..., User],
    organization: Organization,
    other_organization: Organization,
) -> None:
    admin = member(Role.ADMIN)
    factories.MembershipFactory.create(user=admin, organization=other_organization, role=Role.QA)
    connection = factories.ConnectionFactory.create(organization=organization)
    job = factories.JobFactory.create(connection=connection)
    packet = factories.PacketFactory.create(job=job)
    rule = factories.ImportRuleFactory.create(connection=connection, program=packet.program)

    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.add_init_script(RECORD_VIOLATIONS)
    browser_sign_in(admin)

    def visit(url: str) -> None:
        page.goto(url)
        page.wait_for_load_state("load")
        violations: Any = page.evaluate("window.__cspViolations")
        assert violations == [], f"{url}: {violations}"

    for url in [
        reverse("review:queue"),
        reverse("review:packet_detail", kwargs={"packet_id": packet.pk}),
        reverse("coordinators:home"),
        reverse("packets:rule_edit", kwargs={"import_rule_id": rule.pk}),
        reverse("packets:program_edit", kwargs={"rebate_program_id": packet.program_id}),
        reverse("packets:program_list"),
        reverse("mirror:sync_overview"),
        reverse("mirror:quarantine", kwargs={"connection_id": connection.pk}),
        reverse("accounts:members"),
        reverse("api:docs"),
    ]:
        visit(url)

    # htmx runs: the queue's search swaps the results in place, without a page load.
    visit(reverse("review:queue"))
    page.evaluate("window.__marker = 1")
    page.locator("#queue-q").fill(job.job_number)
    page.wait_for_url(lambda url: "q=" in url)
    page.locator("#queue-results").get_by_text(job.job_number).first.wait_for()
    assert page.evaluate("window.__marker") == 1, "htmx swapped the results (no reload)"

    # The organization switcher (moved from an inline handler to app.js) still switches.
    page.get_by_label("Organization").select_option(label=other_organization.name)
    page.wait_for_load_state("load")
    page.get_by_text(f"Now working in {other_organization.name}.").wait_for()

    assert page.evaluate("window.__cspViolations") == []
    assert not [e for e in errors if "Content Security Policy" in e], errors
