"""Notification services: collect what happened to assignees' packets, mark read, send
the daily digest.

`notifications_collect` is the only producer. It reads rows the lower apps keep anyway,
so none of them imports this app:

- kickbacks: `PacketEvent` rows (append-only) read after a `CollectorMark`; the mark only
  moves past events older than `SETTLE`, so an event whose transaction commits late is
  still read (the `source` key keeps it from being notified twice);
- answered homeowner requests: `HomeownerRequest.answered_at` within `LOOKBACK`;
- write-backs that failed or are held as conflicts and are not resolved: the outbox
  message (its packet through its correction, or the document it uploads);
- deadlines: open packets whose `due_on` is today or within `DEADLINE_DAYS`.

Each goes to the packet's assignee (a kickback the assignee recorded themself is not
news to them); a packet without an assignee notifies no one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.notifications.models import (
    CollectorMark,
    Kind,
    Notification,
    NotificationSettings,
)
from autofile.outreach.mail import mail_send
from autofile.outreach.models import HomeownerRequest, Item, RequestState
from autofile.packets.models import OPEN_STATUSES, Packet, PacketDocument, PacketEvent
from autofile.writeback.models import OutboxKind, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

SETTLE = dt.timedelta(minutes=2)
LOOKBACK = dt.timedelta(days=7)
DEADLINE_DAYS = 7
EVENTS_MARK = "packet-events"
BATCH = 5000


@dataclass(frozen=True)
class Candidate:
    organization_id: int
    user_id: int
    packet_id: int
    kind: str
    message: str
    source: str


def _packet_label(packet: Packet) -> str:
    return f"Packet #{packet.pk} (job {packet.job.job_number}, {packet.program.name})"


def _kickbacks(now: dt.datetime) -> list[Candidate]:
    mark, _ = CollectorMark.objects.get_or_create(name=EVENTS_MARK)
    events = list(
        PacketEvent.objects.filter(
            pk__gt=mark.last_id,
            action=PacketEvent.Action.KICKBACK,
            created_at__gte=now - LOOKBACK,
        )
        .select_related("packet", "packet__job", "packet__program")
        .order_by("pk")[:BATCH]
    )
    found = []
    for event in events:
        packet = event.packet
        if packet.assignee_id is None or packet.assignee_id == event.user_id:
            continue
        reason = str(event.data.get("reason") or event.data.get("reason_code") or "no reason")
        note = f" ({event.note.strip()[:200]})" if event.note.strip() else ""
        found.append(
            Candidate(
                organization_id=event.organization_id,
                user_id=packet.assignee_id,
                packet_id=packet.pk,
                kind=Kind.KICKBACK,
                message=f"{_packet_label(packet)} was kicked back: {reason}{note}.",
                source=f"event:{event.pk}",
            )
        )
    settled = (
        PacketEvent.objects.filter(created_at__lt=now - SETTLE)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    new_mark = min(settled or 0, events[-1].pk if len(events) == BATCH else settled or 0)
    if new_mark > mark.last_id:
        CollectorMark.objects.filter(pk=mark.pk, last_id=mark.last_id).update(
            last_id=new_mark, updated_at=now
        )
    return found


def _answers(now: dt.datetime) -> list[Candidate]:
    requests = HomeownerRequest.objects.filter(
        state=RequestState.ANSWERED,
        answered_at__gte=now - LOOKBACK,
        packet__assignee__isnull=False,
    ).select_related("packet", "packet__job", "packet__program")
    return [
        Candidate(
            organization_id=hr.organization_id,
            user_id=hr.packet.assignee_id,
            packet_id=hr.packet_id,
            kind=Kind.HOMEOWNER_ANSWERED,
            message=(
                f"The homeowner answered request #{hr.pk} on {_packet_label(hr.packet)}: "
                + ", ".join(Item(i).label.lower() for i in hr.items if i in Item.values)
                + "."
            ),
            source=f"homeowner:{hr.pk}",
        )
        for hr in requests
        if hr.packet.assignee_id is not None
    ]


def _packets_of(messages: list[OutboxMessage]) -> dict[int, int]:
    """{outbox message id: packet id}: through the message's correction, or for an upload
    through the packet document it sends."""
    uploads = {
        m.pk: int(m.payload["document_id"])
        for m in messages
        if m.kind == OutboxKind.JOB_ATTACHMENT_UPLOAD
        and str(m.payload.get("document_id", "")).isdigit()
    }
    by_document = dict(
        PacketDocument.objects.filter(pk__in=set(uploads.values())).values_list("pk", "packet_id")
    )
    packet_of: dict[int, int] = {}
    for message in messages:
        correction = getattr(message, "correction", None)
        if correction is not None and correction.packet_id is not None:
            packet_of[message.pk] = correction.packet_id
        elif by_document.get(uploads.get(message.pk, 0)) is not None:
            packet_of[message.pk] = by_document[uploads[message.pk]]
    return packet_of


def _writebacks(now: dt.datetime) -> list[Candidate]:
    messages = list(
        OutboxMessage.objects.filter(
            status__in=[OutboxStatus.FAILED, OutboxStatus.CONFLICT],
            resolved_at__isnull=True,
            updated_at__gte=now - LOOKBACK,
        ).select_related("correction")
    )
    packet_of = _packets_of(messages)
    packets = {
        p.pk: p
        for p in Packet.objects.filter(
            pk__in=set(packet_of.values()), assignee__isnull=False
        ).select_related("job", "program")
    }
    found = []
    for message in messages:
        packet = packets.get(packet_of.get(message.pk, 0))
        if packet is None or packet.assignee_id is None:
            continue
        conflict = message.status == OutboxStatus.CONFLICT
        what = message.get_kind_display().lower()
        text = (
            f"ServiceTitan changed the record since it was read: {what} on "
            f"{_packet_label(packet)} waits for you to choose."
            if conflict
            else f"Writing to ServiceTitan failed ({what}) on {_packet_label(packet)}: "
            f"{message.last_error.strip()[:200] or 'no answer'}."
        )
        found.append(
            Candidate(
                organization_id=message.organization_id,
                user_id=packet.assignee_id,
                packet_id=packet.pk,
                kind=Kind.WRITEBACK_CONFLICT if conflict else Kind.WRITEBACK_FAILED,
                message=text,
                source=f"outbox:{message.pk}:{message.status}",
            )
        )
    return found


def _deadlines(now: dt.datetime) -> list[Candidate]:
    today = timezone.localdate(now)
    found = []
    for organization_id in Organization.objects.values_list("pk", flat=True):
        packets = Packet.objects.filter(
            organization_id=organization_id,
            due_on__gte=today,
            due_on__lte=today + dt.timedelta(days=DEADLINE_DAYS),
            status__in=OPEN_STATUSES,
            assignee__isnull=False,
        ).select_related("job", "program")
        for packet in packets:
            assert packet.due_on is not None and packet.assignee_id is not None
            left = (packet.due_on - today).days
            when = "today" if left == 0 else f"in {left} day{'s' * (left != 1)}"
            found.append(
                Candidate(
                    organization_id=organization_id,
                    user_id=packet.assignee_id,
                    packet_id=packet.pk,
                    kind=Kind.DEADLINE,
                    message=(
                        f"{_packet_label(packet)} is due {when} ({packet.due_on:%b %-d}) "
                        f"and is still {packet.get_status_display().lower()}."
                    ),
                    source=f"deadline:{packet.pk}:{packet.due_on.isoformat()}",
                )
            )
    return found


def notifications_save(candidates: Iterable[Candidate]) -> int:
    """Store the candidates not stored yet (by user and source); how many were new."""
    wanted = {(c.user_id, c.source): c for c in candidates}
    if not wanted:
        return 0
    have = set(
        Notification.objects.filter(
            user_id__in={u for u, _ in wanted}, source__in={s for _, s in wanted}
        ).values_list("user_id", "source")
    )
    new = [
        Notification(
            organization_id=c.organization_id,
            user_id=c.user_id,
            packet_id=c.packet_id,
            kind=c.kind,
            message=c.message[:500],
            source=c.source,
        )
        for key, c in wanted.items()
        if key not in have
    ]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def notifications_collect(*, now: dt.datetime | None = None) -> int:
    """Read what happened since the last run and notify the assignees; idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        candidates = _kickbacks(now) + _answers(now) + _writebacks(now) + _deadlines(now)
        return notifications_save(candidates)


def notifications_read(
    *, organization: Organization, user: User, packet_id: int | None = None
) -> int:
    """Mark the user's unread notifications read (those of one packet, or all)."""
    rows = Notification.objects.filter(organization=organization, user=user, read_at=None)
    if packet_id is not None:
        rows = rows.filter(packet_id=packet_id)
    return rows.update(read_at=timezone.now())


def notification_settings_get(*, organization: Organization, user: User) -> NotificationSettings:
    found, _ = NotificationSettings.objects.get_or_create(organization=organization, user=user)
    return found


def notification_settings_update(
    *, organization: Organization, user: User, daily_digest: bool
) -> NotificationSettings:
    row = notification_settings_get(organization=organization, user=user)
    row.daily_digest = daily_digest
    row.save(update_fields=["daily_digest"])
    return row


def digests_send(*, now: dt.datetime | None = None) -> int:
    """E-mail each member who asked for it their unread notifications not e-mailed yet
    (one message per member and organization, at most one per DIGEST_MIN_HOURS); how many
    were sent. A failed send leaves them for the next run."""
    now = now or timezone.now()
    spacing = dt.timedelta(hours=int(getattr(settings, "NOTIFICATIONS_DIGEST_MIN_HOURS", 20)))
    sent = 0
    due = NotificationSettings.objects.filter(daily_digest=True).select_related(
        "user", "organization"
    )
    for row in due:
        if row.last_digest_at is not None and row.last_digest_at > now - spacing:
            continue
        if not row.user.email or not row.user.is_active:
            continue
        # claim the run (two beats never send the same digest twice)
        if not NotificationSettings.objects.filter(
            pk=row.pk, last_digest_at=row.last_digest_at
        ).update(last_digest_at=now):
            continue
        items = list(
            Notification.objects.filter(
                organization=row.organization, user=row.user, read_at=None, emailed_at=None
            )
            .select_related("packet")
            .order_by("created_at", "id")
        )
        if not items:
            continue
        base = (getattr(settings, "OUTREACH_PUBLIC_URL", "") or "").rstrip("/")
        result = mail_send(
            to=row.user.email,
            subject=(
                f"AutoFile: {len(items)} thing{'s' * (len(items) != 1)} to look at "
                f"({row.organization.name})"
            ),
            template="notifications/email/digest",
            context={
                "user": row.user,
                "organization": row.organization,
                "items": items,
                "list_url": base + reverse("notifications:list"),
                "base": base,
            },
        )
        if not result.ok:
            logger.warning("digest to user %s not sent: %s", row.user_id, result.error)
            NotificationSettings.objects.filter(pk=row.pk).update(last_digest_at=row.last_digest_at)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
        sent += 1
    return sent
