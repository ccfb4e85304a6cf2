"""Acting on several packets at once: assign, claim, move to a status.

Each packet goes through the same service as one packet would (packets.py: the same locks,
the same status machine, the same events), one after the other, so one refusal never undoes
or blocks the others. The result says which packets moved and why each refused one did not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from autofile.accounts.models import Organization, User
from autofile.packets.errors import TransitionRefused
from autofile.packets.models import Packet
from autofile.packets.services.packets import packet_assign, packet_claim, packet_transition

#: At most this many packets per bulk action (the queue shows 50 a page).
BULK_LIMIT = 500


@dataclass(frozen=True)
class Refusal:
    packet_id: int
    message: str
    code: str = "illegal"


@dataclass
class BulkResult:
    """Which packets the action moved, and each refused packet with the reason."""

    done: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def _each(
    *, organization: Organization, packet_ids: Iterable[int], act: Callable[[Packet], object]
) -> BulkResult:
    wanted = list(dict.fromkeys(int(pk) for pk in packet_ids))[:BULK_LIMIT]
    packets = {p.pk: p for p in Packet.objects.filter(organization=organization, pk__in=wanted)}
    result = BulkResult()
    for packet_id in wanted:
        packet = packets.get(packet_id)
        if packet is None:
            result.refused.append(Refusal(packet_id, "No such packet.", "missing"))
            continue
        try:
            act(packet)
        except TransitionRefused as exc:
            result.refused.append(Refusal(packet_id, exc.message, exc.code))
        else:
            result.done.append(packet_id)
    return result


def packets_bulk_assign(
    *,
    organization: Organization,
    packet_ids: Iterable[int],
    assignee: User | None,
    user: User | None,
) -> BulkResult:
    """Give each packet to `assignee` (a member of the organization) or to nobody."""
    return _each(
        organization=organization,
        packet_ids=packet_ids,
        act=lambda packet: packet_assign(packet=packet, assignee=assignee, user=user),
    )


def packets_bulk_claim(
    *, organization: Organization, packet_ids: Iterable[int], user: User
) -> BulkResult:
    """Take each unassigned packet (one a teammate holds is refused, not taken)."""
    return _each(
        organization=organization,
        packet_ids=packet_ids,
        act=lambda packet: packet_claim(packet=packet, user=user),
    )


def packets_bulk_transition(
    *,
    organization: Organization,
    packet_ids: Iterable[int],
    to: str,
    user: User | None,
    note: str = "",
) -> BulkResult:
    """Move each packet to status `to` by the move the status machine has from its status
    (new → in review starts the review, ready → in review returns it); a move that needs
    per-packet data (a confirmation number, an amount, a kickback reason) is refused."""
    return _each(
        organization=organization,
        packet_ids=packet_ids,
        act=lambda packet: packet_transition(packet=packet, to=to, user=user, note=note),
    )
