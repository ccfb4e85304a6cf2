"""Moving packets through their statuses, claiming and assigning them.

Every action locks the packet row, checks the move against the status machine
(transitions.py) and the data it needs, and records a PacketEvent (who, when, from, to,
note, data). A move that is not allowed raises TransitionRefused with a message that
says why.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from autofile.accounts.models import Membership, User
from autofile.packets.errors import TransitionRefused
from autofile.packets.models import (
    FINAL_STATUSES,
    Finding,
    KickbackReason,
    Packet,
    PacketEvent,
    PacketStatus,
    Severity,
)
from autofile.packets.services.validation import issues_summary, packet_validate
from autofile.packets.transitions import MOVES, Move, move_between, moves_from

A = PacketEvent.Action
S = PacketStatus


def _label(status: str) -> str:
    return PacketStatus(status).label


def _lock(packet: Packet) -> Packet:
    return Packet.objects.select_for_update().select_related("program").get(pk=packet.pk)


def _refuse_illegal(current: str, to: str) -> TransitionRefused:
    if current in FINAL_STATUSES:
        return TransitionRefused(
            f"Cannot move a packet that is {_label(current).lower()}: "
            f"{_label(current).lower()} packets are final."
        )
    options = ", ".join(_label(m.to) for m in moves_from(current))
    return TransitionRefused(
        f"Cannot move a packet from {_label(current)} to {_label(to)}: "
        f"from {_label(current)} it can go to {options}."
    )


def _errors_block(packet: Packet, what: str) -> None:
    """Refuse while the packet has errors (validated just before, outside this lock)."""
    errors = list(
        Finding.objects.filter(packet_id=packet.pk, severity=Severity.ERROR)
        .order_by("id")
        .values_list("message", flat=True)
    )
    if errors:
        count = len(errors)
        raise TransitionRefused(
            f"Cannot {what}: {count} error{'s' * (count != 1)} remain{'s' * (count == 1)} "
            f"({issues_summary(errors)}).",
            code="errors",
        )


def _amount(value: Any, name: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace("$", "").replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise TransitionRefused(f"The {name} “{value}” is not an amount.", code="invalid") from None
    if not amount.is_finite() or amount < 0:
        raise TransitionRefused(f"The {name} cannot be negative.", code="invalid")
    return amount.quantize(Decimal("0.01"))


def _date(value: Any, name: str) -> dt.date:
    if value in (None, ""):
        return timezone.localdate()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise TransitionRefused(f"The {name} “{value}” is not a date.", code="invalid") from None


def _apply(
    packet: Packet, move: Move, user: User | None, note: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Check the move's data and set what it changes on the packet; the event's data."""
    recorded: dict[str, Any] = {}
    note = note.strip()
    missing = [key for key in move.needs if str(data.get(key) or "").strip() == ""]
    if missing:
        what = {
            "confirmation_number": "the program's confirmation number",
            "approved_amount": "the approved amount",
            "paid_amount": "the amount paid",
            "reason_code": "a kickback reason",
        }
        raise TransitionRefused(
            f"Cannot {move.phrase}: give {' and '.join(what[k] for k in missing)}.",
            code="missing",
        )
    if move.note_required and not note:
        raise TransitionRefused(f"Cannot {move.phrase}: add a note saying why.", code="missing")
    if move.action == A.MARK_READY:
        _errors_block(packet, "mark ready")
    elif move.action == A.SUBMIT:
        _errors_block(packet, "submit")
        packet.confirmation_number = str(data["confirmation_number"]).strip()[:100]
        packet.submitted_on = _date(data.get("submitted_on"), "submission date")
        recorded = {
            "confirmation_number": packet.confirmation_number,
            "submitted_on": packet.submitted_on.isoformat(),
        }
    elif move.action == A.APPROVE:
        packet.approved_amount = _amount(data["approved_amount"], "approved amount")
        recorded = {"approved_amount": str(packet.approved_amount)}
    elif move.action == A.PAY:
        packet.paid_amount = _amount(data["paid_amount"], "amount paid")
        packet.paid_on = _date(data.get("paid_on"), "payment date")
        recorded = {"paid_amount": str(packet.paid_amount), "paid_on": packet.paid_on.isoformat()}
    elif move.action == A.KICKBACK:
        code = str(data["reason_code"]).strip().upper()
        reason = KickbackReason.objects.filter(program_id=packet.program_id, code=code).first()
        if reason is None:
            known = ", ".join(
                KickbackReason.objects.filter(program_id=packet.program_id).values_list(
                    "code", flat=True
                )
            )
            raise TransitionRefused(
                f"“{code}” is not one of {packet.program.name}'s kickback reasons"
                + (f" ({known})." if known else "; the program has none yet."),
                code="invalid",
            )
        packet.kickback_reason = reason
        packet.kickback_count += 1
        recorded = {"reason_code": reason.code, "reason": reason.label}
    return recorded


def _move(packet: Packet, move: Move, user: User | None, note: str, data: dict[str, Any]) -> Packet:
    if move.action in (A.MARK_READY, A.SUBMIT):
        # Fresh findings first, committed on their own: a refusal still shows them.
        status = Packet.objects.values_list("status", flat=True).get(pk=packet.pk)
        if status in move.sources:
            packet_validate(packet=packet)
    with transaction.atomic():
        locked = _lock(packet)
        current = locked.status
        if current not in move.sources:
            raise _refuse_illegal(current, move.to)
        if move.action in (A.MARK_READY, A.SUBMIT) and locked.findings_stale:
            # An input changed since (a sync page committed in between): check again
            # under the lock, so the decision never rests on stale findings.
            packet_validate(packet=locked)
        recorded = _apply(locked, move, user, note, data)
        locked.status = move.to
        locked.status_changed_at = timezone.now()
        locked.save()
        PacketEvent.objects.create(
            organization_id=locked.organization_id,
            packet=locked,
            action=move.action,
            from_status=current,
            to_status=move.to,
            user=user,
            note=note.strip(),
            data=recorded,
        )
    # The caller's object follows the row.
    for name in (
        "status",
        "status_changed_at",
        "confirmation_number",
        "submitted_on",
        "approved_amount",
        "paid_amount",
        "paid_on",
        "kickback_reason_id",
        "kickback_count",
        "error_count",
        "warning_count",
        "estimated_amount",
        "validated_at",
        "updated_at",
    ):
        setattr(packet, name, getattr(locked, name))
    return packet


def packet_transition(
    *, packet: Packet, to: str, user: User | None, note: str = "", **data: Any
) -> Packet:
    """Move a packet to status `to`, with the data the move needs.

    data: confirmation_number and submitted_on (submit), approved_amount (approve),
    paid_amount and paid_on (pay), reason_code (kickback). Raises TransitionRefused.
    """
    if to not in PacketStatus.values:
        raise TransitionRefused(f"“{to}” is not a packet status.", code="invalid")
    current = Packet.objects.values_list("status", flat=True).get(pk=packet.pk)
    move = move_between(current, to)
    if move is None:
        raise _refuse_illegal(current, to)
    return _move(packet, move, user, note, data)


def packet_start_review(*, packet: Packet, user: User | None, note: str = "") -> Packet:
    return _move(packet, MOVES[A.START_REVIEW], user, note, {})


def packet_mark_ready(*, packet: Packet, user: User | None, note: str = "") -> Packet:
    """In review → ready, after a fresh validation finds no errors."""
    return _move(packet, MOVES[A.MARK_READY], user, note, {})


def packet_return_to_review(*, packet: Packet, user: User | None, note: str = "") -> Packet:
    return _move(packet, MOVES[A.RETURN_TO_REVIEW], user, note, {})


def packet_submit(
    *,
    packet: Packet,
    user: User | None,
    confirmation_number: str,
    submitted_on: dt.date | None = None,
    note: str = "",
) -> Packet:
    """Ready → submitted, with the program's confirmation number (and date, default today)."""
    data = {"confirmation_number": confirmation_number, "submitted_on": submitted_on}
    return _move(packet, MOVES[A.SUBMIT], user, note, data)


def packet_approve(
    *, packet: Packet, user: User | None, approved_amount: Decimal | str, note: str = ""
) -> Packet:
    return _move(packet, MOVES[A.APPROVE], user, note, {"approved_amount": approved_amount})


def packet_mark_paid(
    *,
    packet: Packet,
    user: User | None,
    paid_amount: Decimal | str,
    paid_on: dt.date | None = None,
    note: str = "",
) -> Packet:
    data = {"paid_amount": paid_amount, "paid_on": paid_on}
    return _move(packet, MOVES[A.PAY], user, note, data)


def packet_kickback(
    *, packet: Packet, user: User | None, reason_code: str, note: str = ""
) -> Packet:
    """Submitted (or approved) → in review, with one of the program's kickback reasons."""
    return _move(packet, MOVES[A.KICKBACK], user, note, {"reason_code": reason_code})


def packet_reject(*, packet: Packet, user: User | None, note: str) -> Packet:
    return _move(packet, MOVES[A.REJECT], user, note, {})


def packet_withdraw(*, packet: Packet, user: User | None, note: str) -> Packet:
    return _move(packet, MOVES[A.WITHDRAW], user, note, {})


def _record(
    packet: Packet, action: str, user: User | None, note: str, data: dict[str, Any]
) -> None:
    PacketEvent.objects.create(
        organization_id=packet.organization_id,
        packet=packet,
        action=action,
        from_status=packet.status,
        to_status=packet.status,
        user=user,
        note=note,
        data=data,
    )


@transaction.atomic
def packet_claim(*, packet: Packet, user: User) -> Packet:
    """Take an unassigned packet (compare-and-swap: of two claims at once, one wins)."""
    taken = (
        Packet.objects.filter(pk=packet.pk, assignee__isnull=True)
        .exclude(status__in=FINAL_STATUSES)
        .update(assignee=user, updated_at=timezone.now())
    )
    current = Packet.objects.select_related("assignee").get(pk=packet.pk)
    if not taken:
        if current.assignee_id == user.pk:
            packet.assignee = user
            return packet
        if current.status in FINAL_STATUSES:
            raise TransitionRefused(
                f"Cannot claim a {current.get_status_display().lower()} packet.", code="illegal"
            )
        raise TransitionRefused(
            f"{current.assignee} already has this packet; ask them or an admin to reassign it.",
            code="claimed",
        )
    _record(current, A.CLAIM, user, "", {"assignee_id": user.pk})
    packet.assignee = user
    return packet


@transaction.atomic
def packet_assign(*, packet: Packet, assignee: User | None, user: User | None) -> Packet:
    """Give a packet to a member of its organization, or to nobody (assignee None)."""
    locked = _lock(packet)
    if (
        assignee is not None
        and not Membership.objects.filter(
            user=assignee, organization_id=locked.organization_id
        ).exists()
    ):
        raise TransitionRefused(f"{assignee} is not a member of this organization.", code="invalid")
    previous = locked.assignee_id
    locked.assignee = assignee
    locked.save(update_fields=["assignee", "updated_at"])
    _record(
        locked,
        A.ASSIGN,
        user,
        "",
        {"assignee_id": assignee.pk if assignee else None, "previous_assignee_id": previous},
    )
    packet.assignee = assignee
    return packet
