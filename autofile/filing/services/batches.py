"""Creating submission batches: ready packets of one program, submitted together.

Each packet moves to submitted through the packets' own service (the same lock, the same
status machine, a fresh validation, the same history), one after the other; a packet the
service refuses stays out of the batch with the reason. The batch, its entries and the
submissions commit together, so a batch never lists a packet that did not move.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.filing.models import BatchPacket, SubmissionBatch
from autofile.packets.errors import TransitionRefused
from autofile.packets.models import Packet
from autofile.packets.services.bulk import BULK_LIMIT, Refusal
from autofile.packets.services.packets import packet_submit


class BatchRefused(Exception):
    """The selection cannot become a batch at all (nothing was changed)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class BatchResult:
    """The batch created (None when no packet could be submitted) and each packet left out."""

    batch: SubmissionBatch | None
    refused: list[Refusal] = field(default_factory=list)


def batch_reference(year: int, number: int) -> str:
    return f"B-{year}-{number:04d}"


def _next_number(organization: Organization, year: int) -> int:
    # The organization's row serialises batch numbering: two batches at once get two numbers.
    Organization.objects.select_for_update().only("pk").get(pk=organization.pk)
    last = SubmissionBatch.objects.filter(organization=organization, year=year).aggregate(
        last=Max("number")
    )["last"]
    return (last or 0) + 1


def batch_create(
    *,
    organization: Organization,
    packet_ids: Iterable[int],
    user: User | None,
    confirmation_number: str = "",
    note: str = "",
) -> BatchResult:
    """Submit the selected ready packets of one program as a batch.

    Refused as a whole (BatchRefused) when the selection is empty or spans programs.
    Packets are submitted under `confirmation_number`, or the batch's reference when none
    is given; each refused packet is reported and left as it was.
    """
    wanted = list(dict.fromkeys(int(pk) for pk in packet_ids))
    if not wanted:
        raise BatchRefused("Select the ready packets to put in the batch.")
    if len(wanted) > BULK_LIMIT:
        raise BatchRefused(f"A batch holds at most {BULK_LIMIT} packets.")
    packets = {
        p.pk: p
        for p in Packet.objects.filter(organization=organization, pk__in=wanted).select_related(
            "program"
        )
    }
    programs = sorted({p.program.name for p in packets.values()})
    if len(programs) > 1:
        raise BatchRefused(
            "A batch goes to one program; the selection holds packets of "
            f"{len(programs)} programs ({', '.join(programs)}). Filter the queue by program "
            "and select again."
        )
    refused = [Refusal(pk, "No such packet.", "missing") for pk in wanted if pk not in packets]
    if not packets:
        return BatchResult(batch=None, refused=refused)
    program = next(iter(packets.values())).program
    year = timezone.localdate().year
    with transaction.atomic():
        number = _next_number(organization, year)
        reference = batch_reference(year, number)
        batch = SubmissionBatch.objects.create(
            organization=organization,
            program=program,
            year=year,
            number=number,
            reference=reference,
            confirmation_number=(confirmation_number.strip() or reference)[:100],
            note=note.strip(),
            created_by=user,
        )
        entries: list[BatchPacket] = []
        submission_note = f"Submitted in batch {reference}." + (
            f" {note.strip()}" if note.strip() else ""
        )
        for packet_id in wanted:
            packet = packets.get(packet_id)
            if packet is None:
                continue
            try:
                packet_submit(
                    packet=packet,
                    user=user,
                    confirmation_number=batch.confirmation_number,
                    note=submission_note,
                )
            except TransitionRefused as exc:
                refused.append(Refusal(packet_id, exc.message, exc.code))
                continue
            entries.append(
                BatchPacket(
                    organization=organization,
                    batch=batch,
                    packet=packet,
                    position=len(entries) + 1,
                )
            )
        if not entries:
            transaction.set_rollback(True)
            return BatchResult(batch=None, refused=refused)
        BatchPacket.objects.bulk_create(entries)
    return BatchResult(batch=batch, refused=refused)
