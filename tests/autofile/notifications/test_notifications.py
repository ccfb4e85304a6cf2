"""Notifications: each trigger read from what the lower apps record (kickback events,
answered homeowner requests, failed or conflicting write-backs, deadlines 7 days away),
the assignee's list and bell, reading them, the daily digest over real SMTP, tenancy and
roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Organization, Role, User
from autofile.celery import app
from autofile.core import queues
from autofile.notifications import services
from autofile.notifications.models import Kind, Notification
from autofile.outreach.models import HomeownerRequest, Item, RequestState
from autofile.packets.models import Packet, PacketEvent, PacketStatus
from autofile.writeback.models import OutboxKind, OutboxStatus
from tests.factories import (
    ConnectionFactory,
    CorrectionFactory,
    JobFactory,
    MembershipFactory,
    OutboxMessageFactory,
    PacketDocumentFactory,
    PacketEventFactory,
    PacketFactory,
    UserFactory,
)
from tests.smtp import REFUSED_DOMAIN, Mailbox


def packet_for(organization: Organization, assignee: User | None, **fields: Any) -> Packet:
    job = JobFactory.create(connection=ConnectionFactory.create(organization=organization))
    return PacketFactory.create(job=job, assignee=assignee, **fields)


def kickback(packet: Packet, by: User | None, reason: str = "Missing AHRI certificate") -> None:
    PacketEventFactory.create(
        organization=packet.organization,
        packet=packet,
        action=PacketEvent.Action.KICKBACK,
        from_status=PacketStatus.SUBMITTED,
        to_status=PacketStatus.IN_REVIEW,
        user=by,
        data={"reason_code": "ahri", "reason": reason},
    )


def mine(user: User) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("id"))


@pytest.fixture
def reviewer(member: Callable[..., User]) -> User:
    return member(Role.QA)


def test_a_kickback_notifies_the_assignee_once(
    organization: Organization, reviewer: User, admin_user: User
) -> None:
    packet = packet_for(organization, reviewer)
    kickback(packet, by=admin_user)
    kickback(packet_for(organization, reviewer), by=reviewer)  # their own: not news
    kickback(packet_for(organization, None), by=admin_user)  # nobody's packet
    assert services.notifications_collect() == 1
    assert services.notifications_collect() == 0  # read again: nothing new
    [note] = mine(reviewer)
    assert note.kind == Kind.KICKBACK and note.packet == packet
    assert "kicked back: Missing AHRI certificate" in note.message
    assert f"Packet #{packet.pk}" in note.message and note.read_at is None
    assert mine(admin_user) == []


def test_kickbacks_are_read_after_a_mark_that_waits_for_late_commits(
    organization: Organization, reviewer: User, admin_user: User
) -> None:
    from autofile.notifications.models import CollectorMark

    packet = packet_for(organization, reviewer)
    kickback(packet, by=admin_user)
    now = timezone.now()
    services.notifications_collect(now=now)
    # the event is younger than the settle time: the mark stays before it
    event = PacketEvent.objects.get(action=PacketEvent.Action.KICKBACK)
    assert CollectorMark.objects.get(name=services.EVENTS_MARK).last_id < event.pk
    services.notifications_collect(now=now + dt.timedelta(minutes=3))
    assert CollectorMark.objects.get(name=services.EVENTS_MARK).last_id >= event.pk
    kickback(packet, by=admin_user, reason="Serial number unreadable")
    services.notifications_collect(now=timezone.now() + dt.timedelta(minutes=3))
    assert [n.message.split(": ", 1)[1] for n in mine(reviewer)] == [
        "Missing AHRI certificate.",
        "Serial number unreadable.",
    ]


def test_a_homeowner_answer_notifies_the_assignee(
    organization: Organization, reviewer: User
) -> None:
    from autofile.outreach import services as outreach

    packet = packet_for(organization, reviewer)
    hr = outreach.homeowner_request_create(
        organization=organization,
        user=None,
        packet=packet,
        email="dana@example.com",
        recipient_name="Dana",
        items=[Item.UTILITY_ACCOUNT, Item.UTILITY_BILL],
        requirements={},
    )
    assert services.notifications_collect() == 0  # asked, not answered
    HomeownerRequest.objects.filter(pk=hr.pk).update(
        state=RequestState.ANSWERED, answered_at=timezone.now()
    )
    assert services.notifications_collect() == 1
    [note] = mine(reviewer)
    assert note.kind == Kind.HOMEOWNER_ANSWERED
    assert f"answered request #{hr.pk}" in note.message
    assert "utility account number, a recent utility bill" in note.message


def test_a_failed_or_conflicting_write_back_notifies_the_assignee(
    organization: Organization, reviewer: User
) -> None:
    packet = packet_for(organization, reviewer)
    connection = packet.job.connection
    failed = CorrectionFactory.create(
        connection=connection,
        packet=packet,
        outbox_message__status=OutboxStatus.FAILED,
        outbox_message__last_error="400 The customer's address is invalid",
    )
    conflict = CorrectionFactory.create(
        connection=connection, packet=packet, outbox_message__status=OutboxStatus.CONFLICT
    )
    document = PacketDocumentFactory.create(organization=organization, packet=packet)
    OutboxMessageFactory.create(
        connection=connection,
        kind=OutboxKind.JOB_ATTACHMENT_UPLOAD,
        status=OutboxStatus.FAILED,
        payload={"document_id": document.pk, "fileName": document.name},
        last_error="413 too large",
    )
    CorrectionFactory.create(  # sent: nothing to say
        connection=connection, packet=packet, outbox_message__status=OutboxStatus.SENT
    )
    CorrectionFactory.create(  # resolved by someone already
        connection=connection,
        packet=packet,
        outbox_message__status=OutboxStatus.CONFLICT,
        outbox_message__resolved_at=timezone.now(),
    )
    assert services.notifications_collect() == 3
    notes = {n.source: n for n in mine(reviewer)}
    assert failed.outbox_message is not None and conflict.outbox_message is not None
    first = notes[f"outbox:{failed.outbox_message.pk}:failed"]
    assert first.kind == Kind.WRITEBACK_FAILED and "address is invalid" in first.message
    second = notes[f"outbox:{conflict.outbox_message.pk}:conflict"]
    assert second.kind == Kind.WRITEBACK_CONFLICT and "waits for you to choose" in second.message
    assert any("413 too large" in n.message for n in notes.values())
    # a retry that fails again is the same failure, not a new notification
    assert services.notifications_collect() == 0


def test_a_deadline_in_7_days_notifies_the_assignee(
    organization: Organization, reviewer: User
) -> None:
    today = timezone.localdate()
    soon = packet_for(organization, reviewer, due_on=today + dt.timedelta(days=7))
    packet_for(organization, reviewer, due_on=today + dt.timedelta(days=8))
    packet_for(organization, reviewer, due_on=today - dt.timedelta(days=1))
    packet_for(
        organization, reviewer, due_on=today + dt.timedelta(days=2), status=PacketStatus.SUBMITTED
    )
    packet_for(organization, None, due_on=today + dt.timedelta(days=2))
    assert services.notifications_collect() == 1
    [note] = mine(reviewer)
    assert note.kind == Kind.DEADLINE and note.packet == soon
    assert "is due in 7 days" in note.message
    # the deadline moves: that is news again
    Packet.objects.filter(pk=soon.pk).update(due_on=today + dt.timedelta(days=3))
    assert services.notifications_collect() == 1
    assert "due in 3 days" in mine(reviewer)[-1].message


def test_the_list_the_bell_and_reading(
    organization: Organization,
    reviewer: User,
    admin_user: User,
    signed_in: Callable[[User], Client],
) -> None:
    first = packet_for(organization, reviewer)
    second = packet_for(organization, reviewer)
    kickback(first, by=admin_user)
    kickback(second, by=admin_user)
    kickback(packet_for(organization, admin_user), by=reviewer)  # the admin's
    services.notifications_collect()
    client = signed_in(reviewer)
    queue = client.get(reverse("review:queue")).content.decode()
    assert 'id="notification-bell"' in queue and 'hx-trigger="load"' in queue
    bell = client.get(reverse("notifications:bell"), HTTP_HX_REQUEST="true").content.decode()
    assert '<span class="count">2</span>' in bell and 'aria-label="Notifications: 2 unread"' in bell
    page = client.get(reverse("notifications:list")).content.decode()
    assert page.count('class="notification kind-kickback unread"') == 2
    assert f"Packet #{first.pk}" in page and "Mark all 2 read" in page
    opened = client.get(reverse("notifications:packet_open", args=[first.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == reverse("review:packet_detail", args=[first.pk])
    assert [n.read_at is not None for n in mine(reviewer)] == [True, False]
    assert client.post(reverse("notifications:read_all")).status_code == 302
    assert all(n.read_at for n in mine(reviewer))
    assert Notification.objects.filter(user=admin_user, read_at=None).count() == 1
    bell = client.get(reverse("notifications:bell")).content.decode()
    assert 'class="count"' not in bell


def test_each_organization_shows_its_own_notifications(
    organization: Organization,
    other_organization: Organization,
    reviewer: User,
    admin_user: User,
    signed_in: Callable[[User], Client],
) -> None:
    MembershipFactory.create(user=reviewer, organization=other_organization, role=Role.QA)
    ours = packet_for(organization, reviewer)
    theirs = packet_for(other_organization, reviewer)
    kickback(ours, by=admin_user)
    kickback(theirs, by=None)
    services.notifications_collect()
    assert {n.organization_id for n in mine(reviewer)} == {organization.pk, other_organization.pk}
    client = signed_in(reviewer)
    client.post(reverse("accounts:organization_switch", args=[organization.pk]))
    page = client.get(reverse("notifications:list")).content.decode()
    assert f"Packet #{ours.pk}" in page and f"Packet #{theirs.pk}" not in page
    # another organization's packet id: not found, and nothing marked read
    assert client.get(reverse("notifications:packet_open", args=[theirs.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    assert Notification.objects.get(packet=theirs).read_at is None


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_notifications_and_strangers_none(
    role: Role, member: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    user = member(role)
    assert signed_in(user).get(reverse("notifications:list")).status_code == 200
    anonymous = Client().get(reverse("notifications:list"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert Client().post(reverse("notifications:read_all")).status_code == 302


def test_the_daily_digest_goes_to_those_who_asked_for_it(
    smtp: Mailbox,
    organization: Organization,
    admin_user: User,
    member: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    wants = member(Role.QA)
    wants.email = "quinn@example.com"
    wants.save(update_fields=["email"])
    quiet = member(Role.QA)
    quiet.email = "quiet@example.com"
    quiet.save(update_fields=["email"])
    client = signed_in(wants)
    response = client.post(reverse("notifications:preferences"), {"daily_digest": "on"})
    assert response.status_code == 302
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'name="daily_digest" checked' in page
    first = packet_for(organization, wants)
    kickback(first, by=admin_user)
    kickback(packet_for(organization, quiet), by=admin_user)
    services.notifications_collect()

    now = timezone.now()
    assert services.digests_send(now=now) == 1
    [mail] = smtp.messages
    assert str(mail["To"]) == "quinn@example.com"
    assert "1 thing to look at" in str(mail["Subject"])
    text = smtp.text(mail)
    assert "kicked back: Missing AHRI certificate" in text
    assert reverse("notifications:packet_open", args=[first.pk]) in text
    assert all(n.emailed_at for n in mine(wants)) and not any(n.emailed_at for n in mine(quiet))
    # the same day again: nothing; the next day only what is new and unread
    assert services.digests_send(now=now + dt.timedelta(hours=2)) == 0
    second = packet_for(organization, wants)
    kickback(second, by=admin_user)
    services.notifications_collect()
    assert services.digests_send(now=now + dt.timedelta(hours=21)) == 1
    latest = smtp.text(smtp.messages[-1])
    assert f"Packet #{second.pk}" in latest and f"Packet #{first.pk}" not in latest
    # switched off: no more mail
    client.post(reverse("notifications:preferences"), {})
    kickback(packet_for(organization, wants), by=admin_user)
    services.notifications_collect()
    assert services.digests_send(now=now + dt.timedelta(days=3)) == 0
    assert len(smtp.messages) == 2


def test_a_digest_that_cannot_be_delivered_is_kept_for_the_next_run(
    smtp: Mailbox, organization: Organization, admin_user: User
) -> None:
    user = UserFactory.create(email=f"gone@{REFUSED_DOMAIN}")
    MembershipFactory.create(user=user, organization=organization, role=Role.QA)
    services.notification_settings_update(organization=organization, user=user, daily_digest=True)
    kickback(packet_for(organization, user), by=admin_user)
    services.notifications_collect()
    assert services.digests_send() == 0
    assert not any(n.emailed_at for n in mine(user))
    settings_row = services.notification_settings_get(organization=organization, user=user)
    assert settings_row.last_digest_at is None


def test_beat_runs_the_collector_and_the_digest_on_their_queue() -> None:
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"notifications.collect", "notifications.digest"} <= schedule
    assert queues.ROUTES["notifications.collect"] == queues.SYNC
    assert queues.ROUTES["notifications.digest"] == queues.SYNC


def test_the_list_reads_in_the_same_queries_for_2_or_50_notifications(
    organization: Organization,
    reviewer: User,
    admin_user: User,
    signed_in: Callable[[User], Client],
) -> None:
    client = signed_in(reviewer)
    client.get(reverse("notifications:list"))  # the session's first request loads more

    def queries_for(count: int) -> int:
        Notification.objects.all().delete()
        for _ in range(count):
            kickback(packet_for(organization, reviewer), by=admin_user)
        services.notifications_collect(now=timezone.now() + dt.timedelta(minutes=5))
        assert Notification.objects.filter(user=reviewer).count() == count
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("notifications:list")).status_code == 200
        return len(captured)

    assert queries_for(2) == queries_for(50)
