"""The packet page: everything the packet gathered, findings beside what they concern,
photos and PDFs, the timeline, and the status actions with their inputs and refusals."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Organization, Role, User
from autofile.mirror.models import JobAttachment
from autofile.packets.models import Packet, PacketEvent, PacketStatus
from autofile.review import services
from autofile.review.models import DeliveryStatus
from autofile.writeback.models import OutboxStatus
from tests.autofile.review.qa_records import Filed, file_packet
from tests.factories import (
    CorrectionFactory,
    CustomerContactFactory,
    EstimateFactory,
    EstimateItemFactory,
    FormSubmissionFactory,
    InstalledEquipmentFactory,
    InvoiceItemFactory,
    JobAttachmentFactory,
    OutboxAttemptFactory,
)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


@pytest.fixture
def filed(organization: Organization) -> Filed:
    return file_packet(organization)


def page_of(client: Client, packet: Packet, **headers: str) -> str:
    response = client.get(reverse("review:packet_detail", args=[packet.pk]), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def hx(target: str) -> dict[str, str]:
    return {"HX-Request": "true", "HX-Target": target}


def test_the_page_shows_everything_the_packet_gathered(
    signed_in: Callable[[User], Client], qa_user: User, filed: Filed
) -> None:
    job = filed.job
    estimate = EstimateFactory.create(
        connection=filed.connection, job=job, name="Best: Carrier Infinity 24", status="Sold"
    )
    line = EstimateItemFactory.create(
        connection=filed.connection,
        estimate=estimate,
        sku_name="HP-CAR-25VNA036",
        unit_price=Decimal("9800.00"),
        total=Decimal("9800.00"),
    )
    estimate.item_ids = [line.st_id]
    estimate.save()
    InstalledEquipmentFactory.create(
        connection=filed.connection,
        location=filed.location,
        invoice_item_st_id=filed.heat_pump.st_id,
        equipment_type="Heat Pump",
        serial_number="2521E10999",
    )
    FormSubmissionFactory.create(
        connection=filed.connection, job=job, form_name="Install checklist", status="Completed"
    )
    page = page_of(signed_in(qa_user), filed.packet)
    for text in (
        f"Packet #{filed.packet.pk}",
        f"Job {job.job_number}",
        "Dana Whitfield",
        "(214) 555-0134",  # the phone number, formatted
        "noemail@",
        filed.location.street,
        "HVAC Install",
        "Rebate Needed",  # the job's tags by name
        "Rosa Martinez",  # the appointment's technician
        "Carrier Infinity 24 Heat Pump 3 Ton",
        "$10,000.00",
        "$12,000.00",  # the invoice total
        "Best: Carrier Infinity 24",
        "$9,800.00",
        "2521E10999",
        "Install checklist",
        "nameplate.jpg",
        "ahri-certificate.pdf",
        "Oncor heat pump",
    ):
        assert text in page, text
    start = timezone.localtime(filed.appointment.arrival_window_start)
    end = timezone.localtime(filed.appointment.arrival_window_end)
    assert f"{start:%H:%M}\N{EN DASH}{end:%H:%M}" in page  # the arrival window


def test_each_finding_is_shown_beside_what_it_concerns(
    signed_in: Callable[[User], Client], qa_user: User, filed: Filed
) -> None:
    page = page_of(signed_in(qa_user), filed.packet)
    email_row = page[page.index(f'<tr id="contact-{filed.email.pk}"') :]
    email_row = email_row[: email_row.index("</tr>", email_row.index("finding-row"))]
    assert '<td class="flag-error">noemail@</td>' in email_row
    assert "The e-mail address “noemail@” is not valid." in email_row
    invoice = page[page.index(f'<section id="invoice-{filed.invoice.pk}"') :]
    assert '<td class="num total flag-error">$12,000.00</td>' in invoice
    assert "total is $12,000.00, but its items ($11,500.00)" in invoice
    # The findings panel links each finding to its record.
    panel = page[page.index('<aside id="findings"') :]
    assert f'href="#contact-{filed.email.pk}"' in panel
    assert f'href="#invoice-{filed.invoice.pk}"' in panel
    assert '<span class="count-err">2 errors</span>' in page


def test_photos_show_inline_and_pdfs_open(
    signed_in: Callable[[User], Client], qa_user: User, filed: Filed
) -> None:
    photo = JobAttachment.objects.get(job=filed.job, file_name="nameplate.jpg")
    photo.file.save("nameplate.jpg", ContentFile(JPEG))
    pdf = JobAttachment.objects.get(job=filed.job, file_name="ahri-certificate.pdf")
    pdf.file.save("ahri-certificate.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    client = signed_in(qa_user)
    page = page_of(client, filed.packet)
    photo_url = reverse("review:attachment_file", args=[photo.pk])
    assert f'<img src="{photo_url}" alt="nameplate.jpg"' in page
    pdf_url = reverse("review:attachment_file", args=[pdf.pk])
    assert f'<a href="{pdf_url}" target="_blank"' in page

    response = client.get(photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == JPEG  # type: ignore[attr-defined]
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")


def test_a_file_that_is_not_a_photo_or_pdf_downloads(
    signed_in: Callable[[User], Client], qa_user: User, filed: Filed
) -> None:
    page = JobAttachmentFactory.create(
        connection=filed.connection, job=filed.job, file_name="notes.html", content_type="text/html"
    )
    page.file.save("notes.html", ContentFile(b"<script>alert(1)</script>"))
    response = signed_in(qa_user).get(reverse("review:attachment_file", args=[page.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_file_not_downloaded_yet_can_be_fetched(
    signed_in: Callable[[User], Client],
    qa_user: User,
    filed: Filed,
    django_capture_on_commit_callbacks: Any,
) -> None:
    attachment = JobAttachment.objects.get(job=filed.job, file_name="nameplate.jpg")
    client = signed_in(qa_user)
    url = reverse("review:attachment_file", args=[attachment.pk])
    assert client.get(url).status_code == 404
    assert "Not downloaded yet" in page_of(client, filed.packet)
    packet_url = reverse("review:packet_detail", args=[filed.packet.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, {"next": packet_url})
    assert response.status_code == 302 and response["Location"] == packet_url
    assert len(callbacks) == 1  # the worker's fetch of the job's documents, after commit


def test_documents_can_be_fetched_again_for_the_whole_job(
    signed_in: Callable[[User], Client],
    qa_user: User,
    filed: Filed,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = signed_in(qa_user).post(
            reverse("review:packet_documents", args=[filed.packet.pk])
        )
    assert response.status_code == 302
    assert response["Location"] == f"/packets/{filed.packet.pk}/#documents"
    assert len(callbacks) == 1


def test_attachments_of_another_organization_are_not_found(
    signed_in: Callable[[User], Client],
    member: Callable[..., User],
    other_organization: Organization,
    filed: Filed,
) -> None:
    attachment = JobAttachment.objects.get(job=filed.job, file_name="nameplate.jpg")
    attachment.file.save("nameplate.jpg", ContentFile(JPEG))
    outsider = member(Role.QA, org=other_organization)
    response = signed_in(outsider).get(reverse("review:attachment_file", args=[attachment.pk]))
    assert response.status_code == 404


def test_the_timeline_holds_appointments_status_changes_and_corrections(
    signed_in: Callable[[User], Client], qa_user: User, filed: Filed, organization: Organization
) -> None:
    client = signed_in(qa_user)
    client.post(reverse("review:packet_action", args=[filed.packet.pk]), {"action": "start_review"})
    correction = services.invoice_item_update(
        organization=organization,
        user=qa_user,
        item_id=filed.labor.pk,
        data={"unit_price": "2000.00"},
        reason="Price from the signed estimate",
        packet=filed.packet,
    )
    OutboxAttemptFactory.create(
        message=correction.outbox_message, outcome="retry", status_code=503, error="Unavailable"
    )
    page = page_of(client, filed.packet)
    timeline = page[page.index('<section id="timeline"') :]
    assert "Appointment " in timeline and "Rosa Martinez" in timeline
    assert "review started" in timeline
    assert f'id="correction-{correction.pk}"' in timeline
    assert "<del>1500.00</del> → <ins>2000.00</ins>" in timeline
    assert "“Price from the signed estimate”" in timeline
    assert "1 write-back attempt" in timeline and "Will retry (503)" in timeline
    # The corrected row shows the correction and its delivery status.
    row = page[page.index(f'<tr id="item-{filed.labor.pk}"') :]
    assert f'delivery delivery-{correction.pk} queued"' in row[: row.index("</tr>")]
    # While a delivery is on its way, the page polls its status.
    assert f"/packets/deliveries/?c={correction.pk}:queued" in timeline


def test_start_review_swaps_the_head_and_records_the_event(
    signed_in: Callable[[User], Client], qa_user: User, filed: Filed
) -> None:
    response = signed_in(qa_user).post(
        reverse("review:packet_action", args=[filed.packet.pk]),
        {"action": "start_review"},
        headers=hx("packet-head"),
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="packet-head"')
    assert "Review started: the packet is now in review." in body
    assert '<aside id="findings" class="card findings-panel" hx-swap-oob="true"' in body
    assert '<section id="timeline" class="card timeline-panel" hx-swap-oob="true"' in body
    filed.packet.refresh_from_db()
    assert filed.packet.status == PacketStatus.IN_REVIEW
    assert PacketEvent.objects.filter(packet=filed.packet, action="start_review").exists()


def test_mark_ready_is_refused_while_errors_remain(
    signed_in: Callable[[User], Client], qa_user: User, filed: Filed
) -> None:
    Packet.objects.filter(pk=filed.packet.pk).update(status=PacketStatus.IN_REVIEW)
    client = signed_in(qa_user)
    page = page_of(client, filed.packet)
    assert '<span class="hint">2 errors remain</span>' in page
    response = client.post(
        reverse("review:packet_action", args=[filed.packet.pk]),
        {"action": "mark_ready"},
        headers=hx("packet-head"),
    )
    body = response.content.decode()
    assert "Cannot mark ready: 2 errors remain" in body
    assert 'class="result err" role="alert"' in body
    filed.packet.refresh_from_db()
    assert filed.packet.status == PacketStatus.IN_REVIEW


def test_submit_needs_the_confirmation_number_and_keeps_the_input(
    signed_in: Callable[[User], Client], qa_user: User, organization: Organization
) -> None:
    filed = file_packet(organization)
    Packet.objects.filter(pk=filed.packet.pk).update(status=PacketStatus.READY, error_count=0)
    filed.packet.findings.all().delete()
    filed.program.requirements.all().delete()
    filed.program.checks.all().delete()
    client = signed_in(qa_user)
    url = reverse("review:packet_action", args=[filed.packet.pk])
    response = client.post(url, {"action": "submit", "note": "Portal upload done"})
    assert response.status_code == 200  # no JavaScript: the page again, with the refusal
    body = response.content.decode()
    assert "Cannot mark submitted: give the program&#x27;s confirmation number." in body
    assert "<details open>" in body and "Portal upload done</textarea>" in body
    response = client.post(
        url,
        {"action": "submit", "confirmation_number": "ONC-2291", "submitted_on": "2025-03-04"},
    )
    assert response.status_code == 302
    filed.packet.refresh_from_db()
    assert filed.packet.status == PacketStatus.SUBMITTED
    assert filed.packet.confirmation_number == "ONC-2291"
    assert str(filed.packet.submitted_on) == "2025-03-04"


def test_kickback_offers_the_programs_reasons(
    signed_in: Callable[[User], Client], qa_user: User, filed: Filed
) -> None:
    Packet.objects.filter(pk=filed.packet.pk).update(status=PacketStatus.SUBMITTED)
    client = signed_in(qa_user)
    page = page_of(client, filed.packet)
    assert '<option value="PHOTO" >Nameplate photo illegible (PHOTO)</option>' in page
    assert '<option value="AHRI" >AHRI certificate missing (AHRI)</option>' in page
    response = client.post(
        reverse("review:packet_action", args=[filed.packet.pk]),
        {"action": "kickback", "reason_code": "AHRI", "note": "Sponsor wants the certificate"},
        headers=hx("packet-head"),
    )
    assert "Kicked back: the packet is now in review." in response.content.decode()
    filed.packet.refresh_from_db()
    assert filed.packet.status == PacketStatus.IN_REVIEW
    assert filed.packet.kickback_reason is not None
    assert filed.packet.kickback_reason.code == "AHRI"
    assert "AHRI certificate missing" in page_of(client, filed.packet)


def test_approve_and_pay_carry_their_amounts(
    signed_in: Callable[[User], Client], qa_user: User, filed: Filed
) -> None:
    Packet.objects.filter(pk=filed.packet.pk).update(status=PacketStatus.SUBMITTED)
    client = signed_in(qa_user)
    url = reverse("review:packet_action", args=[filed.packet.pk])
    bad = client.post(
        url, {"action": "approve", "approved_amount": "-5"}, headers=hx("packet-head")
    )
    assert (
        "Approved amount: Ensure this value is greater than or equal to 0." in bad.content.decode()
    )
    client.post(url, {"action": "approve", "approved_amount": "1200.00"})
    client.post(url, {"action": "pay", "paid_amount": "1200.00", "paid_on": "2025-05-01"})
    filed.packet.refresh_from_db()
    assert filed.packet.status == PacketStatus.PAID
    assert filed.packet.approved_amount == Decimal("1200.00")
    assert filed.packet.paid_amount == Decimal("1200.00")
    page = page_of(client, filed.packet)
    assert "Paid</span>" in page
    assert 'action="/packets/' + str(filed.packet.pk) + '/status/"' not in page  # final


def test_withdraw_needs_a_note(
    signed_in: Callable[[User], Client], qa_user: User, filed: Filed
) -> None:
    client = signed_in(qa_user)
    url = reverse("review:packet_action", args=[filed.packet.pk])
    response = client.post(url, {"action": "withdraw"}, headers=hx("packet-head"))
    assert "Cannot withdraw: add a note saying why." in response.content.decode()
    client.post(url, {"action": "withdraw", "note": "Customer declined the rebate"})
    filed.packet.refresh_from_db()
    assert filed.packet.status == PacketStatus.WITHDRAWN


def test_claim_and_assign_from_the_packet_page_swap_the_head(
    signed_in: Callable[[User], Client],
    qa_user: User,
    member: Callable[..., User],
    filed: Filed,
) -> None:
    teammate = member(Role.QA)
    client = signed_in(qa_user)
    response = client.post(
        reverse("review:packet_claim", args=[filed.packet.pk]), headers=hx("packet-head")
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="packet-head"')
    assert f"Packet #{filed.packet.pk} is yours." in body
    response = client.post(
        reverse("review:packet_assign", args=[filed.packet.pk]),
        {"assignee": teammate.pk},
        headers=hx("packet-head"),
    )
    assert f"assigned to {teammate}" in response.content.decode()


def test_htmx_asks_for_one_part_by_its_id(
    signed_in: Callable[[User], Client], qa_user: User, filed: Filed
) -> None:
    client = signed_in(qa_user)
    for target in ("findings", "timeline", "customer", "location", "packet-head"):
        body = page_of(client, filed.packet, **hx(target))
        assert "<html" not in body
        assert re.match(rf'\s*<(section|aside) id="{target}"', body), target
    body = page_of(client, filed.packet, **hx(f"invoice-{filed.invoice.pk}"))
    assert body.lstrip().startswith(f'<section id="invoice-{filed.invoice.pk}"')


def test_coordinators_read_the_page_but_cannot_act(
    signed_in: Callable[[User], Client], coordinator_user: User, filed: Filed
) -> None:
    client = signed_in(coordinator_user)
    page = page_of(client, filed.packet)
    assert "Dana Whitfield" in page
    assert "/status/" not in page  # no status actions
    assert "Edit address" not in page and "+ Add item" not in page
    response = client.post(
        reverse("review:packet_action", args=[filed.packet.pk]), {"action": "start_review"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("size", ["small", "large"])
def test_packet_page_query_count_does_not_grow(
    size: str,
    signed_in: Callable[[User], Client],
    qa_user: User,
    organization: Organization,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    large = size == "large"
    filed = file_packet(
        organization, extra_items=18 if large else 0, extra_contacts=8 if large else 0
    )
    for n in range(6 if large else 1):
        correction = CorrectionFactory.create(
            connection=filed.connection,
            packet=filed.packet,
            delivery_status=DeliveryStatus.FAILED if n == 0 else DeliveryStatus.QUEUED,
        )
        message = correction.outbox_message
        assert message is not None
        OutboxAttemptFactory.create(message=message, outcome="failed")
        if n == 0:
            message.status = OutboxStatus.FAILED
            message.last_error = "400: The customer is inactive."
            message.save()
    if large:
        for n in range(5):
            InvoiceItemFactory.create(
                connection=filed.connection, invoice=filed.invoice, order=40 + n
            )
            CustomerContactFactory.create(
                connection=filed.connection, customer=filed.customer, contact_type="Email"
            )
    client = signed_in(qa_user)
    client.get(reverse("review:packet_detail", args=[filed.packet.pk]))
    # 25, plus the packet's documents (bundle), outreach's requests and the filing PDF
    # (extensions)
    with django_assert_num_queries(28):
        page = page_of(client, filed.packet)
    assert "400: The customer is inactive." in page
