"""Creating and revoking API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.api.models import ApiToken, api_token_hash
from autofile.packets import services as packet_services
from autofile.packets.errors import TransitionRefused
from autofile.packets.models import Packet, PacketEvent
from autofile.packets.transitions import MOVES

A = PacketEvent.Action

#: Every key starts with this, so a leaked one is easy to recognise in a scan.
KEY_PREFIX = "af_"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # the only copy: shown once, never stored


def api_token_create(
    *, organization: Organization, name: str, scope: str, created_by: User
) -> IssuedToken:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organization=organization,
        name=name.strip()[:100],
        scope=ApiToken.Scope(scope),
        prefix=key[:10],
        key_hash=api_token_hash(key),
        created_by=created_by,
    )
    return IssuedToken(token=token, key=key)


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Note when a token was last used (at most once a minute per token)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def packet_act(*, packet: Packet, user: User, action: str, data: dict[str, Any]) -> Packet:
    """Run a status action through the packet services the pages use (transitions.py
    decides what is allowed; a refused move raises TransitionRefused)."""
    if action not in MOVES:
        raise TransitionRefused(f"“{action}” is not a packet action.", code="invalid")
    note = data.get("note") or ""
    s = packet_services
    if action == A.START_REVIEW:
        return s.packet_start_review(packet=packet, user=user, note=note)
    if action == A.MARK_READY:
        return s.packet_mark_ready(packet=packet, user=user, note=note)
    if action == A.RETURN_TO_REVIEW:
        return s.packet_return_to_review(packet=packet, user=user, note=note)
    if action == A.SUBMIT:
        return s.packet_submit(
            packet=packet,
            user=user,
            confirmation_number=data.get("confirmation_number") or "",
            submitted_on=data.get("submitted_on"),
            note=note,
        )
    if action == A.APPROVE:
        return s.packet_approve(
            packet=packet, user=user, approved_amount=_amount(data, "approved_amount"), note=note
        )
    if action == A.PAY:
        return s.packet_mark_paid(
            packet=packet,
            user=user,
            paid_amount=_amount(data, "paid_amount"),
            paid_on=data.get("paid_on"),
            note=note,
        )
    if action == A.KICKBACK:
        return s.packet_kickback(
            packet=packet, user=user, reason_code=data.get("reason_code") or "", note=note
        )
    if action == A.REJECT:
        return s.packet_reject(packet=packet, user=user, note=note)
    return s.packet_withdraw(packet=packet, user=user, note=note)


def _amount(data: dict[str, Any], name: str) -> Decimal | str:
    value = data.get(name)
    return value if isinstance(value, Decimal) else ""
