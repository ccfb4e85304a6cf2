"""Reading the outbox: what needs a person, one message with its attempts, a conflict's sides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from autofile.accounts.models import Organization
from autofile.writeback.models import OutboxAttempt, OutboxMessage, OutboxStatus


def outbox_messages(
    *, organization: Organization, statuses: list[str] | None = None
) -> QuerySet[OutboxMessage]:
    """The organization's writes, newest first, with their correction (and its author)."""
    messages = (
        OutboxMessage.objects.filter(organization=organization)
        .select_related("connection", "correction", "correction__created_by", "resolved_by")
        .order_by("-id")
    )
    if statuses:
        messages = messages.filter(status__in=statuses)
    return messages


def outbox_needing_attention(*, organization: Organization) -> QuerySet[OutboxMessage]:
    """Writes a person must act on: conflicts to resolve, failures to retry."""
    return outbox_messages(
        organization=organization, statuses=[OutboxStatus.CONFLICT, OutboxStatus.FAILED]
    )


def outbox_status_counts(*, organization: Organization) -> dict[str, int]:
    rows = (
        OutboxMessage.objects.filter(organization=organization)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {status.value: 0 for status in OutboxStatus}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def outbox_message_get(*, organization: Organization, message_id: int) -> OutboxMessage | None:
    """One write with its attempts (oldest first), or None if it is not the organization's."""
    return (
        outbox_messages(organization=organization)
        .prefetch_related(
            Prefetch("attempts_log", queryset=OutboxAttempt.objects.order_by("started_at", "id"))
        )
        .filter(pk=message_id)
        .first()
    )


@dataclass(frozen=True)
class ConflictField:
    """One field of a conflicted write: as the person saw it, as they wrote it, and as
    ServiceTitan holds it now."""

    name: str
    base: Any
    mine: Any
    theirs: Any


def outbox_conflict_fields(*, message: OutboxMessage) -> list[ConflictField]:
    """Both versions of a conflicted write, field by field (empty when not in conflict)."""
    if message.status != OutboxStatus.CONFLICT or not message.theirs:
        return []
    theirs = message.theirs.get("values") or {}
    names = list(message.new_values) or list(message.base_values)
    return [
        ConflictField(
            name=name,
            base=message.base_values.get(name),
            mine=message.new_values.get(name) if message.new_values else None,
            theirs=theirs.get(name),
        )
        for name in names
    ]
