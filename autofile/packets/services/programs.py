"""Writing rebate programs and their measures, requirements, checks and kickback reasons.

Each change marks the program's open packets changed and re-validates them (in workers,
after commit): a new requirement shows up as findings on the packets it concerns.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection as db
from django.db import models, transaction
from django.utils import timezone

from autofile.accounts.models import Organization
from autofile.mirror.models import PricebookEquipment, PricebookMaterial, PricebookService
from autofile.packets.examples import EXAMPLES
from autofile.packets.models import (
    OPEN_STATUSES,
    EligibilityCheck,
    KickbackReason,
    Packet,
    ProgramMeasure,
    ProgramRequirement,
    RebateProgram,
)
from autofile.packets.models.programs import DEFAULT_DOCUMENT_NAME_PATTERN
from autofile.packets.services.dates import packets_set_dates
from autofile.packets.services.validation import packets_validate_in_workers

R = TypeVar("R", ProgramMeasure, ProgramRequirement, EligibilityCheck, KickbackReason)

#: A program's own rules (beyond its rows) and where they come from.
RULE_FIELDS = (
    "submission_deadline_days",
    "cap_percent_of_cost",
    "max_units_per_household",
    "incentive_line_required",
    "preapproval_required",
    "income_tiers",
    "contractor_enrollment_number",
    "contractor_enrollment_expires_on",
    "source",
)
PROGRAM_FIELDS = (
    "name",
    "sponsor",
    "sponsor_type",
    "description",
    "starts_on",
    "ends_on",
    "is_active",
    *RULE_FIELDS,
    "document_name_pattern",
)
MEASURE_FIELDS = (
    "name",
    "equipment_type",
    "sku_ids",
    "rating",
    "minimum",
    "amount",
    "basis",
    "income_tier",
    "max_percent_of_cost",
    "position",
)
REQUIREMENT_FIELDS = (
    "kind",
    "label",
    "pattern",
    "equipment_type",
    "min_count",
    "per_unit",
    "severity",
    "position",
)
CHECK_FIELDS = (
    "kind",
    "label",
    "rating",
    "minimum",
    "equipment_type",
    "period_months",
    "count_service_agreements",
    "tolerance",
    "severity",
    "position",
)
KICKBACK_FIELDS = ("code", "label", "position")


_MARK_PROGRAM_SQL = f"""
UPDATE {Packet._meta.db_table} SET inputs_changed_at = clock_timestamp()
WHERE id IN (
    SELECT id FROM {Packet._meta.db_table}
    WHERE program_id = %s AND status = ANY(%s)
      AND (inputs_changed_at IS NULL OR inputs_changed_at < transaction_timestamp())
    ORDER BY id FOR UPDATE
)
RETURNING id
"""  # noqa: S608 (the table name only)


def program_revalidate_on_commit(program: RebateProgram) -> None:
    """The program is an input of its open packets: mark them changed (set-wise, in the
    editor's transaction) and re-validate them in workers after commit.

    An editor saving many rows in one transaction marks and queues them once: packets
    already marked since the transaction began are neither marked nor queued again.
    """
    with db.cursor() as cursor:
        cursor.execute(_MARK_PROGRAM_SQL, [program.pk, list(OPEN_STATUSES)])
        packet_ids = sorted(row[0] for row in cursor.fetchall())
    if packet_ids:
        transaction.on_commit(lambda: packets_validate_in_workers(packet_ids))


def _only(fields: dict[str, Any], allowed: tuple[str, ...], what: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"not editable on a {what}: {', '.join(sorted(unknown))}")


def _clean_program(program: RebateProgram) -> None:
    errors: dict[str, list[str]] = {}
    try:
        program.full_clean(exclude=["organization"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if program.starts_on and program.ends_on and program.starts_on > program.ends_on:
        errors.setdefault("ends_on", []).append("The program ends before it starts.")
    cap = program.cap_percent_of_cost
    if cap is not None and not 0 < cap <= 100:
        errors.setdefault("cap_percent_of_cost", []).append(
            "A percent of the project cost, more than 0 and at most 100."
        )
    if program.max_units_per_household == 0:
        errors.setdefault("max_units_per_household", []).append(
            "At least one unit (leave it empty for no limit)."
        )
    if program.submission_deadline_days == 0:
        errors.setdefault("submission_deadline_days", []).append(
            "At least one day (leave it empty for no deadline)."
        )
    if program.contractor_enrollment_expires_on and not program.contractor_enrollment_number:
        errors.setdefault("contractor_enrollment_number", []).append(
            "Give the enrollment number that expires on this date."
        )
    if program.pk and not program.income_tiers:
        tiered = program.measures.exclude(income_tier="")
        if tiered.exists():
            errors.setdefault("income_tiers", []).append(
                "Some measures pay one income tier only: clear their tier first."
            )
    taken = RebateProgram.objects.filter(
        organization_id=program.organization_id, name=program.name
    ).exclude(pk=program.pk)
    if program.name and taken.exists():
        errors.setdefault("name", []).append("Another program has this name.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def program_create(
    *,
    organization: Organization,
    name: str,
    sponsor: str,
    sponsor_type: str,
    description: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    is_active: bool = True,
    document_name_pattern: str = "",
    **rules: Any,
) -> RebateProgram:
    """A new program; `rules`: any of RULE_FIELDS (deadline, caps, pre-approval, …)."""
    _only(rules, RULE_FIELDS, "program")
    program = RebateProgram(
        organization=organization,
        name=name.strip(),
        sponsor=sponsor.strip(),
        sponsor_type=sponsor_type,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        is_active=is_active,
        **rules,
        document_name_pattern=document_name_pattern.strip() or DEFAULT_DOCUMENT_NAME_PATTERN,
    )
    _clean_program(program)
    program.save()
    return program


@transaction.atomic
def program_update(*, program: RebateProgram, **fields: Any) -> RebateProgram:
    _only(fields, PROGRAM_FIELDS, "program")
    strip = ("name", "sponsor", "contractor_enrollment_number")
    deadline_moved = (
        "submission_deadline_days" in fields
        and fields["submission_deadline_days"] != program.submission_deadline_days
    )
    for key, value in fields.items():
        setattr(program, key, value.strip() if key in strip and value else value)
    _clean_program(program)
    program.save()
    if deadline_moved:
        packets_set_dates(program_id=program.pk)
    program_revalidate_on_commit(program)
    return program


@transaction.atomic
def program_delete(*, program: RebateProgram) -> None:
    """Delete a program nobody uses yet; one with packets or rules is switched off instead."""
    if program.packets.exists():
        raise ValidationError("This program has packets; switch it off instead of deleting it.")
    if program.rules.exists():
        raise ValidationError("Import rules send packets to this program; delete them first.")
    program.delete()


def _row_clean(row: models.Model) -> None:
    try:
        row.full_clean(exclude=["organization", "program"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


def _clean_measure(measure: ProgramMeasure) -> None:
    _row_clean(measure)
    errors: dict[str, list[str]] = {}
    if measure.income_tier and not measure.program.income_tiers:
        errors["income_tier"] = [
            "The program does not pay by income tier: switch income tiers on for it first."
        ]
    percent = measure.max_percent_of_cost
    if percent is not None and not 0 < percent <= 100:
        errors["max_percent_of_cost"] = [
            "A percent of the project cost, more than 0 and at most 100."
        ]
    if not measure.equipment_type and not measure.sku_ids:
        errors["equipment_type"] = ["Name an equipment type or pick SKUs the measure pays for."]
    if measure.rating and measure.minimum is None:
        errors["minimum"] = ["Give the minimum rating."]
    if measure.minimum is not None and not measure.rating:
        errors["rating"] = ["Name the rating the minimum applies to (e.g. SEER2)."]
    if measure.amount is not None and measure.amount < 0:
        errors["amount"] = ["The amount cannot be negative."]
    if errors:
        raise ValidationError(errors)


def _clean_requirement(requirement: ProgramRequirement) -> None:
    _row_clean(requirement)
    kind = ProgramRequirement.Kind
    if requirement.kind in (kind.JOB_FIELD, kind.EFFICIENCY_RATINGS) and not requirement.pattern:
        what = "custom field" if requirement.kind == kind.JOB_FIELD else "ratings (e.g. SEER2)"
        raise ValidationError({"pattern": [f"Name the {what} to look for."]})
    if requirement.is_document and not requirement.pattern:
        raise ValidationError({"pattern": ["Give the file or form names to look for."]})
    if requirement.is_document and requirement.min_count < 1:
        raise ValidationError({"min_count": ["At least one."]})


def _clean_check(check: EligibilityCheck) -> None:
    _row_clean(check)
    kind = EligibilityCheck.Kind
    errors: dict[str, list[str]] = {}
    if check.kind == kind.MIN_RATING:
        if not check.rating:
            errors["rating"] = ["Name the rating (e.g. SEER2)."]
        if check.minimum is None:
            errors["minimum"] = ["Give the minimum."]
    if check.kind == kind.ONE_PER_ADDRESS and not check.period_months:
        errors["period_months"] = ["Give the period in months."]
    if check.tolerance is not None and check.tolerance < 0:
        errors["tolerance"] = ["The tolerance cannot be negative."]
    if errors:
        raise ValidationError(errors)


def _clean_kickback(reason: KickbackReason) -> None:
    _row_clean(reason)
    taken = KickbackReason.objects.filter(program_id=reason.program_id, code=reason.code).exclude(
        pk=reason.pk
    )
    if taken.exists():
        raise ValidationError({"code": ["This program already has a reason with this code."]})


def _next_position(model: type[R], program: RebateProgram) -> int:
    last = model._default_manager.filter(program=program).aggregate(m=models.Max("position"))["m"]
    return 0 if last is None else last + 1


def _create_row(model: type[R], program: RebateProgram, fields: dict[str, Any], clean: Any) -> R:
    fields.setdefault("position", _next_position(model, program))
    row = model(organization_id=program.organization_id, program=program, **fields)
    clean(row)
    row.save()
    program_revalidate_on_commit(program)
    return row


def _update_row(row: R, fields: dict[str, Any], clean: Any) -> R:
    for key, value in fields.items():
        setattr(row, key, value)
    clean(row)
    row.save()
    program_revalidate_on_commit(row.program)
    return row


def _delete_row(row: R) -> None:
    program = row.program
    row.delete()
    program_revalidate_on_commit(program)


def _normalize_measure(fields: dict[str, Any]) -> dict[str, Any]:
    if "sku_ids" in fields:
        fields["sku_ids"] = sorted({int(v) for v in fields["sku_ids"] or ()})
    for key in ("minimum", "amount", "max_percent_of_cost"):
        if isinstance(fields.get(key), str | int | float) and fields[key] != "":
            fields[key] = Decimal(str(fields[key]))
    return fields


@transaction.atomic
def measure_create(*, program: RebateProgram, **fields: Any) -> ProgramMeasure:
    _only(fields, MEASURE_FIELDS, "measure")
    return _create_row(ProgramMeasure, program, _normalize_measure(fields), _clean_measure)


@transaction.atomic
def measure_update(*, measure: ProgramMeasure, **fields: Any) -> ProgramMeasure:
    _only(fields, MEASURE_FIELDS, "measure")
    return _update_row(measure, _normalize_measure(fields), _clean_measure)


@transaction.atomic
def measure_delete(*, measure: ProgramMeasure) -> None:
    _delete_row(measure)


@transaction.atomic
def requirement_create(*, program: RebateProgram, **fields: Any) -> ProgramRequirement:
    _only(fields, REQUIREMENT_FIELDS, "requirement")
    return _create_row(ProgramRequirement, program, fields, _clean_requirement)


@transaction.atomic
def requirement_update(*, requirement: ProgramRequirement, **fields: Any) -> ProgramRequirement:
    _only(fields, REQUIREMENT_FIELDS, "requirement")
    return _update_row(requirement, fields, _clean_requirement)


@transaction.atomic
def requirement_delete(*, requirement: ProgramRequirement) -> None:
    _delete_row(requirement)


@transaction.atomic
def check_create(*, program: RebateProgram, **fields: Any) -> EligibilityCheck:
    _only(fields, CHECK_FIELDS, "check")
    return _create_row(EligibilityCheck, program, _normalize_measure(fields), _clean_check)


@transaction.atomic
def check_update(*, check: EligibilityCheck, **fields: Any) -> EligibilityCheck:
    _only(fields, CHECK_FIELDS, "check")
    return _update_row(check, _normalize_measure(fields), _clean_check)


@transaction.atomic
def check_delete(*, check: EligibilityCheck) -> None:
    _delete_row(check)


@transaction.atomic
def kickback_reason_create(*, program: RebateProgram, **fields: Any) -> KickbackReason:
    _only(fields, KICKBACK_FIELDS, "kickback reason")
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip().upper()
    return _create_row(KickbackReason, program, fields, _clean_kickback)


@transaction.atomic
def kickback_reason_update(*, reason: KickbackReason, **fields: Any) -> KickbackReason:
    _only(fields, KICKBACK_FIELDS, "kickback reason")
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip().upper()
    return _update_row(reason, fields, _clean_kickback)


@transaction.atomic
def kickback_reason_delete(*, reason: KickbackReason) -> None:
    reason.delete()


def _sku_ids_for(organization: Organization, codes: list[str]) -> list[int]:
    """The organization's mirrored pricebook SKUs with these codes (any tenant)."""
    ids: set[int] = set()
    for model in (PricebookService, PricebookEquipment, PricebookMaterial):
        ids.update(
            model._default_manager.filter(
                organization=organization, code__in=codes, active=True
            ).values_list("st_id", flat=True)
        )
    return sorted(ids)


def _unique_name(organization: Organization, name: str) -> str:
    taken = set(
        RebateProgram.objects.filter(organization=organization, name__startswith=name).values_list(
            "name", flat=True
        )
    )
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def _normalize_rules(rules: dict[str, Any]) -> dict[str, Any]:
    _only(rules, RULE_FIELDS, "program")
    if isinstance(rules.get("cap_percent_of_cost"), str | int | float):
        rules["cap_percent_of_cost"] = Decimal(str(rules["cap_percent_of_cost"]))
    return rules


@transaction.atomic
def program_copy_example(
    *, organization: Organization, key: str, name: str | None = None
) -> RebateProgram:
    """Copy a shipped EXAMPLE program into the organization, for an admin to adapt.

    Its measures' SKU codes resolve against the organization's mirrored pricebook; a
    "calendar_year" window becomes this year. Copying twice gives "… (2)".
    """
    example = EXAMPLES.get(key)
    if example is None:
        raise ValidationError({"key": [f"No example program “{key}”."]})
    starts_on = ends_on = None
    if example.window == "calendar_year":
        year = timezone.localdate().year
        starts_on, ends_on = dt.date(year, 1, 1), dt.date(year, 12, 31)
    program = RebateProgram(
        organization=organization,
        name=_unique_name(organization, (name or example.name).strip()),
        sponsor=example.sponsor,
        sponsor_type=example.sponsor_type,
        description=example.summary,
        starts_on=starts_on,
        ends_on=ends_on,
        example_key=example.key,
        source=example.source,
        **_normalize_rules(dict(example.rules)),
    )
    _clean_program(program)
    program.save()
    org = organization.pk
    measures = []
    for position, spec in enumerate(example.measures):
        spec = dict(spec)
        codes = spec.pop("sku_codes", None)
        if codes:
            spec["sku_ids"] = _sku_ids_for(organization, codes)
        measures.append(
            ProgramMeasure(
                organization_id=org, program=program, position=position, **_normalize_measure(spec)
            )
        )
    ProgramMeasure.objects.bulk_create(measures)
    ProgramRequirement.objects.bulk_create(
        ProgramRequirement(organization_id=org, program=program, position=position, **spec)
        for position, spec in enumerate(example.requirements)
    )
    EligibilityCheck.objects.bulk_create(
        EligibilityCheck(
            organization_id=org,
            program=program,
            position=position,
            **_normalize_measure(dict(spec)),
        )
        for position, spec in enumerate(example.checks)
    )
    KickbackReason.objects.bulk_create(
        KickbackReason(
            organization_id=org, program=program, position=position, code=code, label=label
        )
        for position, (code, label) in enumerate(example.kickback_reasons)
    )
    return program
