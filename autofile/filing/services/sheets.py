"""Saving a program's bulk sheet mapping (its columns, in order, and its date format)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from autofile.filing.models import UNIT_FIELDS, DateFormat, SheetColumn, SheetField, SheetMapping
from autofile.filing.sheet_examples import MAPPINGS
from autofile.packets.models import RebateProgram

MAX_COLUMNS = 80
MAX_UNIT = 20


@dataclass(frozen=True)
class ColumnSpec:
    header: str
    field: str
    unit: int | None = None
    value: str = ""


def _clean(columns: Sequence[ColumnSpec], date_format: str) -> list[ColumnSpec]:
    if date_format not in DateFormat.values:
        raise ValidationError({"date_format": ["Choose a date format."]})
    if not columns:
        raise ValidationError({"columns": ["A bulk sheet needs at least one column."]})
    if len(columns) > MAX_COLUMNS:
        raise ValidationError({"columns": [f"A bulk sheet has at most {MAX_COLUMNS} columns."]})
    cleaned, seen, errors = [], set(), []
    for n, spec in enumerate(columns, 1):
        header = " ".join(spec.header.split())
        if not header:
            errors.append(f"Column {n} needs a header.")
        elif header.casefold() in seen:
            errors.append(f"Column {n}: the header “{header}” is already used.")
        seen.add(header.casefold())
        if spec.field not in SheetField.values:
            errors.append(f"Column {n}: choose what it holds.")
            continue
        unit = spec.unit
        if spec.field in UNIT_FIELDS:
            unit = unit or 1
            if not 1 <= unit <= MAX_UNIT:
                errors.append(f"Column {n}: the unit is a number from 1 to {MAX_UNIT}.")
        else:
            unit = None
        value = spec.value.strip() if spec.field == SheetField.FIXED else ""
        cleaned.append(ColumnSpec(header[:100], spec.field, unit, value[:200]))
    if errors:
        raise ValidationError({"columns": errors})
    return cleaned


@transaction.atomic
def sheet_mapping_save(
    *,
    program: RebateProgram,
    columns: Sequence[ColumnSpec],
    date_format: str,
    example_key: str = "",
) -> SheetMapping:
    """Replace the program's bulk sheet columns with `columns`, in that order."""
    cleaned = _clean(columns, date_format)
    mapping, _ = SheetMapping.objects.select_for_update().get_or_create(
        organization_id=program.organization_id,
        program=program,
        defaults={"date_format": date_format, "example_key": example_key},
    )
    mapping.date_format = date_format
    if example_key:
        mapping.example_key = example_key
    mapping.save()
    SheetColumn.objects.filter(mapping=mapping).delete()
    SheetColumn.objects.bulk_create(
        SheetColumn(
            organization_id=program.organization_id,
            mapping=mapping,
            position=position,
            header=spec.header,
            field=spec.field,
            unit=spec.unit,
            value=spec.value,
        )
        for position, spec in enumerate(cleaned, 1)
    )
    return mapping


def sheet_mapping_from_example(*, program: RebateProgram, key: str) -> SheetMapping:
    """Replace the program's mapping with a shipped example mapping, for the admin to adapt."""
    example = MAPPINGS.get(key)
    if example is None:
        raise ValidationError({"example": [f"No example mapping “{key}”."]})
    return sheet_mapping_save(
        program=program,
        columns=[ColumnSpec(c.header, c.field, c.unit, c.value) for c in example.columns],
        date_format=example.date_format,
        example_key=example.key,
    )
