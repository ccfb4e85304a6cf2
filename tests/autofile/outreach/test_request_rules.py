"""Homeowner requests, the rules around the link: where an answered utility account number
lands, the reminder schedule an organization sets, an expired link sent again, uploads read
by their bytes and served sandboxed, nothing typed lost on an error, and a valid token that
reaches its own request and nothing else of the organization."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.mirror.models import Location
from autofile.outreach import services
from autofile.outreach.models import HomeownerRequest, Item, OutreachSettings, RequestState
from autofile.packets.models import Packet, PacketDocument, UtilityAccount
from autofile.review.models import Correction
from autofile.writeback.models import OutboxKind, OutboxMessage
from tests.autofile.outreach.conftest import Mailbox
from tests.autofile.outreach.test_homeowner_requests import PDF, ask, drawing, path_of, png
from tests.factories import JobFactory, PacketDocumentFactory, PacketFactory


@pytest.fixture
def reviewer(signed_in: Callable[[User], Client], qa_user: User) -> Client:
    return signed_in(qa_user)


ACCOUNT = {
    "step": "utility_account",
    "account_number": "1044 3721 9005",
    "account_number_again": "1044 3721 9005",
}


def test_the_utility_account_number_is_kept_in_autofile_with_its_origin(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet
) -> None:
    connection = asking_packet.job.connection
    connection.utility_account_field = "Utility Account Number"
    connection.save(update_fields=["utility_account_field"])
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    assert Client().post(path_of(smtp.link("dana@example.com")), ACCOUNT).status_code == 302
    location_id = asking_packet.job.location_id
    assert location_id is not None
    record = UtilityAccount.objects.get(location_id=location_id)
    origin = f"entered by the homeowner via request #{hr.pk}"
    assert record.number == "1044 3721 9005" and record.origin == origin
    correction = Correction.objects.get(packet=asking_packet)
    assert correction.after == {"utility_account_number": "1044 3721 9005"}
    assert correction.reason == origin
    message = OutboxMessage.objects.get(kind=OutboxKind.LOCATION_CUSTOM_FIELD_UPDATE)
    assert message.payload == {"name": "Utility Account Number", "value": "1044 3721 9005"}
    # a sync overwriting the mirror's location keeps AutoFile's number
    Location.objects.filter(pk=location_id).update(raw={})
    page = reviewer.get(reverse("review:packet_detail", args=[asking_packet.pk])).content.decode()
    block = page[page.index('id="location-utility-account"') :][:600]
    assert "1044 3721 9005" in block and f"({origin})" in block
    assert "utility_account_missing" not in set(
        asking_packet.findings.values_list("code", flat=True)
    )


def test_the_number_autofile_has_already_is_a_confirmation(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet
) -> None:
    assert asking_packet.job.location_id is not None
    UtilityAccount.objects.create(
        organization=asking_packet.organization,
        location_id=asking_packet.job.location_id,
        number="1044 3721 9005",
        origin="entered by Quinn",
    )
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    assert Client().post(path_of(smtp.link("dana@example.com")), ACCOUNT).status_code == 302
    hr.refresh_from_db()
    assert hr.state == RequestState.ANSWERED
    assert not Correction.objects.filter(packet=asking_packet).exists()


def test_reminders_default_to_3_7_and_14_days_and_each_organization_sets_its_own(
    smtp: Mailbox,
    reviewer: Client,
    asking_packet: Packet,
    organization: Organization,
    other_organization: Organization,
    signed_in: Callable[[User], Client],
    admin_user: User,
) -> None:
    assert services.outreach_settings_get(organization=organization).reminder_days == [3, 7, 14]
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    hr.refresh_from_db()
    assert hr.sent_at is not None
    sent_at = hr.sent_at
    assert hr.next_reminder_at == sent_at + dt.timedelta(days=3)
    for day, expected in ((3, 7), (7, 14), (14, None)):
        now = sent_at + dt.timedelta(days=day, minutes=1)
        assert services.requests_remind(now=now) == 1
        hr.refresh_from_db()
        assert hr.next_reminder_at == (sent_at + dt.timedelta(days=expected) if expected else None)
    assert services.requests_remind(now=sent_at + dt.timedelta(days=20)) == 0
    assert len(smtp.to("dana@example.com")) == 4
    assert hr.reminders_sent == 3

    # another organization's schedule changes nothing here
    services.outreach_settings_update(
        organization=other_organization, reminder_days=[1], link_days=5, show_filing_status=False
    )
    # the admin sets this one's on the settings page (QA may not)
    url = reverse("outreach:settings")
    form = {"reminder_days": "2, 5", "link_days": "10", "show_filing_status": "on"}
    assert reviewer.post(url, form).status_code == 403
    admin = signed_in(admin_user)
    assert admin.post(url, {**form, "reminder_days": "0, x"}).status_code == 400
    assert admin.post(url, form).status_code == 302
    config = OutreachSettings.objects.get(organization=organization)
    assert config.reminder_days == [2, 5] and config.link_days == 10
    second = ask(reviewer, asking_packet, [Item.UTILITY_BILL])
    second.refresh_from_db()
    assert second.sent_at is not None
    assert second.next_reminder_at == second.sent_at + dt.timedelta(days=2)
    assert second.expires_at - second.sent_at < dt.timedelta(days=10, seconds=5)


def test_an_expired_request_sent_again_gets_a_fresh_link_period(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet
) -> None:
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    link = path_of(smtp.link("dana@example.com"))
    HomeownerRequest.objects.filter(pk=hr.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    services.requests_expire()
    assert Client().get(link).status_code == 410
    page = reviewer.get(reverse("review:packet_detail", args=[asking_packet.pk])).content.decode()
    assert "req-expired" in page
    assert reviewer.post(reverse("outreach:request_resend", args=[hr.pk])).status_code == 302
    hr.refresh_from_db()
    assert hr.state == RequestState.SENT and hr.expires_at > timezone.now() + dt.timedelta(days=29)
    assert hr.reminders_sent == 0 and hr.next_reminder_at is not None
    assert len(smtp.to("dana@example.com")) == 2
    assert Client().get(path_of(smtp.link("dana@example.com"))).status_code == 200


def test_a_file_is_typed_by_its_bytes_not_its_name(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet
) -> None:
    hr = ask(reviewer, asking_packet, [Item.PHOTOS, Item.UTILITY_BILL])
    link = path_of(smtp.link("dana@example.com"))
    public = Client()
    # a PNG called "bill.pdf" is a PNG
    bill = public.post(
        link,
        {"step": "utility_bill", "file": SimpleUploadedFile("bill.pdf", png(), "application/pdf")},
    )
    assert bill.status_code == 302
    # photos take images only: a real PDF is refused
    refused = public.post(
        link, {"step": "photos", "file": SimpleUploadedFile("photo.jpg", PDF, "image/jpeg")}
    )
    assert refused.status_code == 400
    assert "Please upload a photo (JPEG, PNG or HEIC)" in refused.content.decode()
    photo = public.post(
        link, {"step": "photos", "file": SimpleUploadedFile("x.pdf", png(), "application/pdf")}
    )
    assert photo.status_code == 302
    documents = PacketDocument.objects.filter(packet=asking_packet).order_by("id")
    assert [(d.kind, d.content_type, d.name[-4:]) for d in documents] == [
        ("utility_bill", "image/png", ".png"),
        ("photo", "image/png", ".png"),
    ]
    hr.refresh_from_db()
    assert hr.state == RequestState.ANSWERED
    # a homeowner's image is served with a sandboxing CSP and never sniffed as something else
    served = reviewer.get(reverse("outreach:document_file", args=[documents[0].pk]))
    assert served["Content-Type"] == "image/png"
    assert "sandbox" in served["Content-Security-Policy"]
    assert served["X-Content-Type-Options"] == "nosniff"


def test_a_document_of_an_unexpected_type_is_downloaded_not_shown(
    reviewer: Client, asking_packet: Packet, organization: Organization
) -> None:
    document = PacketDocumentFactory.create(
        organization=organization,
        packet=asking_packet,
        content_type="text/html",
        name="page.html",
        file=SimpleUploadedFile("page.html", b"<script>alert(1)</script>"),
    )
    served = reviewer.get(reverse("outreach:document_file", args=[document.pk]))
    assert served["Content-Disposition"].startswith("attachment")
    assert "sandbox" in served["Content-Security-Policy"]


def test_what_was_typed_comes_back_after_an_error(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet
) -> None:
    ask(reviewer, asking_packet, [Item.CONTACT, Item.SIGNATURE])
    link = path_of(smtp.link("dana@example.com"))
    public = Client()
    bad = public.post(link, {"step": "contact", "email": "dana@example", "phone": "214 555 0188"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "Enter a valid email address." in body
    assert 'value="dana@example"' in body and 'value="214 555 0188"' in body
    assert public.post(link, {"step": "contact", "phone": "214 555 0188"}).status_code == 302
    # the signature: consent forgotten, the typed name and the drawing come back
    signature = drawing()
    bad = public.post(link, {"step": "signature", "typed_name": "Dana H", "drawing": signature})
    body = bad.content.decode()
    assert bad.status_code == 400 and "Tick the box to agree" in body
    assert 'value="Dana H"' in body and signature in body
    assert "customer certification and authorization" in body


def test_a_valid_token_reaches_its_request_and_nothing_else(
    smtp: Mailbox,
    reviewer: Client,
    asking_packet: Packet,
    organization: Organization,
) -> None:
    other_packet = PacketFactory.create(
        job=JobFactory.create(connection=asking_packet.job.connection),
        program=asking_packet.program,
    )
    mine = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT], email="one@example.com")
    theirs = ask(reviewer, other_packet, [Item.UTILITY_BILL], email="two@example.com")
    theirs_doc = PacketDocumentFactory.create(organization=organization, packet=other_packet)
    link = path_of(smtp.link("one@example.com"))
    token = link.strip("/").rsplit("/", 1)[1]
    public = Client()
    assert public.get(link).status_code == 200

    # the token with another request's or packet's id, in the path or the query: no such link
    secret = token.split("-", 1)[1]
    for forged in (
        f"/r/{theirs.pk}-{secret}/",
        f"/r/{other_packet.pk}-{secret}/",
        f"/r/{mine.pk}-{secret}/{theirs.pk}/",
        f"/r/{token}/../{theirs.pk}/",
    ):
        assert public.get(forged).status_code == 404, forged
    for query in ({"request": theirs.pk}, {"packet": other_packet.pk}, {"id": theirs.pk}):
        body = public.get(link, query).content.decode()
        assert "Utility account number" in body and "utility bill" not in body.lower()
    # answering through it with another request's step or id changes only this request
    answer = {**ACCOUNT, "request": theirs.pk, "packet": other_packet.pk}
    assert public.post(link, answer).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.state == RequestState.ANSWERED and theirs.done == []
    assert theirs.state == RequestState.SENT
    # the link's visitor is no one: staff pages, documents and actions send them to sign in
    for url in (
        reverse("review:packet_detail", args=[other_packet.pk]),
        reverse("outreach:document_file", args=[theirs_doc.pk]),
        reverse("outreach:request_new", args=[other_packet.pk]),
    ):
        response = public.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in (
        reverse("outreach:request_resend", args=[theirs.pk]),
        reverse("outreach:request_cancel", args=[theirs.pk]),
    ):
        assert public.post(url).status_code == 302
    theirs.refresh_from_db()
    assert theirs.state == RequestState.SENT
    assert len(smtp.to("two@example.com")) == 1
    assert "sessionid" not in public.cookies


def test_a_request_of_another_organization_is_not_found(
    smtp: Mailbox,
    reviewer: Client,
    asking_packet: Packet,
    other_organization: Organization,
    member: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    outsider = signed_in(member("qa", org=other_organization))
    for name in ("request_resend", "request_cancel"):
        assert outsider.post(reverse(f"outreach:{name}", args=[hr.pk])).status_code == 404
    hr.refresh_from_db()
    assert hr.state == RequestState.SENT


def test_the_public_pages_limit_posts_too(
    smtp: Mailbox, settings: Any, reviewer: Client, asking_packet: Packet
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.OUTREACH_RATE_LIMIT = 2
    ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    link = path_of(smtp.link("dana@example.com"))
    public = Client(REMOTE_ADDR="198.51.100.20")
    wrong = {**ACCOUNT, "account_number_again": "1"}
    codes = [public.post(link, wrong).status_code for _ in range(3)]
    assert codes == [400, 400, 429]
    limited = public.get(link)
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert "default-src 'none'" in limited["Content-Security-Policy"]
    assert limited["Referrer-Policy"] == "same-origin"  # the token never leaves the site
    cache.clear()


def test_an_answered_link_lets_the_homeowner_follow_the_filing(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet, organization: Organization
) -> None:
    hr = ask(reviewer, asking_packet, [Item.UTILITY_ACCOUNT])
    link = path_of(smtp.link("dana@example.com"))
    assert Client().post(link, ACCOUNT).status_code == 302

    def reached() -> list[str]:
        body = Client().get(link).content.decode()
        return [
            line.split("✓ ", 1)[1].split("<", 1)[0] for line in body.split('class="reached"')[1:]
        ]

    assert reached() == ["Details collected"]
    Packet.objects.filter(pk=asking_packet.pk).update(status="approved")
    assert reached() == ["Details collected", "Submitted to Oncor", "Approved"]
    Packet.objects.filter(pk=asking_packet.pk).update(status="paid")
    assert reached()[-1] == "Paid"
    # long after the link's date it still shows the filing, and still takes nothing
    HomeownerRequest.objects.filter(pk=hr.pk).update(
        expires_at=timezone.now() - dt.timedelta(days=90)
    )
    assert "Paid" in Client().get(link).content.decode()
    assert Client().post(link, ACCOUNT).status_code == 200
    services.outreach_settings_update(
        organization=organization, reminder_days=[3], link_days=30, show_filing_status=False
    )
    body = Client().get(link).content.decode()
    assert "Thank you" in body and "Your rebate" not in body


def test_income_confirmation_is_offered_for_income_tier_programs(
    asking_packet: Packet,
) -> None:
    from autofile.outreach.selectors import request_suggestions

    assert Item.INCOME not in {s.item for s in request_suggestions(packet=asking_packet)}
    asking_packet.program.income_tiers = True
    asking_packet.program.save(update_fields=["income_tiers"])
    assert Item.INCOME in {s.item for s in request_suggestions(packet=asking_packet)}


def test_photos_one_after_another_then_done_and_the_income_confirmation(
    smtp: Mailbox, reviewer: Client, asking_packet: Packet
) -> None:
    asking_packet.program.income_tiers = True
    asking_packet.program.save(update_fields=["income_tiers"])
    hr = ask(reviewer, asking_packet, [Item.PHOTOS, Item.INCOME])
    link = path_of(smtp.link("dana@example.com"))
    public = Client()

    def photo(**extra: str) -> int:
        upload = SimpleUploadedFile("unit.png", png(), "image/png")
        return public.post(link, {"step": "photos", "file": upload, **extra}).status_code

    early = public.post(link, {"step": "photos", "done": "1"})
    assert early.status_code == 400 and "Add at least one photo first." in early.content.decode()
    assert photo(more="1") == 302
    assert photo(more="1") == 302
    page = public.get(link).content.decode()
    assert "Step 1 of 2" in page and "2 photos added." in page
    assert public.post(link, {"step": "photos", "done": "1"}).status_code == 302
    assert "Step 2 of 2" in public.get(link).content.decode()
    refused = public.post(link, {"step": "income", "household": "4"})
    assert refused.status_code == 400 and "Tick the box to confirm." in refused.content.decode()
    assert 'value="4"' in refused.content.decode()
    assert (
        public.post(link, {"step": "income", "household": "4", "confirmed": "on"}).status_code
        == 302
    )
    hr.refresh_from_db()
    assert hr.state == RequestState.ANSWERED
    assert hr.answers["income"]["confirmed"] is True and hr.answers["income"]["household"] == "4"
    assert PacketDocument.objects.filter(packet=asking_packet, kind="photo").count() == 2
