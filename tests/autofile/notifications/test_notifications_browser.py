"""The bell in a real browser: htmx loads the unread count after the page (under the
site's Content-Security-Policy), the list opens from it and reading clears it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from autofile.accounts.models import Organization, User
from autofile.notifications import services
from tests.autofile.notifications.test_notifications import kickback, packet_for

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser]


def test_the_bell_counts_and_the_list_opens_the_packet(
    organization: Organization,
    qa_user: User,
    admin_user: User,
    browser_sign_in: Callable[[User], Page],
) -> None:
    from playwright.sync_api import expect

    packet = packet_for(organization, qa_user)
    kickback(packet, by=admin_user)
    kickback(packet_for(organization, qa_user), by=admin_user)
    services.notifications_collect()

    page = browser_sign_in(qa_user)
    bell = page.locator("#notification-bell")
    expect(bell.locator(".count")).to_have_text("2")
    expect(bell).to_have_attribute("aria-label", "Notifications: 2 unread")
    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    page.get_by_role("link", name=f"Packet #{packet.pk}").click()
    expect(page.get_by_role("heading", name=f"Packet #{packet.pk}")).to_be_visible()
    expect(page.locator("#notification-bell .count")).to_have_text("1")
    page.goto("/notifications/")
    page.get_by_role("button", name="Mark all 1 read").click()
    expect(page.get_by_text("1 notification marked read.")).to_be_visible()
    expect(page.locator("#notification-bell")).to_have_attribute("aria-label", "Notifications")
    expect(page.locator("#notification-bell .count")).to_have_count(0)
