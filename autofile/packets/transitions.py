"""The packet status machine: which action moves a packet from which status to which.

new → in review → ready → submitted → approved → paid; a kickback sends a submitted (or
approved) packet back to review with a reason; ready can go back to review; withdrawn and
rejected end it. Services enforce it (services/packets.py); selectors show it.
"""

from __future__ import annotations

from dataclasses import dataclass

from autofile.packets.models import FINAL_STATUSES, PacketEvent, PacketStatus

S = PacketStatus
A = PacketEvent.Action


@dataclass(frozen=True)
class Move:
    action: str
    label: str
    sources: tuple[str, ...]
    to: str
    needs: tuple[str, ...] = ()  # data the action must carry
    note_required: bool = False
    verb: str = ""  # for messages: "Cannot <verb>: …"; defaults to the label

    @property
    def phrase(self) -> str:
        return self.verb or self.label.lower()


MOVES: dict[str, Move] = {
    move.action: move
    for move in (
        Move(A.START_REVIEW, "Start review", (S.NEW,), S.IN_REVIEW),
        Move(A.MARK_READY, "Mark ready", (S.IN_REVIEW,), S.READY),
        Move(A.RETURN_TO_REVIEW, "Back to review", (S.READY,), S.IN_REVIEW),
        Move(A.SUBMIT, "Mark submitted", (S.READY,), S.SUBMITTED, ("confirmation_number",)),
        Move(A.APPROVE, "Mark approved", (S.SUBMITTED,), S.APPROVED, ("approved_amount",)),
        Move(A.PAY, "Mark paid", (S.APPROVED,), S.PAID, ("paid_amount",)),
        Move(
            A.KICKBACK,
            "Kickback",
            (S.SUBMITTED, S.APPROVED),
            S.IN_REVIEW,
            ("reason_code",),
            verb="record a kickback",
        ),
        Move(
            A.REJECT,
            "Rejected by sponsor",
            (S.SUBMITTED, S.APPROVED),
            S.REJECTED,
            (),
            True,
            verb="mark rejected",
        ),
        Move(
            A.WITHDRAW,
            "Withdraw",
            tuple(s for s in S if s not in FINAL_STATUSES),
            S.WITHDRAWN,
            (),
            True,
        ),
    )
}


def move_between(from_status: str, to_status: str) -> Move | None:
    """The action that moves a packet from one status to another, if there is one.

    Submitted → in review is a kickback; ready → in review is a plain return to review.
    """
    for move in MOVES.values():
        if from_status in move.sources and move.to == to_status:
            return move
    return None


def moves_from(status: str) -> list[Move]:
    return [move for move in MOVES.values() if status in move.sources]
