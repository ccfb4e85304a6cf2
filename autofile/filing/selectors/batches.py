"""Reading submission batches."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from autofile.accounts.models import Organization
from autofile.filing.models import BatchPacket, SubmissionBatch
from autofile.packets.models import Packet, PacketStatus


def batch_list(*, organization: Organization) -> QuerySet[SubmissionBatch]:
    """The organization's batches, newest first, with their packet counts by outcome."""
    return (
        SubmissionBatch.objects.filter(organization=organization)
        .select_related("program", "created_by")
        .annotate(
            packet_count=Count("entries"),
            approved_count=Count(
                "entries",
                filter=Q(entries__packet__status__in=[PacketStatus.APPROVED, PacketStatus.PAID]),
            ),
            paid_count=Count("entries", filter=Q(entries__packet__status=PacketStatus.PAID)),
        )
        .order_by("-created_at", "-id")
    )


def batch_get(*, organization: Organization, batch_id: int) -> SubmissionBatch | None:
    """One batch with its entries in order, each with its packet, job and customer."""
    return (
        SubmissionBatch.objects.filter(organization=organization, pk=batch_id)
        .select_related("program", "created_by")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=BatchPacket.objects.select_related(
                    "packet",
                    "packet__job",
                    "packet__job__customer",
                    "packet__job__location",
                    "packet__kickback_reason",
                ).order_by("position"),
                to_attr="entry_list",
            )
        )
        .first()
    )


def batch_packets(*, batch: SubmissionBatch) -> QuerySet[Packet]:
    """The batch's packets in the batch's order (for sheets and archives)."""
    return Packet.objects.filter(
        organization_id=batch.organization_id, batch_entries__batch=batch
    ).order_by("batch_entries__position")
