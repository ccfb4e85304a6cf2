"""A homeowner answers a request on a phone, and what they give reaches the packet and
ServiceTitan.

Debian's Chromium through Playwright, the live server, a real SMTP server (aiosmtpd), a
real Celery worker on the test Redis and the ServiceTitan simulator over HTTP. The reviewer
asks from the packet page; the homeowner opens the e-mailed link at 390x844, enters the
utility account number, uploads a bill, confirms a new phone number and signs on the
canvas. The reviewer's packet page then shows the values with their origin and the
findings cleared; the worker delivers the outbox, and the simulator holds the uploaded
attachment, the new contact and the number in the location's custom field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from autofile.accounts.models import Organization, User
from autofile.mirror.models import Connection, CustomerContact, Job, TagType
from autofile.mirror.services import connection_sync
from autofile.outreach.models import HomeownerRequest, RequestState, Signature
from autofile.packets import services as packet_services
from autofile.packets.models import Packet, PacketDocument, ProgramRequirement
from autofile.writeback.models import OutboxMessage, OutboxStatus
from tests.autofile.outreach.conftest import Mailbox
from tests.waiting import wait_for

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from integrations.servicetitan.simulator import Simulator

pytestmark = [pytest.mark.browser, pytest.mark.slow]

Req = ProgramRequirement.Kind
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = "2145550143"


def emailed_job(connection: Connection) -> Job:
    """A job whose customer has an e-mail address and whose location has no utility
    account number yet."""
    emailed = CustomerContact.objects.filter(
        connection=connection, contact_type="Email", active=True
    ).values("customer_st_id")
    for job in (
        Job.objects.filter(
            connection=connection,
            active=True,
            customer_st_id__in=emailed,
            location__isnull=False,
            customer__isnull=False,
        )
        .select_related("location")
        .order_by("st_id")
    ):
        assert job.location is not None
        fields = job.location.raw.get("customFields") or []
        if not any("utility" in str(f.get("name", "")).casefold() for f in fields):
            return job
    raise AssertionError("the simulated tenant has no job to ask about")


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_a_homeowner_answers_on_a_phone_and_servicetitan_gets_it(
    simulator: tuple[Simulator, str],
    sim_connection: Connection,
    celery_worker: Any,
    smtp: Mailbox,
    organization: Organization,
    qa_user: User,
    browser: Browser,
    browser_sign_in: Callable[[User], Page],
    live_server: Any,
) -> None:
    from playwright.sync_api import expect

    sim, _ = simulator
    connection = sim_connection

    # --- setup, through the services ---
    connection_sync(connection_id=connection.pk)
    connection.autofile_tag_type_id = TagType.objects.get(
        connection=connection, name="AutoFile"
    ).st_id
    connection.utility_account_field = "Utility Account Number"
    connection.save(update_fields=["autofile_tag_type_id", "utility_account_field"])
    rebate_tag = TagType.objects.get(connection=connection, name="Rebate Needed").st_id
    program = packet_services.program_create(
        organization=organization, name="Oncor heat pump", sponsor="Oncor", sponsor_type="utility"
    )
    for kind, label, pattern in (
        (Req.UTILITY_ACCOUNT, "Utility account number", ""),
        (Req.DOCUMENT, "Recent utility bill", "utility-bill*"),
        (Req.FORM, "Signed customer form", "signed-customer-form*"),
    ):
        packet_services.requirement_create(program=program, kind=kind, label=label, pattern=pattern)
    job = emailed_job(connection)
    sim.tag_job(job.st_id, rebate_tag)
    packet_services.rule_create(
        organization=organization,
        connection=connection,
        program=program,
        name="Rebate Needed",
        is_active=True,
        tag_type_ids=[rebate_tag],
    )
    connection_sync(connection_id=connection.pk, resources=["jobs"])
    packet = wait_for(
        lambda: Packet.objects.filter(job=job, program=program).first(), what="the packet"
    )
    packet_services.packet_validate(packet=packet)
    codes = set(packet.findings.values_list("code", flat=True))
    assert "utility_account_missing" in codes, codes
    assert job.customer is not None and job.location is not None

    # --- the reviewer asks, in the browser ---
    reviewer = browser_sign_in(qa_user)
    reviewer.goto(f"/packets/{packet.pk}/")
    reviewer.get_by_role("link", name="Ask the homeowner…").click()
    expect(reviewer.get_by_role("heading", name="Ask the homeowner")).to_be_visible()
    for label in ("Utility account number", "A recent utility bill", "Signature on"):
        expect(reviewer.get_by_label(re.compile(label))).to_be_checked()
    reviewer.get_by_label("E-mail and phone confirmation").check()
    reviewer.get_by_role("button", name="Send the request").click()
    expect(reviewer.locator("#homeowner-requests")).to_contain_text("Sent")
    hr = HomeownerRequest.objects.get(packet=packet)
    [mail] = smtp.to(hr.email)
    link = smtp.link(hr.email)
    assert link.startswith(live_server.url)

    # --- the homeowner, on a phone ---
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile",
    )
    phone.set_default_timeout(20_000)
    home = phone.new_page()
    home.goto(link)
    expect(home.get_by_text("Step 1 of 4")).to_be_visible()
    expect(home.locator("body")).to_contain_text(organization.name)
    assert no_sideways_scroll(home)
    home.get_by_label("Utility account number").fill("1044 3721 9005")
    home.get_by_label("Type it again").fill("1044 3721 9004")
    home.get_by_role("button", name="Continue").click()
    expect(home.get_by_text("The two numbers differ")).to_be_visible()
    expect(home.get_by_label("Utility account number")).to_have_value("1044 3721 9005")
    home.get_by_label("Type it again").fill("1044 3721 9005")
    home.get_by_role("button", name="Continue").click()

    expect(home.get_by_text("Step 2 of 4")).to_be_visible()
    home.get_by_label("Choose a file").set_input_files(
        {"name": "bill.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" * 64}
    )
    home.get_by_role("button", name="Continue").click()
    expect(home.get_by_text("This kind of file cannot be used")).to_be_visible()
    home.get_by_label("Choose a file").set_input_files(
        {"name": "bill.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    home.get_by_role("button", name="Continue").click()

    expect(home.get_by_text("Step 3 of 4")).to_be_visible()
    home.get_by_label("Your mobile phone number").fill("(214) 555-0143")
    home.get_by_role("button", name="Continue").click()

    expect(home.get_by_text("Step 4 of 4")).to_be_visible()
    expect(home.locator(".customer-form")).to_contain_text("customer certification")
    assert no_sideways_scroll(home)
    customer_name = job.customer.name
    home.get_by_label("Type your full name").fill(customer_name)
    home.get_by_label("I have read the form").check()
    pad = home.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None and box["width"] <= 390
    home.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.6)
    home.mouse.down()
    for step in range(1, 12):
        home.mouse.move(
            box["x"] + 20 + step * (box["width"] - 60) / 11,
            box["y"] + box["height"] * (0.3 if step % 2 else 0.7),
        )
    home.mouse.up()
    home.get_by_role("button", name="Sign").click()
    expect(home.get_by_role("heading", name="Thank you")).to_be_visible()
    assert no_sideways_scroll(home)

    hr.refresh_from_db()
    assert hr.state == RequestState.ANSWERED
    signature = Signature.objects.get(request=hr)
    assert signature.typed_name == customer_name and "iPhone" in signature.user_agent
    assert signature.ip_address == "127.0.0.1"

    # --- the reviewer sees what the homeowner gave, with its origin ---
    origin = f"entered by the homeowner via request #{hr.pk}"
    reviewer.goto(f"/packets/{packet.pk}/")
    expect(reviewer.locator("#location-utility-account")).to_contain_text("1044 3721 9005")
    expect(reviewer.locator("#location-utility-account")).to_contain_text(origin)
    panel = reviewer.locator("#homeowner-requests")
    expect(panel).to_contain_text("Answered")
    expect(panel).to_contain_text(f"uploaded by the homeowner via request #{hr.pk}")
    expect(panel).to_contain_text(f"signed by {customer_name}")
    expect(panel).to_contain_text(PHONE)
    findings = reviewer.locator("#findings")
    for gone in ("Utility account number", "Recent utility bill", "Signed customer form"):
        expect(findings).not_to_contain_text(gone)
    codes = set(packet.findings.values_list("code", flat=True))
    assert not codes & {"utility_account_missing", "document_missing", "form_missing"}, codes

    # --- the worker delivers the outbox to ServiceTitan ---
    def delivered() -> bool:
        messages = OutboxMessage.objects.filter(connection=connection)
        return messages.count() >= 4 and not messages.exclude(status=OutboxStatus.SENT).exists()

    wait_for(delivered, what="the outbox delivered to ServiceTitan")
    bill, signed = PacketDocument.objects.filter(packet=packet).order_by("id")
    attachments = {
        a["fileName"]: a
        for a in sim.store.iter_by_id("job-attachments")
        if a.get("_jobId") == job.st_id
    }
    for document in (bill, signed):
        assert document.name in attachments
        stored = sim.uploads.get(f"job-attachment/{attachments[document.name]['id']}")
        assert stored is not None
        with document.file.open("rb") as handle:
            assert stored[0] == handle.read()
    contacts = [
        c
        for c in sim.store.iter_by_id("customer-contacts")
        if c.get("customerId") == job.customer_st_id and c.get("value") == PHONE
    ]
    assert len(contacts) == 1 and contacts[0]["type"] == "MobilePhone"
    assert job.customer_st_id is not None
    st_customer = sim.record("customers", job.customer_st_id)
    assert st_customer is not None
    assert connection.autofile_tag_type_id in st_customer["tagTypeIds"]
    location = sim.record("locations", job.location.st_id)
    assert location is not None
    assert {"name": "Utility Account Number", "value": "1044 3721 9005"}.items() <= next(
        f for f in location["customFields"] if f.get("name") == "Utility Account Number"
    ).items()
    st_job = sim.record("jobs", job.st_id)
    assert st_job is not None and connection.autofile_tag_type_id in st_job["tagTypeIds"]
    phone.close()
