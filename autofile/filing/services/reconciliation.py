"""Reconciliation: a program's decisions file, previewed, then applied once.

Import reads the file (autofile/filing/decisions.py), matches each row to a packet and plans
its moves against the packet as it is (preview); nothing changes. Apply plans again against
the packets as they are then and moves each matched packet through the packets' own
services (the status machine, the history), all in one transaction: a row that matches no
packet or asks for a move the packet cannot make is listed with the reason and changes
nothing; a file with unreadable rows is not applied at all. What a row asks that the packet
already shows (approved at that amount, paid, rejected, this kickback since its last
submission) changes nothing, so applying the same file twice changes nothing the second
time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.filing import decisions
from autofile.filing.decisions import APPROVED, PAID, REJECTED, FileRefused
from autofile.filing.models import ReconciliationImport, ReconciliationRow
from autofile.packets.errors import TransitionRefused
from autofile.packets.models import (
    KickbackReason,
    Packet,
    PacketEvent,
    PacketStatus,
    RebateProgram,
)
from autofile.packets.services import packets as packet_services

S = PacketStatus
A = PacketEvent.Action
Outcome = ReconciliationRow.Outcome


class ReconciliationRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _money(value: Decimal | None) -> str:
    return "none" if value is None else f"${value:,.2f}"


def _label(status: str) -> str:
    return str(S(status).label).lower()


@dataclass
class State:
    """What planning knows of a packet: its row's values, moved as the plan moves it."""

    status: str
    approved_amount: Decimal | None
    paid_amount: Decimal | None
    kickback_reason_id: int | None
    #: When it was last submitted; kickbacks applied after it are this submission's.
    submitted_at: dt.datetime | None


@dataclass
class Step:
    action: str
    data: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass
class Plan:
    outcome: str
    steps: list[Step] = field(default_factory=list)
    message: str = ""


# --- matching


@dataclass
class Matcher:
    """Finds each row's packet among the organization's (the import's program's) packets,
    read for the whole file at once."""

    organization_id: int
    program: RebateProgram | None
    by_id: dict[int, Packet] = field(default_factory=dict)
    by_job: dict[str, list[Packet]] = field(default_factory=dict)
    by_confirmation: dict[str, list[Packet]] = field(default_factory=dict)

    def load(self, rows: Sequence[decisions.DecisionRow]) -> None:
        ids = {int(r.values["packet_id"]) for r in rows if "packet_id" in r.values}
        jobs = {r.values["job_number"].casefold() for r in rows if "job_number" in r.values}
        confirmations = {
            r.values["confirmation_number"]
            for r in rows
            if "confirmation_number" in r.values and "packet_id" not in r.values
        }
        packets = Packet.objects.filter(organization_id=self.organization_id).select_related(
            "job", "program"
        )
        if self.program is not None:
            packets = packets.filter(program=self.program)
        found: dict[int, Packet] = {}
        for packet in packets.filter(pk__any=sorted(ids)) if ids else []:
            found[packet.pk] = packet
        if jobs:
            by_job = packets.annotate(job_key=Lower("job__job_number"))
            for packet in by_job.filter(job_key__any=sorted(jobs)):
                found.setdefault(packet.pk, packet)
        if confirmations:
            for packet in packets.filter(confirmation_number__any=sorted(confirmations)):
                found.setdefault(packet.pk, packet)
        for packet in found.values():
            self.by_id[packet.pk] = packet
            self.by_job.setdefault(packet.job.job_number.casefold(), []).append(packet)
            if packet.confirmation_number:
                self.by_confirmation.setdefault(packet.confirmation_number, []).append(packet)

    def match(self, values: dict[str, str]) -> tuple[Packet | None, str]:
        where = f" of {self.program.name}" if self.program is not None else ""
        job_number = values.get("job_number", "")
        if "packet_id" in values:
            packet = self.by_id.get(int(values["packet_id"]))
            if packet is None:
                return None, f"No packet #{values['packet_id']}{where}."
            if job_number and packet.job.job_number.casefold() != job_number.casefold():
                return None, (
                    f"Packet #{packet.pk} is job {packet.job.job_number}, not job {job_number}."
                )
            return packet, ""
        if job_number:
            candidates = self.by_job.get(job_number.casefold(), [])
            confirmation = values.get("confirmation_number")
            if len(candidates) > 1 and confirmation:
                candidates = [p for p in candidates if p.confirmation_number == confirmation]
            if len(candidates) > 1:
                live = [p for p in candidates if p.status in (S.SUBMITTED, S.APPROVED)]
                candidates = live if len(live) == 1 else candidates
            if len(candidates) == 1:
                return candidates[0], ""
            if not candidates:
                return None, f"No packet{where} for job {job_number}."
            names = ", ".join(sorted({p.program.name for p in candidates}))
            return None, (
                f"Job {job_number} has {len(candidates)} packets ({names}): give the packet "
                "id, or import the file for one program."
            )
        confirmation = values.get("confirmation_number", "")
        candidates = self.by_confirmation.get(confirmation, [])
        if len(candidates) == 1:
            return candidates[0], ""
        if not candidates:
            return None, f"No packet{where} was submitted under confirmation number {confirmation}."
        return None, (
            f"{len(candidates)} packets were submitted under {confirmation} (a batch): give "
            "each row's packet id or job number."
        )


# --- planning


def _kickback_reason(program_reasons: list[KickbackReason], text: str) -> KickbackReason | None:
    wanted = " ".join(text.split()).casefold()
    for reason in program_reasons:
        if wanted in (reason.code.casefold(), reason.label.casefold()):
            return reason
    for reason in program_reasons:  # "AHRI: certificate missing", "Missing AHRI (AHRI)"
        if reason.code.casefold() in wanted.replace(":", " ").replace("(", " ").split():
            return reason
    return None


def _illegal(state: State, to: str) -> str:
    return f"Cannot move a packet that is {_label(state.status)} to {_label(to)}."


def plan_row(
    *,
    values: dict[str, str],
    state: State,
    program: RebateProgram,
    reasons: list[KickbackReason],
    earlier: set[str],
    source: str,
) -> Plan:
    """The moves a row asks of a packet in `state` (which it updates as if they were made).

    `earlier`: fingerprints of rows of earlier imports applied to this packet since its last
    submission (a repeated row changes nothing)."""
    decision = values["decision"]
    reason = values.get("reason", "")
    note = f"From the program's decisions file ({source})." + (f" {reason}" if reason else "")
    if values.get("confirmation_number"):
        note += f" Program's confirmation number: {values['confirmation_number']}."
    if fingerprint(values) in earlier:
        return Plan(Outcome.UNCHANGED, message="Already applied from an earlier import.")
    if decision in (APPROVED, PAID):
        approved = Decimal(values.get("approved_amount") or values["paid_amount"])
        paid = Decimal(values["paid_amount"]) if "paid_amount" in values else None
        steps: list[Step] = []
        said: list[str] = []
        if state.status == S.SUBMITTED:
            steps.append(Step(A.APPROVE, {"approved_amount": approved}, note))
            said.append(f"approve at {_money(approved)}")
            state.status, state.approved_amount = S.APPROVED, approved
        elif state.status in (S.APPROVED, S.PAID):
            if state.approved_amount != approved:
                said.append(
                    f"already approved at {_money(state.approved_amount)} (the file says "
                    f"{_money(approved)}; AutoFile keeps its amount)"
                )
        else:
            return Plan(Outcome.ILLEGAL, message=_illegal(state, S.APPROVED))
        if paid is not None:
            if state.status == S.APPROVED:
                paid_on = values.get("paid_on")
                steps.append(Step(A.PAY, {"paid_amount": paid, "paid_on": paid_on}, note))
                said.append(f"mark paid {_money(paid)}" + (f" on {paid_on}" if paid_on else ""))
                state.status, state.paid_amount = S.PAID, paid
            elif state.paid_amount != paid:
                said.append(
                    f"already paid {_money(state.paid_amount)} (the file says {_money(paid)})"
                )
        if not steps:
            message = "; ".join(said) or (
                f"Already {_label(state.status)} at {_money(state.approved_amount)}."
            )
            return Plan(Outcome.UNCHANGED, message=message[:1].upper() + message[1:])
        message = ", then ".join(said)
        return Plan(Outcome.WILL_CHANGE, steps, message[:1].upper() + message[1:] + ".")
    if decision == REJECTED:
        if state.status == S.REJECTED:
            return Plan(Outcome.UNCHANGED, message="Already rejected.")
        if state.status not in (S.SUBMITTED, S.APPROVED):
            return Plan(Outcome.ILLEGAL, message=_illegal(state, S.REJECTED))
        state.status = S.REJECTED
        return Plan(
            Outcome.WILL_CHANGE,
            [Step(A.REJECT, {}, note)],
            "Mark rejected" + (f": {reason}." if reason else "."),
        )
    # kicked back
    kickback = _kickback_reason(reasons, reason)
    if kickback is None:
        known = ", ".join(f"{r.code} ({r.label})" for r in reasons) or "none yet"
        return Plan(
            Outcome.ILLEGAL,
            message=f"“{reason}” is not one of {program.name}'s kickback reasons: {known}.",
        )
    if state.status not in (S.SUBMITTED, S.APPROVED):
        if state.status == S.IN_REVIEW and state.kickback_reason_id == kickback.pk:
            return Plan(Outcome.UNCHANGED, message=f"Already kicked back: {kickback.label}.")
        return Plan(Outcome.ILLEGAL, message=_illegal(state, S.IN_REVIEW) + " (a kickback)")
    state.status, state.kickback_reason_id = S.IN_REVIEW, kickback.pk
    return Plan(
        Outcome.WILL_CHANGE,
        [Step(A.KICKBACK, {"reason_code": kickback.code}, note)],
        f"Kick back to review: {kickback.label}.",
    )


def fingerprint(values: dict[str, str]) -> str:
    """What a row asks, independent of the file it came in (to spot a repeated row)."""
    wanted = ("decision", "reason", "approved_amount", "paid_amount", "paid_on")
    text = "|".join(f"{k}={values.get(k, '')}" for k in wanted)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _states(packets: Sequence[Packet]) -> dict[int, State]:
    ids = [p.pk for p in packets]
    submitted = dict(
        PacketEvent.objects.filter(packet_id__any=ids, action=A.SUBMIT)
        .values("packet_id")
        .annotate(last=Max("created_at"))
        .values_list("packet_id", "last")
    )
    fresh = Packet.objects.filter(pk__any=ids).values_list(
        "pk", "status", "approved_amount", "paid_amount", "kickback_reason_id"
    )
    return {
        pk: State(status, approved, paid, reason, submitted.get(pk))
        for pk, status, approved, paid, reason in fresh
    }


def _earlier(
    organization_id: int, states: dict[int, State], exclude: int | None
) -> dict[int, set[str]]:
    """Per packet, fingerprints of rows applied by earlier imports since its last submission."""
    rows = (
        ReconciliationRow.objects.filter(
            organization_id=organization_id,
            packet_id__any=list(states),
            outcome=Outcome.CHANGED,
            reconciliation__applied_at__isnull=False,
        )
        .exclude(reconciliation_id=exclude)
        .values_list("packet_id", "values", "reconciliation__applied_at")
    )
    found: dict[int, set[str]] = {}
    for packet_id, values, applied_at in rows:
        state = states.get(packet_id)
        if state is None:
            continue
        if applied_at is not None and (
            state.submitted_at is None or applied_at >= state.submitted_at
        ):
            found.setdefault(packet_id, set()).add(fingerprint(values))
    return found


def _reasons(packets: Sequence[Packet]) -> dict[int, list[KickbackReason]]:
    program_ids = sorted({p.program_id for p in packets})
    reasons: dict[int, list[KickbackReason]] = {pk: [] for pk in program_ids}
    for reason in KickbackReason.objects.filter(program_id__any=program_ids).order_by(
        "position", "id"
    ):
        reasons[reason.program_id].append(reason)
    return reasons


def _plan_all(
    reconciliation: ReconciliationImport, rows: Sequence[ReconciliationRow]
) -> list[tuple[ReconciliationRow, Packet | None, Plan]]:
    """Each stored row's packet and plan, against the packets as they are now."""
    parsed = [decisions.DecisionRow(line=r.line, values=dict(r.values)) for r in rows]
    matcher = Matcher(reconciliation.organization_id, reconciliation.program)
    matcher.load([p for p, r in zip(parsed, rows, strict=True) if r.outcome != Outcome.INVALID])
    matched = {}
    for row in rows:
        if row.outcome == Outcome.INVALID:
            continue
        matched[row.pk] = matcher.match(row.values)
    packets = list({p.pk: p for p, _ in matched.values() if p is not None}.values())
    states = _states(packets)
    earlier = _earlier(reconciliation.organization_id, states, reconciliation.pk)
    reasons = _reasons(packets)
    source = f"{reconciliation.file_name}, import #{reconciliation.pk}"
    planned: list[tuple[ReconciliationRow, Packet | None, Plan]] = []
    for row in rows:
        if row.outcome == Outcome.INVALID:
            planned.append((row, None, Plan(Outcome.INVALID, message=row.message)))
            continue
        packet, why = matched[row.pk]
        if packet is None:
            planned.append((row, None, Plan(Outcome.UNMATCHED, message=why)))
            continue
        plan = plan_row(
            values=row.values,
            state=states[packet.pk],
            program=packet.program,
            reasons=reasons.get(packet.program_id, []),
            earlier=earlier.get(packet.pk, set()),
            source=f"{source}, row {row.line}",
        )
        planned.append((row, packet, plan))
    return planned


# --- import and apply


@transaction.atomic
def reconciliation_import(
    *,
    organization: Organization,
    file_name: str,
    data: bytes,
    user: User | None,
    program: RebateProgram | None = None,
) -> ReconciliationImport:
    """Store the file's rows and what each would do (the preview); nothing else changes.

    A file that cannot be read as a whole is stored as malformed with the reason."""
    if program is not None and program.organization_id != organization.pk:
        raise ReconciliationRefused("No such program.")
    reconciliation = ReconciliationImport.objects.create(
        organization=organization,
        program=program,
        file_name=(file_name or "decisions")[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        uploaded_by=user,
    )
    try:
        parsed = decisions.read_decisions(file_name, data)
    except FileRefused as refused:
        reconciliation.status = ReconciliationImport.Status.MALFORMED
        reconciliation.error = refused.message
        reconciliation.save(update_fields=["status", "error"])
        return reconciliation
    reconciliation.columns = parsed.columns
    if any(r.errors for r in parsed.rows):
        reconciliation.status = ReconciliationImport.Status.MALFORMED
        n = sum(1 for r in parsed.rows if r.errors)
        reconciliation.error = (
            f"{n} row{'s' if n != 1 else ''} cannot be read; fix the file and import it again "
            "(nothing is applied from a file with unreadable rows)."
        )
    reconciliation.save(update_fields=["status", "error", "columns"])
    rows = ReconciliationRow.objects.bulk_create(
        ReconciliationRow(
            organization=organization,
            reconciliation=reconciliation,
            line=r.line,
            values=r.values,
            outcome=Outcome.INVALID if r.errors else Outcome.UNCHANGED,
            message=("Row cannot be read: " + "; ".join(r.errors) + ".") if r.errors else "",
        )
        for r in parsed.rows
    )
    for row, packet, plan in _plan_all(reconciliation, rows):
        row.packet = packet
        row.outcome = plan.outcome
        row.actions = [step.action for step in plan.steps]
        row.message = plan.message
    ReconciliationRow.objects.bulk_update(rows, ["packet", "outcome", "actions", "message"])
    return reconciliation


def _perform(packet: Packet, step: Step, user: User | None) -> None:
    if step.action == A.APPROVE:
        packet_services.packet_approve(
            packet=packet, user=user, approved_amount=step.data["approved_amount"], note=step.note
        )
    elif step.action == A.PAY:
        paid_on = step.data.get("paid_on")
        packet_services.packet_mark_paid(
            packet=packet,
            user=user,
            paid_amount=step.data["paid_amount"],
            paid_on=dt.date.fromisoformat(paid_on) if paid_on else None,
            note=step.note,
        )
    elif step.action == A.REJECT:
        packet_services.packet_reject(packet=packet, user=user, note=step.note)
    elif step.action == A.KICKBACK:
        packet_services.packet_kickback(
            packet=packet, user=user, reason_code=step.data["reason_code"], note=step.note
        )
    else:  # pragma: no cover - plan_row makes only the moves above
        raise ValueError(step.action)


def reconciliation_apply(
    *, reconciliation: ReconciliationImport, user: User | None
) -> ReconciliationImport:
    """Apply the import's rows, all in one transaction; an applied import is not applied
    again. Raises ReconciliationRefused for a malformed file (nothing is applied)."""
    with transaction.atomic():
        locked = ReconciliationImport.objects.select_for_update().get(pk=reconciliation.pk)
        if locked.status == ReconciliationImport.Status.APPLIED:
            return locked
        if locked.status == ReconciliationImport.Status.MALFORMED:
            raise ReconciliationRefused(
                f"Nothing was applied: {locked.error or 'the file cannot be read.'}"
            )
        rows = list(ReconciliationRow.objects.filter(reconciliation=locked).order_by("line"))
        for row, packet, plan in _plan_all(locked, rows):
            row.packet = packet
            row.actions = [step.action for step in plan.steps]
            row.message = plan.message
            row.outcome = plan.outcome
            if packet is None or not plan.steps:
                continue
            try:
                with transaction.atomic():  # a row moves its packet all the way, or not at all
                    for step in plan.steps:
                        _perform(packet, step, user)
            except TransitionRefused as refused:
                row.outcome, row.message, row.actions = Outcome.ILLEGAL, refused.message, []
            else:
                row.outcome = Outcome.CHANGED
        ReconciliationRow.objects.bulk_update(rows, ["packet", "outcome", "actions", "message"])
        locked.status = ReconciliationImport.Status.APPLIED
        locked.applied_at = timezone.now()
        locked.applied_by = user
        locked.save(update_fields=["status", "applied_at", "applied_by"])
    return locked
