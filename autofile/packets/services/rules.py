"""Writing import rules, and running them over the mirror to create packets."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection as db
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from autofile.accounts.models import Organization, User
from autofile.mirror.models import Connection
from autofile.packets.models import ImportRule, PacketEvent, PacketStatus, RebateProgram
from autofile.packets.selectors.rules import rule_jobs
from autofile.packets.services.dates import packets_set_dates
from autofile.packets.services.validation import CHUNK

#: The fields of a rule that say which jobs it matches.
CRITERIA = (
    "tag_type_ids",
    "tag_match",
    "excluded_tag_type_ids",
    "sku_ids",
    "business_unit_ids",
    "job_type_ids",
    "job_statuses",
    "completed_from",
    "completed_to",
    "completed_within_days",
)
EDITABLE = (*CRITERIA, "name", "program", "is_active")


def _clean(rule: ImportRule) -> None:
    """Validate a rule as a whole; errors name the fields they are about."""
    errors: dict[str, list[str]] = {}
    try:
        rule.full_clean(exclude=["organization", "connection", "created_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if rule.program_id and rule.program.organization_id != rule.organization_id:
        errors.setdefault("program", []).append("Choose one of your organization's programs.")
    if rule.connection.organization_id != rule.organization_id:
        errors.setdefault("connection", []).append("Choose one of your organization's tenants.")
    duplicate = ImportRule.objects.filter(
        organization_id=rule.organization_id, connection_id=rule.connection_id, name=rule.name
    ).exclude(pk=rule.pk)
    if rule.name and duplicate.exists():
        errors.setdefault("name", []).append("Another rule of this tenant has this name.")
    if not rule.has_positive_criterion:
        errors.setdefault("__all__", []).append(
            "Say which jobs to import: pick tags, SKUs, business units or job types."
        )
    if rule.completed_from and rule.completed_to and rule.completed_from > rule.completed_to:
        errors.setdefault("completed_to", []).append("The window ends before it starts.")
    if rule.completed_within_days is not None and (rule.completed_from or rule.completed_to):
        errors.setdefault("completed_within_days", []).append(
            "Use either a date window or “last N days”, not both."
        )
    overlap = set(rule.tag_type_ids) & set(rule.excluded_tag_type_ids)
    if overlap:
        errors.setdefault("excluded_tag_type_ids", []).append(
            "A tag cannot be both wanted and excluded."
        )
    if errors:
        raise ValidationError(errors)


def _normalize(fields: dict[str, Any]) -> dict[str, Any]:
    ids = ("tag_type_ids", "excluded_tag_type_ids", "sku_ids", "business_unit_ids", "job_type_ids")
    for key in ids:
        if key in fields:
            fields[key] = sorted({int(v) for v in fields[key] or ()})
    if "job_statuses" in fields:
        fields["job_statuses"] = sorted({str(v) for v in fields["job_statuses"] or ()})
    return fields


def _run_history_on_commit(rule: ImportRule) -> None:
    from autofile.packets.tasks import import_rule_history

    rule_id = rule.pk
    transaction.on_commit(lambda: import_rule_history.delay(rule_id))


@transaction.atomic
def rule_create(
    *,
    organization: Organization,
    connection: Connection,
    program: RebateProgram,
    name: str,
    user: User | None = None,
    is_active: bool = False,
    **criteria: Any,
) -> ImportRule:
    """Create a rule; an active one runs over the mirror's history (in a worker)."""
    unknown = set(criteria) - set(CRITERIA)
    if unknown:
        raise TypeError(f"unknown rule criteria: {', '.join(sorted(unknown))}")
    rule = ImportRule(
        organization=organization,
        connection=connection,
        program=program,
        name=name.strip(),
        created_by=user,
        is_active=is_active,
        **_normalize(dict(criteria)),
    )
    _clean(rule)
    rule.save()
    if rule.is_active:
        _run_history_on_commit(rule)
    return rule


@transaction.atomic
def rule_update(*, rule: ImportRule, **fields: Any) -> ImportRule:
    """Change a rule's name, program, criteria or switch; an active rule re-runs history.

    Packets already imported stay: a rule adds packets, it never takes them away.
    """
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable on a rule: {', '.join(sorted(unknown))}")
    fields = _normalize(dict(fields))
    if "name" in fields:
        fields["name"] = str(fields["name"]).strip()
    changed = [key for key, value in fields.items() if getattr(rule, key) != value]
    for key, value in fields.items():
        setattr(rule, key, value)
    _clean(rule)
    rule.save()
    if rule.is_active and changed:
        _run_history_on_commit(rule)
    return rule


def rule_set_active(*, rule: ImportRule, is_active: bool) -> ImportRule:
    """Switch a rule on (it then runs over history) or off (it stops importing)."""
    return rule_update(rule=rule, is_active=is_active)


@transaction.atomic
def rule_delete(*, rule: ImportRule) -> None:
    """Delete a rule; the packets it imported stay, with no rule."""
    rule.delete()


def _insert_packets(rule: ImportRule, job_ids: Iterable[int] | None) -> list[tuple[int, int]]:
    """One INSERT … SELECT over the rule's matching jobs; (packet id, job id) of new rows.

    The unique (job, program) constraint with ON CONFLICT DO NOTHING decides which rows
    are new, so two runs at once, or one run twice, never create a packet twice.
    """
    jobs = rule_jobs(rule=rule)
    if job_ids is not None:
        jobs = jobs.filter(pk__any=list(job_ids))
    select_sql, select_params = jobs.order_by().values("id").query.sql_with_params()
    with db.cursor() as cursor:
        cursor.execute(
            "INSERT INTO packets_packet (organization_id, job_id, program_id, rule_id, status, "  # noqa: S608
            "error_count, warning_count, confirmation_number, kickback_count, "
            "status_changed_at, created_at, updated_at) "
            f"SELECT %s, matched.id, %s, %s, %s, 0, 0, '', 0, now(), now(), now() "
            f"FROM ({select_sql}) AS matched "
            "ON CONFLICT (job_id, program_id) DO NOTHING RETURNING id, job_id",
            [
                rule.organization_id,
                rule.program_id,
                rule.pk,
                PacketStatus.NEW,
                *select_params,
            ],
        )
        created = [(row[0], row[1]) for row in cursor.fetchall()]
        if created:
            cursor.execute(
                "INSERT INTO packets_packetevent (organization_id, packet_id, action, "
                "from_status, to_status, note, data, created_at) "
                "SELECT %s, packet_id, %s, %s, %s, %s, %s::jsonb, now() "
                "FROM unnest(%s::bigint[]) AS packet_id",
                [
                    rule.organization_id,
                    PacketEvent.Action.IMPORT,
                    PacketStatus.NEW,
                    PacketStatus.NEW,
                    f"Imported by rule “{rule.name}”",
                    json.dumps({"rule_id": rule.pk}),
                    [packet_id for packet_id, _ in created],
                ],
            )
            packets_set_dates(packet_ids=[packet_id for packet_id, _ in created])
    return created


def _after_import(connection_id: int, created: list[tuple[int, int]]) -> None:
    """On commit: validate the new packets, fetch their documents, validate again.

    Validation runs once straight away (findings show without waiting for files) and once
    after the documents arrived (packets follow the mirror's documents hook).
    """
    if not created:
        return
    from autofile.mirror.tasks import fetch_packet_documents
    from autofile.packets.tasks import validate_packets

    chunks = [created[i : i + CHUNK] for i in range(0, len(created), CHUNK)]

    def enqueue() -> None:
        for chunk in chunks:
            packet_ids = [packet_id for packet_id, _ in chunk]
            job_ids = sorted({job_id for _, job_id in chunk})
            validate_packets.delay(packet_ids)
            # Their arrival re-validates the packets (the mirror's documents hook).
            fetch_packet_documents.delay(connection_id, job_ids)

    transaction.on_commit(enqueue)


def rule_import(*, rule: ImportRule, job_ids: Iterable[int] | None = None) -> list[int]:
    """Create the packets the rule calls for, over the given jobs or all of them.

    Returns the new packets' ids. Their documents are fetched and they are validated
    after commit, in workers.
    """
    if not rule.program.is_active:
        return []
    with transaction.atomic():
        created = _insert_packets(rule, job_ids)
        _after_import(rule.connection_id, created)
    return [packet_id for packet_id, _ in created]


def packets_import(
    *,
    connection: Connection,
    job_ids: Iterable[int] | None = None,
    rules: Iterable[ImportRule] | None = None,
) -> int:
    """Run the connection's active import rules and create the packets they call for.

    Works on the given mirrored jobs, or on all of them (a rule's history). A (job,
    program) pair becomes at most one packet however often this runs: the unique
    constraint decides, so concurrent runs cannot double up. Returns packets created.
    `rules`: the connection's `active_rules`, when the caller loaded them already.
    """
    ids = None if job_ids is None else list(job_ids)
    if ids is not None and not ids:
        return 0
    if rules is None:
        rules = active_rules(connection)
    return sum(len(rule_import(rule=rule, job_ids=ids)) for rule in rules)


def active_rules(connection: Connection) -> QuerySet[ImportRule]:
    """The rules that import the connection's jobs now (active, with an active program)."""
    return ImportRule.objects.filter(
        connection=connection, is_active=True, program__is_active=True
    ).select_related("program")


def rule_run_history(*, rule_id: int) -> int:
    """Run an active rule over every mirrored job of its connection (the worker's task)."""
    rule = ImportRule.objects.select_related("program", "connection").filter(pk=rule_id).first()
    if rule is None or not rule.is_active or not rule.connection.is_active:
        return 0
    ImportRule.objects.filter(pk=rule.pk).update(history_started_at=timezone.now())
    created = rule_import(rule=rule)
    ImportRule.objects.filter(pk=rule.pk).update(
        history_finished_at=timezone.now(), history_imported=len(created)
    )
    return len(created)
