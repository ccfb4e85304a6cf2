"""A reviewer fixes a model number mistyped on the invoice, in a real browser.

Debian's Chromium through Playwright, the live server, a Celery worker and the simulator
over HTTP. The small tenant is synced and the certified list imported; a program checks
that model and serial numbers agree across the documents and that the equipment is
certified. On a clean heat-pump packet the office's invoice line names the heat pump's
model with one character wrong: the packet page shows both values with the differing
character marked, the reviewer corrects the item's description through the invoice item
form, sees the finding clear and marks the packet ready.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from autofile.accounts.models import Organization, User
from autofile.mirror.models import Connection, InstalledEquipment, InvoiceItem, Job
from autofile.mirror.services import connection_sync
from autofile.packets import services as packet_services
from autofile.packets.models import Packet, PacketStatus
from autofile.packets.services.certified import certified_import_fixtures
from tests.waiting import settle

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from integrations.servicetitan.simulator import Simulator

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def clean_heat_pump_packet(
    connection: Connection, organization: Organization, program: Any
) -> tuple[Packet, InstalledEquipment, InvoiceItem]:
    """A packet of a completed heat-pump install that passes the program, with the invoice
    item that names its heat pump's model."""
    units = InstalledEquipment.objects.filter(
        connection=connection, equipment_type="Heat Pump", invoice_item_st_id__isnull=False
    ).order_by("st_id")
    for unit in units:
        if unit.invoice_item_st_id is None:
            continue
        item = InvoiceItem.objects.filter(
            connection=connection, st_id=unit.invoice_item_st_id, active=True
        ).first()
        if item is None or unit.model not in item.description:
            continue
        if item.invoice is None or item.invoice.job_st_id is None:
            continue
        job = Job.objects.filter(
            connection=connection, st_id=item.invoice.job_st_id, job_status="Completed"
        ).first()
        if job is None:
            continue
        packet = Packet.objects.create(organization=organization, job=job, program=program)
        if not packet_services.packet_validate(packet=packet):
            return packet, unit, item
        packet.delete()
    raise AssertionError("the simulated tenant has no clean heat-pump install")


def test_a_reviewer_fixes_a_model_typo_on_the_invoice_and_the_packet_becomes_ready(
    simulator: tuple[Simulator, str],
    sim_connection: Connection,
    celery_worker: Any,
    organization: Organization,
    qa_user: User,
    browser_sign_in: Callable[[User], Page],
) -> None:
    from playwright.sync_api import expect

    connection = sim_connection
    connection_sync(connection_id=connection.pk)
    certified_import_fixtures()
    program = packet_services.program_create(
        organization=organization,
        name="Utility heat pump rebate",
        sponsor="Oncor",
        sponsor_type="utility",
    )
    packet_services.check_create(
        program=program, kind="equipment_consistent", label="Model and serial numbers agree"
    )
    packet_services.check_create(program=program, kind="certified", label="Certified")
    packet, unit, item = clean_heat_pump_packet(connection, organization, program)

    # The office retyped the line: one character of the model is wrong.
    typo = unit.model[:-1] + ("8" if unit.model[-1] != "8" else "9")
    InvoiceItem.objects.filter(pk=item.pk).update(
        description=item.description.replace(unit.model, typo)
    )
    packet_services.packet_validate(packet=packet)
    packet.refresh_from_db()
    assert packet.error_count == 1

    page = browser_sign_in(qa_user)
    page.goto(f"/packets/{packet.pk}/")
    expect(page.get_by_role("heading", name=f"Packet #{packet.pk}")).to_be_visible()
    findings = page.locator("#findings")
    expect(findings.locator("li.finding.error")).to_have_count(1)
    expect(findings).to_contain_text("differs between documents")
    # Both values, the differing character marked (and named for screen readers).
    expect(findings.locator("dl.compared dt")).to_contain_text(["Unit 1", "Invoice item"])
    typed = findings.locator("dl.compared dt", has_text="Invoice item").locator("+ dd")
    expect(typed.locator("mark.differs")).to_have_text(f"[differs: {typo[-1]}]")
    expect(typed.locator("mark.differs .visually-hidden").first).to_have_text("[differs: ")
    # The finding also sits on the invoice item's row, where the reviewer corrects it.
    row = page.locator(f"#item-{item.pk}")
    beside = page.locator(f"#item-{item.pk} + tr.finding-row")
    expect(beside.locator("mark.differs", has_text=typo[-1]).first).to_be_visible()

    row.get_by_role("link", name="Edit").click()
    description = page.locator(f"#item-{item.pk}-description")
    expect(description).to_be_visible()
    text = description.input_value()
    assert typo in text
    description.fill(text.replace(typo, unit.model))
    page.locator(f"#item-{item.pk}-reason").fill("Model from the nameplate photo")
    page.get_by_role("button", name="Save item").click()
    expect(findings).to_contain_text("No findings")
    expect(page.locator("mark.differs")).to_have_count(0)

    head = page.locator("#packet-head")
    head.get_by_role("button", name="Start review").click()
    expect(head.locator(".badge")).to_have_text("In review")
    head.get_by_role("button", name="Mark ready").click()
    expect(head.locator(".badge")).to_have_text("Ready")
    expect(head).to_contain_text(re.compile("Marked ready"))

    packet.refresh_from_db()
    assert packet.status == PacketStatus.READY and packet.error_count == 0
    assert unit.model in InvoiceItem.objects.get(pk=item.pk).description
    settle()
