"""Delivering the outbox to ServiceTitan, and what people do with what could not be delivered.

Life of a message::

    pending ──claim (compare-and-swap)──► in_flight ──► sent ──(next sync reads it back)──►
       ▲                                     │            correction confirmed
       │ retry later: 429 / 5xx / timeout,   ├──► conflict ──► resolve: apply mine (re-based,
       │ backoff in next_attempt_at          │                 pending) or take theirs
       └─────────────────────────────────────┤                 (mirror updated, discarded)
                                             └──► failed (4xx) ──► retry (pending again)

Rules:

- A message is claimed with one UPDATE that only succeeds while it is pending, due, and no
  earlier message to the same record (`target_key`) is pending, in flight or in conflict: writes
  to one record go out in order, and two workers never send the same message.
- ServiceTitan is called with no transaction open; the outcome is recorded afterwards, guarded
  by the claim token (a worker whose lease ran out cannot overwrite a newer claim).
- Waits live in the database (`next_attempt_at`, exponential backoff); the beat sweeper
  (`outbox_sweep`) hands due messages to workers and releases claims of dead workers.
- The Correction a message carries follows its status (queued, sent, conflict, failed,
  discarded) and becomes confirmed when a sync stores the written values (`corrections_confirm`).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from autofile.accounts.models import Organization, User
from autofile.mirror.client import client_for
from autofile.mirror.models import (
    Connection,
    Customer,
    CustomerContact,
    Invoice,
    InvoiceItem,
    Job,
    Location,
    MirrorRecord,
)
from autofile.mirror.registry import RESOURCES
from autofile.packets.models import UtilityAccount
from autofile.packets.services.follow import packets_inputs_changed
from autofile.review.models import Correction, DeliveryStatus, Operation, TargetType
from autofile.writeback import delivery as D
from autofile.writeback import values as V
from autofile.writeback.models import (
    BLOCKING_STATUSES,
    OutboxAttempt,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
)
from integrations.servicetitan import (
    PermanentError,
    RateLimitedError,
    RetryPolicy,
    ServiceTitanError,
    TransientError,
    WriteOutcomeUnknownError,
)

logger = logging.getLogger(__name__)

#: The client's own retries stay short: the outbox waits out longer trouble in the database.
DELIVERY_RETRY = RetryPolicy(
    max_attempts=2,
    base_delay=0.25,
    max_delay=1.0,
    max_elapsed=20.0,
    max_rate_limited=3,
    retry_after_cap=5.0,
)
LEASE = dt.timedelta(minutes=5)
#: How long after sending the sweeper keeps looking for a write's round trip. A write the
#: syncs never read back as written (someone changed the record again) stays "sent".
CONFIRM_WINDOW = dt.timedelta(days=7)
SWEEP_BATCH = 500


def retry_base_seconds() -> float:
    """First wait after a failed attempt; doubles with each failure (WRITEBACK_RETRY_BASE)."""
    return float(settings.WRITEBACK_RETRY_BASE_SECONDS)


def retry_max_seconds() -> float:
    return float(settings.WRITEBACK_RETRY_MAX_SECONDS)


def max_attempts() -> int:
    """Attempts before a message that keeps failing transiently is marked failed."""
    return int(settings.WRITEBACK_MAX_ATTEMPTS)


def backoff(attempts: int) -> dt.timedelta:
    """Exponential, capped, with ±20% jitter so retries of an outage spread out."""
    seconds = min(retry_max_seconds(), retry_base_seconds() * 2 ** max(attempts - 1, 0))
    return dt.timedelta(seconds=seconds * random.uniform(0.8, 1.2))


# The mirror table of the record a kind writes (the sub-record for items and contacts).
RECORD_MODELS: dict[str, type[MirrorRecord]] = {
    OutboxKind.INVOICE_UPDATE: Invoice,
    OutboxKind.INVOICE_ITEMS_UPDATE: InvoiceItem,
    OutboxKind.INVOICE_ITEM_ADD: InvoiceItem,
    OutboxKind.INVOICE_ITEM_DELETE: InvoiceItem,
    OutboxKind.CUSTOMER_CONTACT_CREATE: CustomerContact,
    OutboxKind.CUSTOMER_CONTACT_UPDATE: CustomerContact,
    OutboxKind.CUSTOMER_CONTACT_DELETE: CustomerContact,
    OutboxKind.CUSTOMER_UPDATE: Customer,
    OutboxKind.LOCATION_UPDATE: Location,
    OutboxKind.LOCATION_CUSTOM_FIELD_UPDATE: Location,
    OutboxKind.JOB_TAG_ADD: Job,
    OutboxKind.JOB_TAG_REMOVE: Job,
}
_TARGET_TYPES: dict[type[MirrorRecord], TargetType] = {
    Invoice: TargetType.INVOICE,
    InvoiceItem: TargetType.INVOICE_ITEM,
    Customer: TargetType.CUSTOMER,
    CustomerContact: TargetType.CUSTOMER_CONTACT,
    Location: TargetType.LOCATION,
    Job: TargetType.JOB,
}
_STATUS_OF_CORRECTION = {
    OutboxStatus.PENDING: DeliveryStatus.QUEUED,
    OutboxStatus.IN_FLIGHT: DeliveryStatus.QUEUED,
    OutboxStatus.SENT: DeliveryStatus.SENT,
    OutboxStatus.CONFLICT: DeliveryStatus.CONFLICT,
    OutboxStatus.FAILED: DeliveryStatus.FAILED,
    OutboxStatus.DISCARDED: DeliveryStatus.DISCARDED,
}


class OutboxStateError(Exception):
    """The message is not in a state that allows this action (e.g. retrying a sent write)."""


# --- queueing -----------------------------------------------------------------------------------


def outbox_enqueue(
    *,
    connection: Connection,
    kind: str,
    target_key: str,
    target_st_id: int,
    payload: dict[str, Any],
    base_version: dt.datetime | None = None,
    base_values: dict[str, Any] | None = None,
    new_values: dict[str, Any] | None = None,
    record_st_id: int | None = None,
    record_row_id: int | None = None,
) -> OutboxMessage:
    """Queue one write; a worker is asked to deliver it once the caller's transaction commits."""
    message = OutboxMessage.objects.create(
        organization_id=connection.organization_id,
        connection=connection,
        kind=kind,
        target_key=target_key,
        target_st_id=target_st_id,
        record_st_id=record_st_id,
        record_row_id=record_row_id,
        payload=payload,
        base_version=base_version,
        base_values=base_values or {},
        new_values=new_values or {},
        next_attempt_at=timezone.now(),
    )
    _deliver_after_commit(message.pk)
    return message


def _deliver_after_commit(message_id: int) -> None:
    transaction.on_commit(lambda: _deliver_now(message_id))


def _earlier_blocking() -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(
        connection_id=OuterRef("connection_id"),
        target_key=OuterRef("target_key"),
        pk__lt=OuterRef("pk"),
        status__in=BLOCKING_STATUSES,
    )


def _due(now: dt.datetime) -> QuerySet[OutboxMessage]:
    """Messages a worker may claim now: pending, due, first in line for their record."""
    return OutboxMessage.objects.filter(
        status=OutboxStatus.PENDING, next_attempt_at__lte=now
    ).exclude(Exists(_earlier_blocking()))


# --- delivery -----------------------------------------------------------------------------------


@dataclass
class _Claim:
    message: OutboxMessage
    token: str
    attempt: OutboxAttempt


def _claim(message_id: int) -> _Claim | None:
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = (
        _due(now)
        .filter(pk=message_id)
        .update(
            status=OutboxStatus.IN_FLIGHT,
            claim_token=token,
            claimed_until=now + LEASE,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    if claimed != 1:
        return None
    message = OutboxMessage.objects.select_related("connection").get(pk=message_id)
    attempt = OutboxAttempt.objects.create(message=message, started_at=now)
    return _Claim(message, token, attempt)


def _record_st_id(message: OutboxMessage) -> int | None:
    """The sub-record's ServiceTitan id: known at queueing, or learned since from the mirror
    row (a contact or item AutoFile created, once its create was delivered)."""
    if message.record_st_id is not None:
        return message.record_st_id
    model = RECORD_MODELS.get(message.kind)
    if model is None or message.record_row_id is None:
        return None
    st_id = (
        model._default_manager.filter(pk=message.record_row_id)
        .values_list("st_id", flat=True)
        .first()
    )
    return st_id if st_id is not None and st_id > 0 else None


def _save_progress(claim: _Claim) -> None:
    OutboxMessage.objects.filter(pk=claim.message.pk, claim_token=claim.token).update(
        progress=claim.message.progress
    )


def outbox_deliver(*, message_id: int) -> str | None:
    """Claim a message and write it to ServiceTitan; the status it ended in, or None when it
    was not claimable (already taken, not due, or waiting behind an earlier write)."""
    claim = _claim(message_id)
    if claim is None:
        return None
    message = claim.message
    try:
        with client_for(message.connection) as client:
            outcome = D.deliver(
                D.Delivery(
                    message=message,
                    client=client.with_options(retry=DELIVERY_RETRY),
                    save_progress=lambda: _save_progress(claim),
                    tag_type_id=message.connection.autofile_tag_type_id,
                    record_st_id=_record_st_id(message),
                )
            )
    except RateLimitedError as exc:
        return _retry(claim, exc, exc.status, wait_at_least=exc.retry_after)
    except (TransientError, WriteOutcomeUnknownError) as exc:
        return _retry(claim, exc, exc.status)
    except D.Gone as exc:
        return _fail(claim, str(exc), 404)
    except PermanentError as exc:
        return _fail(claim, str(exc), exc.status)
    except ServiceTitanError as exc:  # the request could not even be built
        return _fail(claim, str(exc), exc.status)
    except (DatabaseError, OSError) as exc:  # our database or network, not the write
        logger.warning("delivering outbox message %s failed: %s", message.pk, exc)
        return _retry(claim, exc, None)
    except Exception as exc:
        # A bug in AutoFile (a mapper, a value it cannot send), not a ServiceTitan outage:
        # retrying it for hours would not help. It fails at once, visibly, with the
        # traceback in the log, and a person retries it after the fix.
        logger.exception("delivering outbox message %s hit an error in AutoFile", message.pk)
        return _fail(claim, f"AutoFile could not send this ({type(exc).__name__}: {exc}).", None)
    if isinstance(outcome, D.Conflicted):
        return _conflict(claim, outcome.theirs)
    return _sent(claim, outcome)


def _finish(
    claim: _Claim,
    *,
    status: OutboxStatus,
    outcome: OutboxAttempt.Outcome,
    error: str = "",
    status_code: int | None = None,
    **changes: Any,
) -> bool:
    """Record the attempt and the message's new status (and its correction's) together."""
    now = timezone.now()
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            pk=claim.message.pk, claim_token=claim.token, status=OutboxStatus.IN_FLIGHT
        ).update(
            status=status,
            claim_token="",
            claimed_until=None,
            last_error=error[:4000],
            progress=claim.message.progress,
            updated_at=now,
            **changes,
        )
        OutboxAttempt.objects.filter(pk=claim.attempt.pk).update(
            finished_at=now, outcome=outcome, error=error[:4000], status_code=status_code
        )
        if updated != 1:
            logger.warning(
                "outbox message %s: claim lost before the outcome was saved", claim.message.pk
            )
            return False
        correction: dict[str, Any] = {"delivery_status": _STATUS_OF_CORRECTION[status]}
        if status == OutboxStatus.SENT:
            correction["sent_at"] = changes["sent_at"]
        Correction.objects.filter(outbox_message_id=claim.message.pk).update(**correction)
    return True


def _retry(
    claim: _Claim, exc: BaseException, status_code: int | None, wait_at_least: float | None = None
) -> str:
    attempts = claim.message.attempts
    error = f"{type(exc).__name__}: {exc}"
    if attempts >= max_attempts():
        return _fail(claim, f"Gave up after {attempts} attempts. {error}", status_code)
    wait = backoff(attempts)
    if wait_at_least is not None:
        wait = max(wait, dt.timedelta(seconds=wait_at_least))
    _finish(
        claim,
        status=OutboxStatus.PENDING,
        outcome=OutboxAttempt.Outcome.RETRY,
        error=error,
        status_code=status_code,
        next_attempt_at=timezone.now() + wait,
    )
    return OutboxStatus.PENDING


def _fail(claim: _Claim, error: str, status_code: int | None) -> str:
    _finish(
        claim,
        status=OutboxStatus.FAILED,
        outcome=OutboxAttempt.Outcome.FAILED,
        error=error,
        status_code=status_code,
    )
    _deliver_next(claim.message)
    return OutboxStatus.FAILED


def _conflict(claim: _Claim, theirs: dict[str, Any]) -> str:
    _finish(
        claim,
        status=OutboxStatus.CONFLICT,
        outcome=OutboxAttempt.Outcome.CONFLICT,
        error="The record changed in ServiceTitan after it was read.",
        theirs=theirs,
    )
    return OutboxStatus.CONFLICT


def _sent(claim: _Claim, outcome: D.Written) -> str:
    now = timezone.now()
    with transaction.atomic():
        if (
            _finish(
                claim,
                status=OutboxStatus.SENT,
                outcome=OutboxAttempt.Outcome.SENT,
                sent_at=now,
            )
            and outcome.created_st_id is not None
        ):
            _adopt_created(claim.message, outcome.created_st_id)
    _deliver_next(claim.message)
    return OutboxStatus.SENT


def _adopt_created(message: OutboxMessage, st_id: int) -> None:
    """Give the provisional mirror row of a created record its ServiceTitan id. If the sync
    mirrored the record first, that row stays and the provisional one goes."""
    model = RECORD_MODELS[message.kind]
    row = model._default_manager.select_for_update().filter(pk=message.record_row_id).first()
    if row is None or row.st_id > 0:
        return
    existing = model._default_manager.filter(
        connection_id=message.connection_id, st_id=st_id
    ).first()
    provisional_pk = row.pk
    if existing is not None:
        row.delete()
        row = existing
    else:
        row.st_id = st_id
        row.raw = {**(row.raw or {}), "id": st_id}
        row.save(update_fields=["st_id", "raw"])
    # This write, and any later ones made to the record before it had its id.
    kinds = [kind for kind, kind_model in RECORD_MODELS.items() if kind_model is model]
    OutboxMessage.objects.filter(
        connection_id=message.connection_id, kind__in=kinds, record_row_id=provisional_pk
    ).update(record_row_id=row.pk, record_st_id=st_id)
    Correction.objects.filter(
        connection_id=message.connection_id,
        target_type=_TARGET_TYPES[model],
        target_row_id=provisional_pk,
    ).update(target_row_id=row.pk, target_st_id=st_id)


def _deliver_next(message: OutboxMessage) -> None:
    """Start the next write to the same record now, rather than at the next sweep."""
    following = (
        _due(timezone.now())
        .filter(connection_id=message.connection_id, target_key=message.target_key)
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        _deliver_now(following)


def _deliver_now(message_id: int) -> None:
    from autofile.writeback.tasks import deliver

    try:
        deliver.delay(message_id)
    except Exception:  # the broker is down: the sweeper delivers it later
        logger.warning("could not hand outbox message %s to a worker", message_id)


# --- people acting on messages --------------------------------------------------------------------


def _locked_message(organization: Organization, message_id: int) -> OutboxMessage:
    try:
        return (
            OutboxMessage.objects.select_for_update()
            .select_related("connection")
            .get(pk=message_id, organization=organization)
        )
    except OutboxMessage.DoesNotExist:
        raise Http404("No such write-back") from None


def _set_correction(message: OutboxMessage, status: DeliveryStatus) -> None:
    Correction.objects.filter(outbox_message_id=message.pk).update(delivery_status=status)


def outbox_retry(
    *, organization: Organization, message_id: int, user: User | None = None
) -> OutboxMessage:
    """Send a failed write again (after the cause was fixed); its attempts count restarts."""
    with transaction.atomic():
        message = _locked_message(organization, message_id)
        if message.status != OutboxStatus.FAILED:
            raise OutboxStateError("Only a failed write can be retried.")
        message.status = OutboxStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        _set_correction(message, DeliveryStatus.QUEUED)
        _deliver_after_commit(message.pk)
    return message


def outbox_resolve_mine(
    *, organization: Organization, message_id: int, user: User | None
) -> OutboxMessage:
    """Resolve a conflict by writing AutoFile's values anyway: the message is re-based on
    ServiceTitan's current version and queued again (should ServiceTitan change once more
    before it is sent, it conflicts again)."""
    with transaction.atomic():
        message = _locked_message(organization, message_id)
        if message.status != OutboxStatus.CONFLICT or not message.theirs:
            raise OutboxStateError("This write is not waiting on a conflict.")
        theirs = message.theirs
        version = parse_datetime(str(theirs.get("modifiedOn") or ""))
        message.base_version = version
        message.base_values = {**message.base_values, **(theirs.get("values") or {})}
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = timezone.now()
        message.resolved_at = timezone.now()
        message.resolved_by = user if user is not None and user.is_authenticated else None
        message.progress = {**message.progress, "resolution": "mine"}
        message.save()
        _set_correction(message, DeliveryStatus.QUEUED)
        _deliver_after_commit(message.pk)
    return message


def outbox_resolve_theirs(
    *, organization: Organization, message_id: int, user: User | None
) -> OutboxMessage:
    """Resolve a conflict by keeping ServiceTitan's version: the mirror takes it (the
    correction's change is undone locally) and the write is discarded."""
    with transaction.atomic():
        message = _locked_message(organization, message_id)
        if message.status != OutboxStatus.CONFLICT or not message.theirs:
            raise OutboxStateError("This write is not waiting on a conflict.")
        theirs = message.theirs
        rows = [mirror_take(message.connection, RECORD_MODELS[message.kind], theirs["raw"])]
        if isinstance(theirs.get("invoice"), dict):
            rows.append(mirror_take(message.connection, Invoice, theirs["invoice"]))
        if message.kind == OutboxKind.LOCATION_CUSTOM_FIELD_UPDATE and rows[0] is not None:
            # AutoFile's own record of the number gives way to ServiceTitan's value too.
            _utility_account_take(rows[0], str(message.payload.get("name", "")))
        message.status = OutboxStatus.DISCARDED
        message.resolved_at = timezone.now()
        message.resolved_by = user if user is not None and user.is_authenticated else None
        message.progress = {**message.progress, "resolution": "theirs"}
        message.save()
        _set_correction(message, DeliveryStatus.DISCARDED)
        _deliver_next_after_commit(message)
    _revalidate_rows(organization, [row for row in rows if row is not None])
    return message


def _utility_account_take(location: MirrorRecord, field_name: str) -> None:
    value = V.custom_field_values(location.raw).get(V.custom_field_key(field_name), "")
    if value:
        UtilityAccount.objects.filter(location_id=location.pk).update(
            number=value, origin="ServiceTitan's value, kept in a conflict"
        )
    else:
        UtilityAccount.objects.filter(location_id=location.pk).delete()


def _deliver_next_after_commit(message: OutboxMessage) -> None:
    transaction.on_commit(lambda: _deliver_next(message))


def mirror_take(
    connection: Connection, model: type[MirrorRecord], raw: dict[str, Any]
) -> MirrorRecord | None:
    """Store ServiceTitan's copy of a record in the mirror row, as a sync would."""
    resource = next(r for r in RESOURCES if r.model is model)
    columns = resource.mapper(raw)
    row = (
        model._default_manager.select_for_update()
        .filter(connection=connection, st_id=columns["st_id"])
        .first()
    )
    if row is None:
        return None
    for name, value in columns.items():
        setattr(row, name, value)
    row.raw = raw
    row.synced_at = timezone.now()
    row.save()
    return row


def _revalidate_rows(organization: Organization, rows: list[MirrorRecord]) -> None:
    job_ids: set[int] = set()
    customer_ids: set[int] = set()
    for row in rows:
        if isinstance(row, Invoice) and row.job_id:
            job_ids.add(row.job_id)
        elif isinstance(row, InvoiceItem) and row.invoice_id:
            job_ids.update(
                Invoice.objects.filter(pk=row.invoice_id, job_id__isnull=False).values_list(
                    "job_id", flat=True
                )
            )
        elif isinstance(row, CustomerContact) and row.customer_id:
            customer_ids.add(row.customer_id)
        elif isinstance(row, Customer):
            customer_ids.add(row.pk)
    locations = [row.pk for row in rows if isinstance(row, Location)]
    packets_inputs_changed(
        organization=organization,
        job_ids=job_ids,
        customer_ids=customer_ids,
        location_ids=locations,
    )


# --- the sweeper --------------------------------------------------------------------------------


def outbox_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Beat's tick: release claims of workers that died, hand due messages to workers, and
    confirm corrections the last syncs read back. Returns what it did, for the log."""
    now = now or timezone.now()
    released = 0
    for message_id, token in OutboxMessage.objects.filter(
        status=OutboxStatus.IN_FLIGHT, claimed_until__lt=now
    ).values_list("pk", "claim_token"):
        with transaction.atomic():
            released += OutboxMessage.objects.filter(pk=message_id, claim_token=token).update(
                status=OutboxStatus.PENDING,
                claim_token="",
                claimed_until=None,
                next_attempt_at=now,
                last_error="The worker stopped while sending; sending again.",
            )
            OutboxAttempt.objects.filter(message_id=message_id, finished_at__isnull=True).update(
                finished_at=now, outcome=OutboxAttempt.Outcome.ABANDONED
            )
    due = list(_due(now).values_list("pk", flat=True)[:SWEEP_BATCH])
    for message_id in due:
        _deliver_now(message_id)
    confirmed = corrections_confirm(sent_since=now - CONFIRM_WINDOW)
    return {"released": released, "handed_out": len(due), "confirmed": confirmed}


# --- the round trip -----------------------------------------------------------------------------

_TARGET_MODELS: dict[str, type[MirrorRecord]] = {t: m for m, t in _TARGET_TYPES.items()}
_SNAPSHOTS: dict[str, Any] = {
    TargetType.INVOICE: V.invoice_values,
    TargetType.INVOICE_ITEM: V.invoice_item_values,
    TargetType.CUSTOMER: V.address_values,
    TargetType.CUSTOMER_CONTACT: V.contact_values,
    TargetType.LOCATION: V.location_values,
}
#: Which mirror resources carry which correction targets (for a sync's after-page hook).
ROUND_TRIP_RESOURCES = {
    "invoices": TargetType.INVOICE,
    "invoice-items": TargetType.INVOICE_ITEM,
    "customers": TargetType.CUSTOMER,
    "customer-contacts": TargetType.CUSTOMER_CONTACT,
    "locations": TargetType.LOCATION,
    "jobs": TargetType.JOB,
}


def page_synced(connection: Connection, resource: str, ids: list[int]) -> None:
    """The mirror's hook (autofile/mirror/hooks.py): a synced page of a resource AutoFile
    writes to confirms the corrections whose records came back with the written values."""
    corrections_confirm(
        connection=connection, target_type=ROUND_TRIP_RESOURCES[resource], row_ids=ids
    )


def _round_tripped(correction: Correction, row: MirrorRecord) -> bool:
    """Whether the mirror row, stored by a sync after the write, holds the written values."""
    message = correction.outbox_message
    if message is None or message.sent_at is None or row.synced_at <= message.sent_at:
        return False
    if correction.operation == Operation.DELETE:
        return not row.active
    if not row.active:
        return False
    if correction.operation in (Operation.TAG_ADD, Operation.TAG_REMOVE):
        tag = message.new_values.get("tag_type_id")
        return (tag in row.tag_type_ids) == bool(message.new_values.get("present"))  # type: ignore[attr-defined]
    if correction.operation == Operation.CREATE and row.st_id <= 0:
        return False
    snapshot = _SNAPSHOTS[correction.target_type](row)
    return V.pick(snapshot, message.new_values) == message.new_values


def corrections_confirm(
    *,
    connection: Connection | None = None,
    target_type: str | None = None,
    row_ids: Iterable[int] | None = None,
    sent_since: dt.datetime | None = None,
) -> int:
    """Mark sent corrections confirmed whose record a sync has since read back with the
    written values. Returns how many were confirmed."""
    sent = Correction.objects.filter(delivery_status=DeliveryStatus.SENT).select_related(
        "outbox_message"
    )
    if sent_since is not None:
        sent = sent.filter(sent_at__gte=sent_since)
    if connection is not None:
        sent = sent.filter(connection=connection)
    if target_type is not None:
        sent = sent.filter(target_type=target_type)
    if row_ids is not None:
        sent = sent.filter(target_row_id__any=list(row_ids))
    by_type: dict[str, list[Correction]] = {}
    for correction in sent:
        by_type.setdefault(correction.target_type, []).append(correction)
    confirmed: list[int] = []
    for kind, corrections in by_type.items():
        model = _TARGET_MODELS[kind]
        rows = model._default_manager.in_bulk(
            [c.target_row_id for c in corrections if c.target_row_id]
        )
        for correction in corrections:
            row = rows.get(correction.target_row_id) if correction.target_row_id else None
            if row is not None and _round_tripped(correction, row):
                confirmed.append(correction.pk)
    if confirmed:
        Correction.objects.filter(pk__in=confirmed, delivery_status=DeliveryStatus.SENT).update(
            delivery_status=DeliveryStatus.CONFIRMED, confirmed_at=timezone.now()
        )
    return len(confirmed)
