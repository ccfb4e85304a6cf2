"""Reading API tokens."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from autofile.accounts.models import Membership, Organization, User
from autofile.api.models import ApiToken, api_token_hash
from autofile.packets.models import Finding, Packet, PacketEvent
from autofile.packets.selectors import packet_actions


def api_tokens_for(*, organization: Organization) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(organization=organization).select_related("created_by")


def api_token_get(*, organization: Organization, api_token_id: int) -> ApiToken | None:
    return api_tokens_for(organization=organization).filter(pk=api_token_id).first()


def api_token_by_key(*, key: str) -> ApiToken | None:
    """The active token with this key whose creator is still a member of its organization."""
    token = (
        ApiToken.objects.filter(key_hash=api_token_hash(key), revoked_at__isnull=True)
        .select_related("organization", "created_by")
        .first()
    )
    if token is None:
        return None
    still_member = Membership.objects.filter(
        user_id=token.created_by_id, organization_id=token.organization_id
    ).exists()
    return token if still_member else None


def api_packet_get(*, organization: Organization, packet_id: int) -> Packet | None:
    """One packet with its job, customer, address, program, assignee, findings (as
    `findings_list`), history (as `events_list`) and the actions open to it (`actions`)."""
    packet = (
        Packet.objects.filter(organization=organization, pk=packet_id)
        .select_related(
            "job", "job__customer", "job__location", "program", "assignee", "kickback_reason"
        )
        .defer("job__raw", "job__customer__raw", "job__location__raw")
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=Finding.objects.order_by("severity", "id"),
                to_attr="findings_list",
            ),
            Prefetch(
                "events",
                queryset=PacketEvent.objects.select_related("user").order_by("created_at", "id"),
                to_attr="events_list",
            ),
        )
        .first()
    )
    if packet is not None:
        packet.actions = packet_actions(packet=packet)  # type: ignore[attr-defined]
    return packet


def api_packet_for_update(*, organization: Organization, packet_id: int) -> Packet | None:
    return Packet.objects.filter(organization=organization, pk=packet_id).first()


def api_member_get(*, organization: Organization, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, memberships__organization=organization).first()
