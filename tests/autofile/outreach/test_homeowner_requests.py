"""Homeowner requests: asked from the packet page, e-mailed over real SMTP, answered through
the link one step at a time; expiry, revocation, reuse, reminders, bounces, bad files."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from autofile.accounts.models import Organization, User
from autofile.outreach import services
from autofile.outreach.models import HomeownerRequest, Item, RequestState, Signature
from autofile.outreach.selectors import request_suggestions
from autofile.packets.models import Packet, PacketDocument
from autofile.review import extensions
from autofile.writeback.models import OutboxKind, OutboxMessage
from tests.autofile.outreach.conftest import REFUSED_DOMAIN, Mailbox

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(color: str = "black", size: tuple[int, int] = (60, 20)) -> bytes:
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    for x in range(5, size[0] - 5):
        image.putpixel((x, size[1] // 2), (0, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def drawing() -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(png()).decode()


def ask(
    client: Client, packet: Packet, items: list[str], email: str = "dana@example.com"
) -> HomeownerRequest:
    response = client.post(
        reverse("outreach:request_new", args=[packet.pk]),
        {"items": items, "recipient": "", "other_email": email},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return HomeownerRequest.objects.filter(packet=packet).latest("id")


def path_of(link: str) -> str:
    return urlsplit(link).path


@pytest.fixture
def reviewer(signed_in: Callable[[User], Client], qa_user: User) -> Client:
    return signed_in(qa_user)


def test_suggestions_are_ticked_from_open_findings(asking_packet: Packet) -> None:
    ticked = {s.item for s in request_suggestions(packet=asking_packet) if s.ticked}
    assert ticked == {Item.UTILITY_ACCOUNT, Item.UTILITY_BILL, Item.SIGNATURE}


def test_the_request_form_offers_the_customers_addresses(
    reviewer: Client, asking_packet: Packet
) -> None:
    body = reviewer.get(reverse("outreach:request_new", args=[asking_packet.pk])).content.decode()
    assert "dana@example.com (customer contact)" in body
    assert 'value="utility_account" checked' in body
    assert 'value="photos" >' in body or 'value="photos">' in body


def test_a_request_is_mailed_and_its_link_walks_the_steps(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet, client: Client
) -> None:
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT, Item.UTILITY_BILL])
    assert hr.state == RequestState.SENT and hr.sent_at is not None
    link = smtp.link("dana@example.com")
    assert link.startswith("http://testserver/r/")
    assert hr.token_hash not in link and hr.token_nonce not in link

    public = Client()
    page = public.get(path_of(link))
    body = page.content.decode()
    assert page.status_code == 200
    assert asking_packet.organization.name in body
    assert "Step 1 of 2" in body and "Utility account number" in body
    assert "default-src 'none'" in page["Content-Security-Policy"]
    hr.refresh_from_db()
    assert hr.state == RequestState.OPENED

    # a typo: the number is kept on the page with a clear message
    wrong = public.post(
        path_of(link),
        {
            "step": "utility_account",
            "account_number": "1234-5678-90",
            "account_number_again": "1234",
        },
    )
    assert wrong.status_code == 400
    assert "The two numbers differ" in wrong.content.decode()
    assert 'value="1234-5678-90"' in wrong.content.decode()

    done = public.post(
        path_of(link),
        {
            "step": "utility_account",
            "account_number": "1234-5678-90",
            "account_number_again": "1234-5678-90",
        },
    )
    assert done.status_code == 302
    step2 = public.get(path_of(link)).content.decode()
    assert "Step 2 of 2" in step2 and "A recent utility bill" in step2

    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = public.post(
        path_of(link),
        {"step": "utility_bill", "file": SimpleUploadedFile("bill.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 302
    hr.refresh_from_db()
    assert hr.state == RequestState.ANSWERED
    assert hr.answers["utility_account"]["value"] == "1234-5678-90"
    document = PacketDocument.objects.get(packet=asking_packet, kind="utility_bill")
    assert document.origin == f"uploaded by the homeowner via request #{hr.pk}"
    assert document.name.startswith("utility-bill-request-")
    assert OutboxMessage.objects.filter(
        kind=OutboxKind.JOB_ATTACHMENT_UPLOAD, payload__document_id=document.pk
    ).exists()
    codes = set(asking_packet.findings.values_list("code", flat=True))
    assert "utility_account_missing" not in codes
    assert "document_missing" not in codes  # the bill counts as the program's document
    assert "Thank you" in public.get(path_of(link)).content.decode()


def test_the_packet_page_and_queue_show_requests_and_their_state(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet
) -> None:
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    page = reviewer.get(reverse("review:packet_detail", args=[asking_packet.pk])).content.decode()
    assert 'id="homeowner-requests"' in page
    assert f"#{hr.pk}" in page and "req-sent" in page
    queue = reviewer.get(reverse("review:queue")).content.decode()
    row = queue.split(f'<tr id="packet-{asking_packet.pk}">')[1].split("</tr>")[0]
    assert "Homeowner: sent" in row
    assert "outreach-requests" in extensions._queue_badges


def test_an_expired_link_is_refused(smtp: Mailbox, reviewer: Client, asking_packet: Packet) -> None:
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    link = path_of(smtp.link("dana@example.com"))
    HomeownerRequest.objects.filter(pk=hr.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = Client().get(link)
    assert response.status_code == 410 and "expired" in response.content.decode()
    post = Client().post(
        link,
        {
            "step": "utility_account",
            "account_number": "12345678",
            "account_number_again": "12345678",
        },
    )
    assert post.status_code == 410
    assert services.requests_expire() == 1
    hr.refresh_from_db()
    assert hr.state == RequestState.EXPIRED and not hr.done


def test_a_cancelled_link_is_revoked_and_a_resend_works_again(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet
) -> None:
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    link = path_of(smtp.link("dana@example.com"))
    assert Client().get(link).status_code == 200
    assert reviewer.post(reverse("outreach:request_cancel", args=[hr.pk])).status_code == 302
    response = Client().get(link)
    assert response.status_code == 404  # the old secret no longer matches anything
    hr.refresh_from_db()
    assert hr.state == RequestState.CANCELLED
    # cancelled stays cancelled
    reviewer.post(reverse("outreach:request_resend", args=[hr.pk]))
    hr.refresh_from_db()
    assert hr.state == RequestState.CANCELLED
    assert len(smtp.to("dana@example.com")) == 1


def test_a_used_link_cannot_answer_again(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet
) -> None:
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    link = path_of(smtp.link("dana@example.com"))
    data = {
        "step": "utility_account",
        "account_number": "12345678",
        "account_number_again": "12345678",
    }
    assert Client().post(link, data).status_code == 302
    again = Client().post(
        link, {**data, "account_number": "99999999", "account_number_again": "99999999"}
    )
    assert again.status_code == 200 and "Thank you" in again.content.decode()
    hr.refresh_from_db()
    assert hr.answers["utility_account"]["value"] == "12345678"
    with pytest.raises(services.OutreachRefused):
        services.request_answer_utility_account(request=hr, value="99999999")


def test_a_token_reaches_its_own_request_only(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet, organization: Organization
) -> None:
    first = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT], email="one@example.com")
    second = ask(reviewer, asking_packet, [Item.UTILITY_BILL], email="two@example.com")
    link = path_of(smtp.link("one@example.com"))
    secret = link.rstrip("/").rsplit("-", 1)[1]
    # the first link's secret with the second request's id: no request
    forged = f"/r/{second.pk}-{secret}/"
    assert Client().get(forged).status_code == 404
    assert Client().get(f"/r/{first.pk}-{'0' * 64}/").status_code == 404
    assert Client().get("/r/not-a-token/").status_code == 404
    # the link shows the first request's step, never the second's, nor staff pages
    body = Client().get(link).content.decode()
    assert "Utility account number" in body and "utility bill" not in body.lower()
    anonymous = Client()
    anonymous.get(link)
    for url in (
        reverse("review:packet_detail", args=[asking_packet.pk]),
        reverse("outreach:request_new", args=[asking_packet.pk]),
        reverse("review:queue"),
    ):
        assert anonymous.get(url).status_code == 302  # to the login page


def test_reminders_go_out_on_schedule_and_stop_when_answered(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet, organization: Organization
) -> None:
    services.outreach_settings_update(
        organization=organization, reminder_days=[3, 7], link_days=30, show_filing_status=True
    )
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    assert hr.sent_at is not None
    hr.refresh_from_db()
    assert hr.next_reminder_at == hr.sent_at + dt.timedelta(days=3)
    assert services.requests_remind(now=hr.sent_at + dt.timedelta(days=2)) == 0
    assert services.requests_remind(now=hr.sent_at + dt.timedelta(days=3, minutes=1)) == 1
    assert services.requests_remind(now=hr.sent_at + dt.timedelta(days=3, minutes=2)) == 0
    mails = smtp.to("dana@example.com")
    assert len(mails) == 2 and str(mails[1]["Subject"]).startswith("Reminder:")
    assert smtp.link("dana@example.com", 1) == smtp.link("dana@example.com", 0)
    hr.refresh_from_db()
    assert hr.reminders_sent == 1 and hr.next_reminder_at == hr.sent_at + dt.timedelta(days=7)

    services.request_answer_utility_account(request=hr, value="12345678")
    hr.refresh_from_db()
    assert hr.state == RequestState.ANSWERED and hr.next_reminder_at is None
    assert services.requests_remind(now=hr.sent_at + dt.timedelta(days=8)) == 0
    assert len(smtp.to("dana@example.com")) == 2


def test_a_refused_address_is_recorded_as_a_bounce(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet
) -> None:
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT], email=f"nobody@{REFUSED_DOMAIN}")
    hr.refresh_from_db()
    assert hr.state == RequestState.BOUNCED
    assert "550" in hr.last_error and "nobody@" in hr.last_error
    attempt = hr.mail_attempts.get()
    assert not attempt.ok and "550" in attempt.error
    page = reviewer.get(reverse("review:packet_detail", args=[asking_packet.pk])).content.decode()
    assert "req-bounced" in page and "No such user here" in page
    assert services.requests_remind(now=timezone.now() + dt.timedelta(days=4)) == 0


def test_an_unreachable_mail_server_is_a_send_failure(
    settings: object, reviewer: Client, asking_packet: Packet
) -> None:
    from tests.autofile.outreach.conftest import _free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST = "127.0.0.1"  # type: ignore[attr-defined]
    settings.EMAIL_PORT = _free_port()  # type: ignore[attr-defined]
    settings.EMAIL_USE_TLS = False  # type: ignore[attr-defined]
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    hr.refresh_from_db()
    assert hr.state == RequestState.FAILED
    assert "Could not reach the mail server" in hr.last_error


def test_a_wrong_file_type_is_refused_with_a_clear_message(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    hr = ask(reviewer, asking_packet, [Item.UTILITY_BILL])
    link = path_of(smtp.link("dana@example.com"))
    # an executable renamed to .pdf, announced as a PDF
    fake = SimpleUploadedFile("bill.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    response = Client().post(link, {"step": "utility_bill", "file": fake})
    assert response.status_code == 400
    assert "This kind of file cannot be used" in response.content.decode()
    html = SimpleUploadedFile(
        "bill.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
    )
    assert Client().post(link, {"step": "utility_bill", "file": html}).status_code == 400
    assert not PacketDocument.objects.filter(packet=asking_packet).exists()
    hr.refresh_from_db()
    assert hr.state == RequestState.OPENED and not hr.done


def test_a_file_over_the_limit_is_refused(
    smtp: Mailbox, settings: object, reviewer: Client, asking_packet: Packet
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.OUTREACH_UPLOAD_MAX_BYTES = 1024  # type: ignore[attr-defined]
    ask(reviewer, asking_packet, [Item.UTILITY_BILL])
    link = path_of(smtp.link("dana@example.com"))
    big = SimpleUploadedFile("bill.pdf", PDF + b"0" * 2048, "application/pdf")
    response = Client().post(link, {"step": "utility_bill", "file": big})
    assert response.status_code == 400 and "too large" in response.content.decode()


def test_a_heic_photo_is_kept_as_jpeg(asking_packet: Packet, organization: Organization) -> None:
    import pillow_heif

    image = Image.new("RGB", (32, 32), (200, 30, 30))
    heif = pillow_heif.from_pillow(image)
    out = io.BytesIO()
    heif.save(out, format="HEIF", quality=80)
    hr = services.homeowner_request_create(
        organization=organization,
        user=None,
        packet=asking_packet,
        email="dana@example.com",
        recipient_name="",
        items=[Item.UTILITY_BILL],
        requirements={},
    )
    HomeownerRequest.objects.filter(pk=hr.pk).update(sent_at=timezone.now())
    document = services.request_answer_document(
        request=hr, item=Item.UTILITY_BILL, content=out.getvalue()
    )
    assert document.content_type == "image/jpeg" and document.name.endswith(".jpg")
    with document.file.open("rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"


def test_signing_makes_a_pdf_with_the_evidence(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet
) -> None:
    import hashlib

    from pypdf import PdfReader

    hr = ask(reviewer, asking_packet, [Item.SIGNATURE])
    link = path_of(smtp.link("dana@example.com"))
    public = Client(HTTP_USER_AGENT="TestPhone/1.0", REMOTE_ADDR="203.0.113.9")
    page = public.get(link).content.decode()
    assert "customer certification and authorization" in page
    assert 'src="/static/outreach/signature.js"' in page and "<script>" not in page
    # no drawing: refused, the typed name kept
    refused = public.post(
        link, {"step": "signature", "typed_name": "Dana Homeowner", "consent": "on", "drawing": ""}
    )
    assert refused.status_code == 400
    assert "Draw your signature" in refused.content.decode()
    assert 'value="Dana Homeowner"' in refused.content.decode()
    signed = public.post(
        link,
        {
            "step": "signature",
            "typed_name": "Dana Homeowner",
            "consent": "on",
            "drawing": drawing(),
        },
    )
    assert signed.status_code == 302
    signature = Signature.objects.get(request=hr)
    assert signature.ip_address == "203.0.113.9" and signature.user_agent == "TestPhone/1.0"
    document = signature.document
    assert document.kind == "signed_form" and document.name.startswith("signed-customer-form")
    with document.file.open("rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == document.sha256 == signature.pdf_sha256
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Dana Homeowner" in text and "203.0.113.9" in text and "TestPhone/1.0" in text
    assert "form_missing" not in set(asking_packet.findings.values_list("code", flat=True))
    # the reviewer sees it, sandboxed
    served = reviewer.get(reverse("outreach:document_file", args=[document.pk]))
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"


def test_the_public_pages_are_rate_limited(
    smtp: Mailbox, settings: object, reviewer: Client, asking_packet: Packet
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.OUTREACH_RATE_LIMIT = 3  # type: ignore[attr-defined]
    ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    link = path_of(smtp.link("dana@example.com"))
    public = Client(REMOTE_ADDR="198.51.100.7")
    answers = [public.get(link).status_code for _ in range(5)]
    assert answers[:3] == [200, 200, 200] and answers[3:] == [429, 429]
    assert Client(REMOTE_ADDR="198.51.100.8").get(link).status_code == 200
    cache.clear()


def test_contact_details_go_through_the_correction_path(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet
) -> None:
    from autofile.review.models import Correction

    hr = ask(reviewer, asking_packet, [Item.CONTACT])
    link = path_of(smtp.link("dana@example.com"))
    bad = Client().post(link, {"step": "contact", "email": "dana@example.com", "phone": "12"})
    assert bad.status_code == 400 and "10-digit" in bad.content.decode()
    ok = Client().post(
        link, {"step": "contact", "email": "dana@example.com", "phone": "214 555 0199"}
    )
    assert ok.status_code == 302
    hr.refresh_from_db()
    assert hr.state == RequestState.ANSWERED
    correction = Correction.objects.get(packet=asking_packet)
    assert correction.reason == f"entered by the homeowner via request #{hr.pk}"
    assert correction.after["value"] == "2145550199"
    assert correction.outbox_message is not None
    assert correction.outbox_message.kind == OutboxKind.CUSTOMER_CONTACT_CREATE
