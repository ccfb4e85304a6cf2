"""A QA reviewer fixes a packet in a real browser and the fixes reach ServiceTitan.

Debian's Chromium through Playwright, the live server, a real Celery worker on the test
Redis, and the ServiceTitan simulator over HTTP. Setup goes through the services: sync
the small tenant, write a program and an import rule on the "Rebate Needed" tag; in
ServiceTitan an office user tags a job whose invoice total no longer matches its items
and mistypes its customer's e-mail; the next sync imports the packet. Then the reviewer
filters the queue, opens the packet, fixes the item price and the e-mail, sees the
findings clear and marks the packet ready; the worker writes both fixes back, with the
AutoFile tag, and the page shows each delivery as it happens.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from autofile.accounts.models import Organization, User
from autofile.mirror.models import Connection, CustomerContact, Invoice, InvoiceItem, TagType
from autofile.mirror.services import connection_sync
from autofile.packets import services as packet_services
from autofile.packets.models import Packet, PacketStatus, ProgramRequirement
from autofile.review.models import Correction
from tests.waiting import settle

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from integrations.servicetitan.simulator import Simulator

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def blemished_invoice(connection: Connection) -> Invoice:
    """A completed job's invoice whose total no longer matches its items plus tax (edited
    after the fact in ServiceTitan), of a customer with an e-mail address."""
    emailed = CustomerContact.objects.filter(
        connection=connection, contact_type="Email", active=True
    ).values("customer_st_id")
    for invoice in (
        Invoice.objects.filter(
            connection=connection,
            active=True,
            job__job_status="Completed",
            customer_st_id__in=emailed,
        )
        .select_related("job")
        .order_by("st_id")
    ):
        expected = (invoice.sub_total or Decimal(0)) + (invoice.sales_tax or Decimal(0))
        items = InvoiceItem.objects.filter(
            connection=connection, invoice_st_id=invoice.st_id, active=True, quantity__gt=0
        )
        if invoice.total is not None and invoice.total - expected >= 1 and items.exists():
            return invoice
    raise AssertionError("the simulated tenant has no invoice whose total is off")


def test_a_reviewer_fixes_a_packet_and_servicetitan_gets_the_fixes(
    simulator: tuple[Simulator, str],
    sim_connection: Connection,
    celery_worker: Any,
    organization: Organization,
    qa_user: User,
    browser_sign_in: Callable[[User], Page],
) -> None:
    from playwright.sync_api import expect

    sim, base_url = simulator
    connection = sim_connection

    # --- setup, through the services ---
    connection_sync(connection_id=connection.pk)
    autofile_tag = TagType.objects.get(connection=connection, name="AutoFile").st_id
    rebate_tag = TagType.objects.get(connection=connection, name="Rebate Needed").st_id
    connection.autofile_tag_type_id = autofile_tag
    connection.save(update_fields=["autofile_tag_type_id"])
    program = packet_services.program_create(
        organization=organization,
        name="Oncor residential heat pump",
        sponsor="Oncor",
        sponsor_type="utility",
    )
    packet_services.requirement_create(
        program=program, kind=ProgramRequirement.Kind.CUSTOMER_EMAIL, label="Customer e-mail"
    )
    packet_services.requirement_create(
        program=program, kind=ProgramRequirement.Kind.ITEMIZED_INVOICE, label="Itemized invoice"
    )
    packet_services.check_create(
        program=program, kind="invoice_totals", label="Invoice total matches its items"
    )
    packet_services.rule_create(
        organization=organization,
        connection=connection,
        program=program,
        name="Rebate Needed",
        is_active=True,
        tag_type_ids=[rebate_tag],
    )
    invoice = blemished_invoice(connection)
    job = invoice.job
    assert job is not None and job.customer_st_id is not None
    # In ServiceTitan, the office tags the job and mistypes the customer's e-mail.
    for method, path, body in (
        ("POST", f"/_sim/jobs/{job.st_id}/tags", {"tagTypeId": rebate_tag}),
        ("PATCH", f"/_sim/customers/{job.customer_st_id}", {"email": "dana.whitfield@@example"}),
    ):
        assert httpx.request(method, f"{base_url}{path}", json=body).status_code == 200
    connection_sync(
        connection_id=connection.pk, resources=["customers", "customer-contacts", "jobs"]
    )
    packet = Packet.objects.get(job=job, program=program)
    packet_services.packet_validate(packet=packet)
    packet.refresh_from_db()
    assert packet.error_count == 2, list(packet.findings.values_list("message", flat=True))

    item = (
        InvoiceItem.objects.filter(
            connection=connection, invoice_st_id=invoice.st_id, active=True, quantity__gt=0
        )
        .order_by("-total", "st_id")
        .first()
    )
    assert item is not None and item.quantity and item.unit_price is not None
    off_by = invoice.total - invoice.sub_total - invoice.sales_tax  # type: ignore[operator]
    new_price = (item.unit_price + off_by / item.quantity).quantize(Decimal("0.01"))
    email = CustomerContact.objects.get(
        connection=connection, customer_st_id=job.customer_st_id, contact_type="Email", active=True
    )
    assert email.value == "dana.whitfield@@example"

    # --- the reviewer, in the browser ---
    page = browser_sign_in(qa_user)
    expect(page.get_by_role("heading", name="Packet queue")).to_be_visible()
    page.get_by_label("Search").fill(job.job_number)
    expect(page).to_have_url(re.compile(rf"/packets/\?q={job.job_number}$"))
    row = page.locator(f"#packet-{packet.pk}")
    expect(row).to_be_visible()
    expect(page.locator("#packet-table tbody tr")).to_have_count(1)
    row.get_by_role("link", name=f"#{packet.pk}").click()
    expect(page.get_by_role("heading", name=f"Packet #{packet.pk}")).to_be_visible()
    findings = page.locator("#findings")
    expect(findings.locator("li.finding.error")).to_have_count(2)
    expect(findings).to_contain_text("is not valid")

    # Fix the item's price: the invoice is re-totalled and its finding clears.
    page.locator(f"#item-{item.pk}").get_by_role("link", name="Edit").click()
    price = page.locator(f"#item-{item.pk}-unit_price")
    expect(price).to_be_visible()
    price.fill(str(new_price))
    page.locator(f"#item-{item.pk}-reason").fill("Price from the signed estimate")
    page.get_by_role("button", name="Save item").click()
    expect(findings.locator("li.finding.error")).to_have_count(1)
    expect(page.locator(f"#item-{item.pk}")).to_contain_text(f"{new_price:,}")
    expect(page.locator(f"#item-{item.pk} .delivery")).to_be_visible()

    # Fix the e-mail address, first mistyped again: the form says what is wrong.
    page.locator(f"#contact-{email.pk}").get_by_role("link", name="Edit").click()
    value = page.locator(f"#contact-{email.pk}-value")
    value.fill("dana.whitfield@example")
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator(f"#contact-{email.pk}")).to_contain_text(
        "Enter a valid e-mail address, like name@example.com."
    )
    page.locator(f"#contact-{email.pk}-value").fill("Dana.Whitfield@example.com")
    page.get_by_role("button", name="Save contact").click()
    expect(findings).to_contain_text("No findings")
    expect(page.locator(f"#contact-{email.pk}")).to_contain_text("dana.whitfield@example.com")

    # Move the packet on.
    head = page.locator("#packet-head")
    head.get_by_role("button", name="Start review").click()
    expect(head.locator(".badge")).to_have_text("In review")
    head.get_by_role("button", name="Mark ready").click()
    expect(head.locator(".badge")).to_have_text("Ready")
    expect(head).to_contain_text("Marked ready: the packet is now ready.")

    # The worker writes both fixes to ServiceTitan; the page shows it live.
    item_change = Correction.objects.get(target_row_id=item.pk, target_type="invoice_item")
    email_change = Correction.objects.get(target_row_id=email.pk, target_type="customer_contact")
    for change in (item_change, email_change):
        expect(page.locator(f".delivery-{change.pk}").first).to_have_text(
            "Sent to ServiceTitan", timeout=90_000
        )

    st_item = sim.record("invoice-items", item.st_id)
    assert st_item is not None and Decimal(str(st_item["price"])) == new_price
    st_email = sim.record("customer-contacts", email.st_id)
    assert st_email is not None and st_email["value"] == "dana.whitfield@example.com"
    st_job = sim.record("jobs", job.st_id)
    assert st_job is not None
    assert autofile_tag in st_job["tagTypeIds"] and rebate_tag in st_job["tagTypeIds"]
    st_customer = sim.record("customers", job.customer_st_id)
    assert st_customer is not None and autofile_tag in st_customer["tagTypeIds"]

    packet.refresh_from_db()
    assert packet.status == PacketStatus.READY
    assert packet.error_count == 0
    settle()
