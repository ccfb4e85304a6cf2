"""Bulk sheets: a program's column mapping (admins) and a batch's sheet as CSV or XLSX."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from autofile.accounts.decorators import role_required
from autofile.accounts.models import Role
from autofile.filing import sheets
from autofile.filing.forms import SheetColumnFormSet, SheetSettingsForm
from autofile.filing.selectors import batches as batch_selectors
from autofile.filing.selectors import sheets as selectors
from autofile.filing.services import sheets as services
from autofile.filing.sheet_examples import MAPPINGS
from autofile.filing.views_batches import FILERS, organization_of
from autofile.packets.models import RebateProgram
from autofile.packets.selectors.programs import program_choices, program_get

PREVIEW_ROWS = 5


def _program_or_404(request: HttpRequest, program_id: int) -> RebateProgram:
    program = program_get(organization=organization_of(request), program_id=program_id)
    if program is None:
        raise Http404("No such program")
    return program


def _initial(sheet: selectors.Sheet) -> list[dict[str, Any]]:
    return [
        {"header": c.header, "field": c.field, "unit": c.unit, "value": c.value}
        for c in sheet.columns
    ]


def _specs(formset: Any) -> list[services.ColumnSpec]:
    """The formset's columns in order (blank and deleted rows left out)."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or form.is_blank:
            continue
        rows.append(
            services.ColumnSpec(
                header=data["header"], field=data["field"], unit=data["unit"], value=data["value"]
            )
        )
    return rows


@role_required(Role.ADMIN)
def sheet_mapping(request: HttpRequest, rebate_program_id: int) -> HttpResponse:
    """Edit the program's bulk sheet columns, with its first rows previewed below."""
    program = _program_or_404(request, rebate_program_id)
    sheet = selectors.sheet_for(program=program)
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("example"):
        try:
            services.sheet_mapping_from_example(program=program, key=request.POST["example"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The bulk sheet now follows the example; adapt it here.")
        return redirect("filing:sheet_mapping", rebate_program_id=program.pk)
    if request.method == "POST":
        formset = SheetColumnFormSet(request.POST, prefix="columns")
        settings_form = SheetSettingsForm(request.POST)
        if formset.is_valid() and settings_form.is_valid():
            try:
                services.sheet_mapping_save(
                    program=program,
                    columns=_specs(formset),
                    date_format=settings_form.cleaned_data["date_format"],
                )
            except ValidationError as error:
                errors = list(error.messages)
            else:
                messages.success(request, f"Bulk sheet of {program.name} saved.")
                return redirect("filing:sheet_mapping", rebate_program_id=program.pk)
        status = 400
    else:
        formset = SheetColumnFormSet(initial=_initial(sheet), prefix="columns")
        settings_form = SheetSettingsForm(initial={"date_format": sheet.date_format})
        status = 200
    preview_ids = selectors.preview_packet_ids(program=program, limit=PREVIEW_ROWS)
    rows = list(
        selectors.sheet_rows(
            organization=organization_of(request), sheet=sheet, packet_ids=preview_ids
        )
    )
    preview = [[sheets.csv_cell(v, sheet.date_format) for v in row] for row in rows]
    context = {
        "program": program,
        "sheet": sheet,
        "formset": formset,
        "settings_form": settings_form,
        "errors": errors,
        "preview": preview,
        "examples": [m for m in MAPPINGS.values() if m.key != "default"],
    }
    return render(request, "filing/sheet_mapping.html", context, status=status)


def _sheet_download(request: HttpRequest, batch_id: int, kind: str) -> HttpResponse:
    organization = organization_of(request)
    batch = batch_selectors.batch_get(organization=organization, batch_id=batch_id)
    if batch is None:
        raise Http404("No such batch")
    sheet = selectors.sheet_for(program=batch.program)
    ids = [entry.packet_id for entry in batch.entry_list]  # type: ignore[attr-defined]
    rows = selectors.sheet_rows(organization=organization, sheet=sheet, packet_ids=ids)
    name = f"{batch.reference}-{slugify(batch.program.name)[:40]}"
    if kind == "csv":
        text = io.StringIO()
        sheets.write_csv(sheet, rows, text)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        data = io.BytesIO()
        sheets.write_xlsx(sheet, rows, data, title=batch.reference)
        response = HttpResponse(data.getvalue(), content_type=sheets.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@require_GET
@role_required(*FILERS)
def batch_sheet_csv(request: HttpRequest, submission_batch_id: int) -> HttpResponse:
    return _sheet_download(request, submission_batch_id, "csv")


@require_GET
@role_required(*FILERS)
def batch_sheet_xlsx(request: HttpRequest, submission_batch_id: int) -> HttpResponse:
    return _sheet_download(request, submission_batch_id, "xlsx")


@require_GET
@role_required(*FILERS)
def sheet_list(request: HttpRequest) -> HttpResponse:
    programs = program_choices(organization=organization_of(request))
    context = {
        "sheets": [(p, selectors.sheet_for(program=p)) for p in programs],
        "can_edit": request.membership.role == Role.ADMIN,  # type: ignore[attr-defined]
    }
    return render(request, "filing/sheet_list.html", context)
