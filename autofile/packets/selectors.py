from __future__ import annotations

from django.db.models import Count, QuerySet

from autofile.accounts.models import Organization
from autofile.packets.models import Packet, PacketStatus


def packet_queue(*, organization: Organization, status: str | None = None) -> QuerySet[Packet]:
    """The organization's packets for the queue, with everything a row shows in one query."""
    packets = Packet.objects.filter(organization=organization).select_related(
        "job", "job__customer", "program", "assignee"
    )
    if status:
        packets = packets.filter(status=status)
    return packets


def packet_status_counts(*, organization: Organization) -> dict[str, int]:
    rows = (
        Packet.objects.filter(organization=organization)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {status.value: 0 for status in PacketStatus}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def packet_get(*, organization: Organization, packet_id: int) -> Packet | None:
    return packet_queue(organization=organization).filter(pk=packet_id).first()
